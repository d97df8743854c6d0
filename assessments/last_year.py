"""上年: what the unit entered the year before — figures, the labels of its choices, excerpts of its texts — shown
beside the inputs of the data-entry tabs. A final assessment of last year is read from its frozen snapshot (what was
signed), an open one from its stored rows.

One query reads last year's assessment with its facts and its newest snapshot — none when this year's assessment was
loaded `with_year_before`, which brings them (and the unit's staffing of that year) in the query loading it. The
parts a final assessment's snapshot holds need nothing more; an open one's staffing, institutions, special funds or
indicator rows are read only by the tab that shows them: one query each, or none when the tab read them with this
year's (`selectors.assessment_data(last_year=…)`)."""

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import Case, F, FilteredRelation, OuterRef, Q, Subquery, When

from assessments.models import Assessment, Facts, IndicatorRow, Institution, Snapshot, SpecialFund
from assessments.models.assessment import SnapshotQuerySet
from assessments.selectors import unsaved_instance
from units.models import Staffing


class LastYear:
    """Last year's assessment of the same unit and kind, as plain model instances (unsaved when read from the
    snapshot)."""

    def __init__(self, prior: Assessment, document: dict | None):
        self.assessment = prior
        self.document = document  # the snapshot's assessment document when last year's is final
        # Parts an open one had read with this year's (`with_year_before`, `selectors.assessment_data`).
        self.read = getattr(prior, "read_with_this_year", {})

    @cached_property
    def facts(self) -> Facts | None:
        if self.document is not None:
            return unsaved_instance(Facts, self.document.get("facts") or {})
        return getattr(self.assessment, "facts", None)

    @cached_property
    def goal(self) -> Assessment:
        """The 年度总体目标 (goal_planned, goal_achieved), on the assessment itself or in its snapshot."""
        if self.document is not None:
            goal = self.document.get("goal") or {}
            return Assessment(goal_planned=goal.get("planned") or "", goal_achieved=goal.get("achieved") or "")
        return self.assessment

    @cached_property
    def staffing(self) -> Staffing | None:
        if self.document is not None:
            values = self.document.get("staffing") or {}
            return unsaved_instance(Staffing, values) if values else None
        if "staffing" in self.read:
            return self.read["staffing"]
        return Staffing.objects.filter(unit_id=self.assessment.unit_id, year=self.assessment.year).first()

    @cached_property
    def institutions(self) -> list[Institution]:
        if self.document is not None:
            return [unsaved_instance(Institution, values) for values in self.document.get("institutions", [])]
        if "institutions" in self.read:
            return self.read["institutions"]
        return list(Institution.objects.filter(assessment=self.assessment))

    @cached_property
    def special_funds(self) -> list[SpecialFund]:
        if self.document is not None:
            return [unsaved_instance(SpecialFund, values) for values in self.document.get("special_funds", [])]
        if "special_funds" in self.read:
            return self.read["special_funds"]
        return list(SpecialFund.objects.filter(assessment=self.assessment))

    @cached_property
    def indicator_rows(self) -> list[IndicatorRow]:
        """The assessment's own indicator rows (not its projects')."""
        if self.document is not None:
            return [unsaved_instance(IndicatorRow, values) for values in self.document.get("indicator_rows", [])]
        if "indicator_rows" in self.read:
            return self.read["indicator_rows"]
        return list(IndicatorRow.objects.filter(assessment=self.assessment, project=None))


def year_before(assessment: Assessment):
    """The unit's assessment of the same kind for the year before, as a queryset (at most one)."""
    return Assessment.objects.filter(unit_id=assessment.unit_id, year=assessment.year - 1, kind=assessment.kind)


def with_year_before(queryset, *, figures: bool = True):
    """An assessment queryset whose assessments come with last year's (`year_before`, same unit and kind, or none)
    and, with `figures`, its facts and, when it is final, its newest snapshot: what `assessment_before` and
    `last_year` read, in the query that loads this year's."""
    queryset = queryset.annotate(
        year_before=FilteredRelation(
            "unit__assessments",
            condition=Q(unit__assessments__year=F("year") - 1, unit__assessments__kind=F("kind")),
        ),
        year_before_id=F("year_before__pk"),  # None when there is none: tells it was looked for
    )
    if not figures:
        return queryset.select_related("year_before")
    queryset = queryset.annotate(
        year_before_staffing=FilteredRelation("unit__staffing", condition=Q(unit__staffing__year=F("year") - 1)),
    )
    newest = Snapshot.objects.filter(assessment=OuterRef("year_before__pk")).order_by(*SnapshotQuerySet.NEWEST_FIRST)
    final = Q(year_before__status=Assessment.Status.FINAL)
    return queryset.annotate(
        # An open one's snapshots (from its submissions) are not shown: not read.
        year_before_frozen=Case(When(final, then=Subquery(newest.values("data")[:1]))),
        year_before_frozen_sha256=Case(When(final, then=Subquery(newest.values("sha256")[:1]))),
    ).select_related("year_before__facts", "year_before_staffing")


