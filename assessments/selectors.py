"""Reads that gather an assessment's data for a screen in a fixed number of queries."""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache, partial

from django.db.models import F, OuterRef, Q, StringAgg, Subquery, TextField, Value
from django.db.models.functions import Cast, JSONObject
from django.utils import timezone

from assessments.facts import FactSheet
from assessments.models import (
    Assessment,
    Facts,
    FindingExplanation,
    IndicatorRow,
    Institution,
    NarrativeSection,
    Project,
    ReviewComment,
    Snapshot,
    SpecialFund,
)
from assessments.scores import ScoredAssessment, score_assessment
from perfeval.compiled import CompiledQuery
from scoring.engine import metadata
from units.models import Staffing


@dataclass
class AssessmentData:
    assessment: Assessment
    facts: Facts
    staffing: Staffing | None
    institutions: list[Institution]
    special_funds: list[SpecialFund]
    rows: list[IndicatorRow]
    projects: list[Project]
    _fact_sheet: FactSheet | None = field(default=None, repr=False)
    _texts: tuple[dict[str, NarrativeSection], dict[str, str]] | None = field(default=None, repr=False)

    @property
    def assessment_rows(self) -> list[IndicatorRow]:
        return [row for row in self.rows if row.project_id is None]

    def fact_sheet(self) -> FactSheet:
        if self._fact_sheet is None:
            self._fact_sheet = FactSheet(
                self.facts, institutions=self.institutions, special_funds=self.special_funds, staffing=self.staffing
            )
        return self._fact_sheet

    def narrative(self) -> dict[str, str]:
        """The stored narrative: section key → text."""
        return {key: section.body for key, section in self._read_texts()[0].items()}

    def narrative_sections(self) -> dict[str, NarrativeSection]:
        """The stored narrative's sections (key → section), which the narrative's form saves over."""
        return self._read_texts()[0]

    def explanations(self) -> dict[str, str]:
        """The stored explanations of the 提示: finding key → text."""
        return self._read_texts()[1]

    def _read_texts(self) -> tuple[dict[str, NarrativeSection], dict[str, str]]:
        if self._texts is None:
            self._texts = narrative_and_explanations(self.assessment)
        return self._texts

    def scored(self) -> ScoredAssessment:
        return score_assessment(self.assessment, fact_sheet=self.fact_sheet(), rows=self.assessment_rows)


def assessment_data(assessment: Assessment, *, reread: bool = False, last_year: tuple[str, ...] = ()) -> AssessmentData:
    """The facts and the year's staffing are taken from the assessment when `access.get_assessment_for_user` loaded
    them with it (and the narrative and the explanations when loaded `with_texts`), unless `reread` (after a refused
    save: someone else has changed them since, and the bound forms have written the refused values onto the loaded
    instances). Every tab reads the projects: the score panel counts their checks. `last_year`: the parts
    (`LAST_YEAR_PARTS`) of last year's assessment that are read in the same query as this year's, when it came with
    this one (`last_year.with_year_before`) and is open; `LastYear` takes them. A final one's are in its snapshot."""
    # Only an instance the access helper loaded for this request carries its facts and staffing (`year_staffing`
    # marks it): any other may hold facts cached long before, which another save has changed since.
    loaded_with_them = hasattr(assessment, "year_staffing") and not reread
    if loaded_with_them and Assessment.facts.is_cached(assessment):
        facts = getattr(assessment, "facts", None) or Facts.objects.create(assessment=assessment)
    else:
        facts, _ = Facts.objects.get_or_create(assessment=assessment)
    if loaded_with_them:
        staffing = assessment.year_staffing
    else:
        staffing = Staffing.objects.filter(unit=assessment.unit_id, year=assessment.year).first()
    prior = _open_year_before(assessment) if last_year else None
    data = AssessmentData(
        assessment=assessment,
        facts=facts,
        staffing=staffing,
        institutions=_read("institutions", assessment, prior if "institutions" in last_year else None),
        special_funds=_read("special_funds", assessment, prior if "special_funds" in last_year else None),
        rows=_read("indicator_rows", assessment, prior if "indicator_rows" in last_year else None),
        projects=_read("projects", assessment, None),
    )
    if loaded_with_them and hasattr(assessment, "narrative_rows"):  # loaded `with_texts`
        data._texts = _texts_decoded(assessment, assessment.narrative_rows, assessment.explanation_rows)
    if assessment.status == Assessment.Status.FINAL:
        _as_frozen(data, Snapshot.objects.latest_for(assessment))
    return data


def _open_year_before(assessment: Assessment) -> Assessment | None:
    """Last year's assessment when it came with this one (`last_year.with_year_before`) and is open."""
    prior = getattr(assessment, "year_before", None) if getattr(assessment, "year_before_id", None) else None
    return prior if prior is not None and prior.status != Assessment.Status.FINAL else None


# What of an open last year a tab may read with this year's: the model, and which of its rows.
LAST_YEAR_PARTS = {
    "institutions": (Institution, {}),
    "special_funds": (SpecialFund, {}),
    "indicator_rows": (IndicatorRow, {"project": None}),  # its own, not its projects'
}
# The parts every page reads: the projects only ever this year's.
PARTS = {**LAST_YEAR_PARTS, "projects": (Project, {})}