def assessment_before(assessment: Assessment) -> Assessment | None:
    """Last year's assessment of the unit and kind, or None: loaded `with_year_before`, else one query."""
    if hasattr(assessment, "year_before_id"):
        return getattr(assessment, "year_before", None) if assessment.year_before_id is not None else None
    return year_before(assessment).first()


def last_year(assessment: Assessment) -> LastYear | None:
    if hasattr(assessment, "year_before_frozen"):  # loaded `with_year_before` with its figures
        prior = getattr(assessment, "year_before", None) if assessment.year_before_id is not None else None
        if prior is not None:
            prior.frozen, prior.frozen_sha256 = assessment.year_before_frozen, assessment.year_before_frozen_sha256
            # The unit's staffing of that year came too (the join leaves the attribute unset when there is none).
            vars(prior).setdefault("read_with_this_year", {})["staffing"] = getattr(
                assessment, "year_before_staffing", None
            )
    else:
        newest = Snapshot.objects.filter(assessment=OuterRef("pk")).order_by(*SnapshotQuerySet.NEWEST_FIRST)
        prior = (
            year_before(assessment)
            .select_related("facts")
            .annotate(frozen=Subquery(newest.values("data")[:1]), frozen_sha256=Subquery(newest.values("sha256")[:1]))
            .first()
        )
    if prior is None:
        return None
    document = None
    if prior.status == Assessment.Status.FINAL and prior.frozen is not None:
        # Checked against its hash as every reading of a final assessment is.
        document = Snapshot(assessment=prior, data=prior.frozen, sha256=prior.frozen_sha256).verified_data()
        document = document["assessment"]
    return LastYear(prior, document)


# Last year's text beside an input is cut to this many characters (the 自评表's columns are narrow); the whole text
# opens under it.
EXCERPT_CHARS = 40


@dataclass(frozen=True, slots=True)
class Shown:
    """Last year's value of one input as the page shows it beside the input: `text` is a figure (amounts with 2 places
    and separators), the label a choice's drop-down shows (never its stored code) or a text, cut to an excerpt when
    long; `full` is then the whole text. `caption` is written before it."""

    text: str
    full: str = ""
    caption: str = "上年 "

    def __str__(self) -> str:
        return self.text


def _labels(choices) -> dict[str, str]:
    labels = {}
    for code, label in choices:
        if isinstance(label, list | tuple):  # a group of choices
            labels.update(_labels(label))
        elif code not in (None, ""):
            labels[str(code)] = str(label)
    return labels


def shown_value(value, choices=None, *, caption: str = "上年 ") -> Shown | None:
    """Last year's value as shown beside an input offering `choices` (an input's (code, label) pairs, when it is a
    drop-down or check boxes), or None when last year has none: nothing typed, nothing chosen, a box not ticked, a
    choice no longer offered."""
    if value is None or value is False or value in ("", [], {}):
        return None
    if choices:
        labels = _labels(choices)
        chosen = value if isinstance(value, list | tuple) else [value]
        text = "、".join(labels[str(code)] for code in chosen if str(code) in labels)
    elif value is True:
        text = "是"
    elif isinstance(value, Decimal):
        text = f"{value:,.2f}"
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        return None
    if not text:
        return None
    flat = " ".join(text.split())
    if len(flat) <= EXCERPT_CHARS:
        return Shown(flat, "", caption)
    return Shown(flat[:EXCERPT_CHARS].rstrip() + "…", text, caption)


def values_shown(instance, fields: dict, prefix: str, *, skip=("id", "name")) -> dict[str, Shown]:
    """{input id: last year's value} for the form `fields` of `instance` shown under the form prefix `prefix`. A row's
    name is left out: last year's row was found by it; and its id, a hidden input (whose choices would be every row of
    the table, of every assessment, read to label it)."""
    if instance is None:
        return {}
    shown = {}
    for name, form_field in fields.items():
        if name in skip:
            continue
        value = shown_value(getattr(instance, name, None), getattr(form_field, "choices", None))
        if value is not None:
            shown[f"id_{prefix}-{name}"] = value
    return shown


def matched_by_name(current: list, previous: list) -> list[tuple[int, object]]:
    """(index in `current`, last year's row) for rows of the same name; a table of one row each year is the same row
    even when renamed."""
    if len(current) == 1 and len(previous) == 1:
        return [(0, previous[0])]
    by_name = {row.name.strip(): row for row in previous if row.name}
    return [(index, by_name[row.name.strip()]) for index, row in enumerate(current) if row.name.strip() in by_name]