def _read(name: str, assessment: Assessment, prior: Assessment | None) -> list:
    """This year's rows of one part; with `prior`, last year's too in the same query (one OR), kept on it for
    `LastYear` (`read_with_this_year`)."""
    query = _part_query(name, prior is not None)
    ids = {"assessment": assessment.pk} if prior is None else {"assessment": assessment.pk, "prior": prior.pk}
    found = query.load(**ids) if query.usable else list(_part(name, **ids))
    if prior is None:
        return found
    this, before = [], []
    for row in found:
        (this if row.assessment_id == assessment.pk else before).append(row)
    vars(prior).setdefault("read_with_this_year", {})[name] = before
    return this


def _part(name: str, assessment: int, prior: int | None = None):
    model, only = PARTS[name]
    if prior is None:
        return model.objects.filter(assessment=assessment)
    return model.objects.filter(Q(assessment=assessment) | Q(assessment=prior, **only))


@lru_cache(maxsize=16)
def _part_query(name: str, with_prior: bool) -> CompiledQuery:
    """The query of a part, compiled once per process: every page reads four of them, and Django built and compiled
    each anew per request (perfeval.compiled; the ids are bound on each use)."""
    return CompiledQuery(partial(_part, name), ("assessment", "prior") if with_prior else ("assessment",))


def with_texts(queryset):
    """An assessment queryset whose assessments come with the narrative's sections and the stored explanations of the
    提示 (`AssessmentData.narrative` and `.explanations`, which the score panel of every tab reads)."""
    return queryset.annotate(
        narrative_rows=_json_rows(NarrativeSection, "id", "key", "body"),
        explanation_rows=_json_rows(FindingExplanation, "key", "text"),
    )


def with_comments(queryset):
    """An assessment queryset whose assessments come with the reviewers' comments (`review_comments`)."""
    return queryset.annotate(comment_rows=_json_rows(ReviewComment, *COMMENT_FIELDS))


COMMENT_FIELDS = tuple(f.attname for f in ReviewComment._meta.concrete_fields if f.attname != "assessment_id")


def _json_rows(model, *names) -> Subquery:
    """The assessment's rows of `model` (these columns: texts, numbers, times — no amounts, so nothing leaves Decimal)
    as one text, the elements of a JSON array: the database writes it, escaping every character, so any text reads
    back as typed (`_decoded`). None without rows."""
    one = Cast(JSONObject(**{name: F(name) for name in names}), TextField())  # PostgreSQL's string_agg takes text
    rows = model.objects.filter(assessment=OuterRef("pk")).order_by().values("assessment_id")
    return Subquery(rows.annotate(joined=StringAgg(one, Value(","))).values("joined"))


def _decoded(model, joined: str | None, assessment: Assessment) -> list:
    """The rows `_json_rows` wrote, as instances of `model` as if read from the database (saving one updates it)."""
    instances = []
    for row in json.loads(f"[{joined or ''}]"):
        row["assessment_id"] = assessment.pk
        names, values = [], []
        for model_field in model._meta.concrete_fields:  # from_db takes them in this order (jsonb sorts its keys)
            if model_field.attname in row:
                value = model_field.to_python(row[model_field.attname])
                if isinstance(value, datetime) and timezone.is_naive(value):  # SQLite keeps times as naive UTC text
                    value = timezone.make_aware(value, UTC)
                names.append(model_field.attname)
                values.append(value)
        instance = model.from_db(Assessment.objects.db, names, values)
        instance.assessment = assessment
        instances.append(instance)
    return instances


def _texts_decoded(
    assessment: Assessment, narrative: str | None, explained: str | None
) -> tuple[dict[str, NarrativeSection], dict[str, str]]:
    """The two columns `with_texts` adds, decoded: the sections (key → section, as saved: the narrative's form saves
    over them) and the explanations (key → text)."""
    sections = {section.key: section for section in _decoded(NarrativeSection, narrative, assessment)}
    explanations = {row.key: row.text for row in _decoded(FindingExplanation, explained, assessment)}
    return sections, explanations


def narrative_and_explanations(assessment: Assessment) -> tuple[dict[str, NarrativeSection], dict[str, str]]:
    """The narrative's sections (key → section) and the stored explanations of the 提示 (key → text), read now in one
    query: the score panel of every tab checks the one and counts the other, and the narrative's form saves over the
    sections."""
    columns = with_texts(Assessment.objects.filter(pk=assessment.pk)).values_list("narrative_rows", "explanation_rows")
    return _texts_decoded(assessment, *columns.get())


def review_comments(assessment: Assessment) -> list[ReviewComment]:
    """The reviewers' comments on the assessment, oldest first: loaded `with_comments`, else one query."""
    if hasattr(assessment, "comment_rows"):
        return sorted(_decoded(ReviewComment, assessment.comment_rows, assessment), key=lambda c: (c.created_at, c.pk))
    return list(ReviewComment.objects.filter(assessment=assessment))


def unsaved_instance(model, values: dict, **extra):
    """An unsaved model instance from a snapshot's plain values (Decimal strings back to Decimal)."""
    kwargs = {}
    for model_field in model._meta.concrete_fields:
        if model_field.name in values:
            kwargs[model_field.attname] = model_field.to_python(values[model_field.name])
    return model(**kwargs, **extra)


# The unit's own fields that the frozen document keeps (they are edited from any year's assessment).
FROZEN_UNIT_FIELDS = ("contact_person", "contact_phone", "functions", "internal_structure")


def _as_frozen(data: AssessmentData, snapshot: Snapshot | None) -> None:
    """A final assessment is shown as it was frozen. Its own rows cannot change any more (the models and the
    database refuse it), but the unit's staffing and its contact details belong to the unit and stay editable: the
    screens take them from the snapshot (the newest, see `Snapshot.objects.latest_for`), so every tab shows the
    totals the signed report prints."""
    if snapshot is None:
        return
    document = snapshot.verified_data()["assessment"]
    frozen_staffing = document.get("staffing") or {}
    data.staffing = (
        unsaved_instance(Staffing, frozen_staffing, unit_id=data.assessment.unit_id, year=data.assessment.year)
        if frozen_staffing
        else None
    )
    unit = data.assessment.unit
    for name in FROZEN_UNIT_FIELDS:
        if name in document.get("unit", {}):
            setattr(unit, name, document["unit"][name])


def assessment_data_many(assessments: list[Assessment]) -> list[AssessmentData]:
    """The data of many assessments in seven queries whatever their number (a region-year what-if reads thousands)."""
    ids = [assessment.pk for assessment in assessments]
    facts = {f.assessment_id: f for f in Facts.objects.filter(assessment_id__in=ids)}
    staffing = {
        (s.unit_id, s.year): s
        for s in Staffing.objects.filter(
            unit_id__in={a.unit_id for a in assessments}, year__in={a.year for a in assessments}
        )
    }

    def grouped(queryset) -> dict[int, list]:
        found: dict[int, list] = {}
        for item in queryset:
            found.setdefault(item.assessment_id, []).append(item)
        return found

    institutions = grouped(Institution.objects.filter(assessment_id__in=ids))
    funds = grouped(SpecialFund.objects.filter(assessment_id__in=ids))
    rows = grouped(IndicatorRow.objects.filter(assessment_id__in=ids))
    projects = grouped(Project.objects.filter(assessment_id__in=ids))
    # Final ones are read as frozen, like one at a time: the newest snapshot of each, in one more query.
    snapshots = Snapshot.objects.latest_for_many([a.pk for a in assessments if a.status == Assessment.Status.FINAL])
    many = [
        AssessmentData(
            assessment=a,
            facts=facts.get(a.pk) or Facts(assessment=a),
            staffing=staffing.get((a.unit_id, a.year)),
            institutions=institutions.get(a.pk, []),
            special_funds=funds.get(a.pk, []),
            rows=rows.get(a.pk, []),
            projects=projects.get(a.pk, []),
        )
        for a in assessments
    ]
    for data in many:
        if data.assessment.status == Assessment.Status.FINAL:
            _as_frozen(data, snapshots.get(data.assessment.pk))
    return many


HISTORY_BASES = frozenset({"history_average", "history_last_year", "history_extreme"})


def target_suggestions(assessment: Assessment, rows: list[IndicatorRow]) -> dict[int, list]:
    """For each stored row whose 指标值设定依据 is a 历史标准, the targets its history offers (上年值, 近三年平均 when
    the three years before exist, 历史极值): the actual values of the unit's rows of the same name under the same
    level-2 group (and, in a project table, the project of the same name) in earlier years. One query, and none when
    no row is based on history."""
    wanted = [row for row in rows if row.pk and row.group_code and row.target_basis in HISTORY_BASES]
    if not wanted:
        return {}
    past = (
        IndicatorRow.objects.filter(
            assessment__unit_id=assessment.unit_id,
            assessment__year__lt=assessment.year,
            name__in={row.name for row in wanted},
            actual_number__isnull=False,
        )
        .exclude(group_code="")
        .values_list("assessment__year", "group_code", "name", "project__name", "actual_number")
    )
    history: dict[tuple, dict[int, object]] = {}
    for year, group, name, project_name, actual in past:
        history.setdefault((group, name, project_name), {})[year] = actual
    projects = {project.pk: project.name for project in Project.objects.filter(assessment=assessment)}
    found = {}
    for row in wanted:
        key = (row.group_code, row.name, projects.get(row.project_id) if row.project_id else None)
        suggestions = metadata.suggest_targets(history.get(key, {}), assessment.year, row.target_comparator or ">=")
        if suggestions:
            found[row.pk] = suggestions
    return found


def attach_suggestions(assessment: Assessment, formset) -> None:
    """Hang each row form's suggested targets on it (``form.suggestions``) for the row's details."""
    found = target_suggestions(assessment, [form.instance for form in formset.forms])
    for form in formset.forms:
        form.suggestions = found.get(form.instance.pk, [])
