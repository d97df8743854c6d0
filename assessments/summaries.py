"""One line per assessment for overviews (the annual export's summary table and 汇总表, the administrator dashboard,
the public disclosure list): unit, status, total, grade, budget execution rate and the framework-level scores.
A final assessment is summarised from its frozen snapshot, anything else from its live data. `summaries()` does a
whole list in a fixed number of queries."""

import functools
import hashlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    F,
    FilteredRelation,
    Prefetch,
    Q,
    Value,
    When,
    prefetch_related_objects,
)

from assessments.facts import FactSheet
from assessments.models import Assessment, AssessmentSummary, Facts, IndicatorRow, ReScore, Snapshot
from assessments.rescores import rescore_entries, rescored
from assessments.selectors import AssessmentData
from perfeval.lookups import Same
from units.models import Staffing

RATE_PLACES = Decimal("0.0001")  # a fraction; shown as a percentage with 2 places


def execution_rate(spending, budget) -> Decimal | None:
    """预算执行率 = 全年执行数 ÷ 全年预算数 (the adjusted budget), as a fraction rounded half-up to 4 places."""
    if spending in (None, "") or budget in (None, ""):
        return None
    budget = Decimal(str(budget))
    if not budget:
        return None
    return (Decimal(str(spending)) / budget).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def percent(rate) -> str:
    """A stored fraction as a percentage with 2 places, "—" when there is none."""
    if rate in (None, ""):
        return "—"
    return f"{(Decimal(str(rate)) * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def score_columns(score: dict | None) -> list[dict]:
    """The framework's own lowest indicators: a leaf, or a group whose children are rows the unit wrote (10号
    tables), so that every unit of a framework has the same columns."""
    if not score:
        return []
    lines = score.get("lines", [])
    framework_parents = {line["parent"] for line in lines if not line.get("unit_row")}
    return [
        {"code": line["code"], "name": line["name"], "weight": line["weight"], "points": line["points"]}
        for line in lines
        if not line.get("unit_row") and line["code"] not in framework_parents
    ]


def _plain(value) -> str | None:
    return None if value is None else f"{value:f}"


def _summary(
    assessment: Assessment, *, unit: dict, score: dict | None, error: str, rate, snapshot, rescores: list[dict]
) -> dict:
    department = assessment.unit.parent
    framework = (score or {}).get("framework")
    if framework is None and assessment.framework_version_id is not None:
        version = assessment.framework_version
        framework = {"code": version.framework.code, "version": version.version, "name": version.framework.name}
    total = None
    if score:
        total = score["total"] if score.get("complete") else score.get("scored_total")
    review = rescored(score, rescores, framework_version=assessment.framework_version) if rescores else None
    return {
        "assessment": assessment.pk,
        "unit_id": assessment.unit_id,
        "unit_code": unit["code"],
        "unit": unit["name"],
        "department": department.name if department is not None and department.pk != assessment.unit_id else "",
        "region": unit["region"],
        "year": assessment.year,
        "status": assessment.status,
        "status_label": assessment.status_label,
        "framework": framework,
        "total": total,
        "complete": bool(score and score.get("complete")),
        "grade": (score or {}).get("grade"),
        # 抽查复核: the totals with the finance reviewer's scores (blank when nothing was re-scored).
        "rescored_total": _plain(review.total) if review is not None else None,
        "rescored_grade": review.grade if review is not None else None,
        "execution_rate": _plain(rate),
        "columns": score_columns(score),
        "error": error,
        "contact_phone": unit.get("contact_phone", ""),
        "sha256": snapshot.sha256 if snapshot is not None else "",
        "finalised_at": snapshot.created_at.isoformat() if snapshot is not None else "",
    }


def _unit(assessment: Assessment) -> dict:
    unit = assessment.unit
    return {"code": unit.code, "name": unit.name, "region": unit.region.full_name, "contact_phone": unit.contact_phone}


def summary_from_snapshot(assessment: Assessment, snapshot: Snapshot) -> dict:
    document = snapshot.verified_data()["assessment"]
    facts = document.get("facts", {})
    frozen = document.get("unit", {})
    unit = {
        **_unit(assessment),
        **{key: frozen[key] for key in ("code", "name", "region", "contact_phone") if key in frozen},
    }
    score = document.get("score")
    return _summary(
        assessment,
        unit=unit,
        score=score,
        error="" if score else "定稿快照中没有评分表。",
        rate=execution_rate(facts.get("spending_actual"), facts.get("budget_full_year")),
        snapshot=snapshot,
        rescores=snapshot.data.get("rescores", []),
    )


def summary_from_data(data: AssessmentData, *, rescores=None) -> dict:
    """The summary of live data; `rescores` (ReScore rows) when the caller has loaded them, else they are read."""
    assessment = data.assessment
    if rescores is None:
        rescores = ReScore.objects.filter(assessment=assessment).select_related("reviewer")
    try:
        score, error = data.scored().sheet.to_dict(), ""
    except ValidationError as exc:
        score, error = None, " ".join(exc.messages)
    return _summary(
        assessment,
        unit=_unit(assessment),
        score=score,
        error=error,
        rate=execution_rate(data.facts.spending_actual, data.facts.budget_full_year),
        snapshot=None,
        rescores=rescore_entries(rescores),
    )


SELECT = ("unit__region__parent__parent", "unit__parent", "framework_version__framework", "facts")


def summaries(assessments) -> list[dict]:
    return [summary for _, summary in summarised(assessments)]


def summarised(assessments) -> list[tuple[Assessment, dict]]:
    """(assessment, summary) for a queryset of assessments, in its order, in a fixed number of queries: the
    assessments, the final ones' snapshots, and for the others staffing, institutions, special funds and rows."""
    assessments = list(assessments.select_related(*SELECT))
    final_ids = [a.pk for a in assessments if a.status == Assessment.Status.FINAL]
    latest: dict[int, Snapshot] = {}
    if final_ids:
        for snapshot in Snapshot.objects.filter(assessment_id__in=final_ids).order_by("created_at", "pk"):
            latest[snapshot.assessment_id] = snapshot
    live = [a for a in assessments if a.pk not in latest]
    staffing = {}
    rescores: dict[int, list[ReScore]] = {}
    if live:
        for rescore in ReScore.objects.filter(assessment_id__in=[a.pk for a in live]).select_related("reviewer"):
            rescores.setdefault(rescore.assessment_id, []).append(rescore)
        prefetch_related_objects(
            live,
            "institutions",
            "special_funds",
            Prefetch("indicator_rows", queryset=IndicatorRow.objects.filter(project=None)),
        )
        for row in Staffing.objects.filter(
            unit_id__in={a.unit_id for a in live}, year__in={a.year for a in live}
        ).order_by():
            staffing[(row.unit_id, row.year)] = row
    out = []
    for assessment in assessments:
        if assessment.pk in latest:
            out.append((assessment, summary_from_snapshot(assessment, latest[assessment.pk])))
            continue
        try:
            facts = assessment.facts
        except Facts.DoesNotExist:
            facts = Facts(assessment=assessment)
        data = AssessmentData(
            assessment=assessment,
            facts=facts,
            staffing=staffing.get((assessment.unit_id, assessment.year)),
            institutions=list(assessment.institutions.all()),
            special_funds=list(assessment.special_funds.all()),
            rows=list(assessment.indicator_rows.all()),
            projects=[],
        )
        data._fact_sheet = FactSheet(
            facts, institutions=data.institutions, special_funds=data.special_funds, staffing=data.staffing
        )
        out.append((assessment, summary_from_data(data, rescores=rescores.get(assessment.pk, []))))
    return out


# --- stored summaries -----------------------------------------------------------------------------------------

# The code that turns an assessment into its summary. Its hash is part of every stored summary's key, so a deploy that
# changes how a total is computed makes every stored line differ from its key, and each is computed again.
SUMMARY_SOURCES = (
    "scoring/engine",
    "scoring/adapters.py",
    "assessments/facts.py",
    "assessments/scores.py",
    "assessments/selectors.py",
    "assessments/summaries.py",
    "assessments/rescores.py",
)
STORE_BATCH = 500  # assessments summarised and written per round (bounds the memory and the query parameters)


@functools.cache
def code_version() -> str:
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for source in SUMMARY_SOURCES:
        path = root / source
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(root).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


STAFFING_FIELDS = ("staff_quota", "staff_actual", "staff_agency", "veteran_retirees", "retirees")


def summary_key_parts() -> dict:
    """Every input of an assessment's summary, as the database reads it on a queryset of assessments annotated by
    with_summary_keys — the code, the assessment's status and version (every save and every transition bumps
    lock_version and updated_at), its framework version, the unit's staffing of the year — by the AssessmentSummary
    column that keeps it."""
    parts = {
        "key_code": Value(code_version()),
        "key_status": F("status"),
        "key_lock_version": F("lock_version"),
        "key_updated_at": F("updated_at"),
        "key_framework_version": F("framework_version_id"),
    }
    parts.update((f"key_{name}", F(f"year_staffing__{name}")) for name in STAFFING_FIELDS)
    return parts


def with_summary_keys(assessments):
    """The assessments, each with its key (an annotation per AssessmentSummary key column, named as the column) and
    `fresh`: whether its stored line was computed from exactly these inputs — compared column by column by the
    database, so thousands of lines are tested without sending their keys to Python."""
    parts = summary_key_parts()
    assessments = assessments.annotate(
        year_staffing=FilteredRelation("unit__staffing", condition=Q(unit__staffing__year=F("year")))
    )
    same = Q(*(Same(F(f"summary__{column}"), part) for column, part in parts.items()))
    return assessments.annotate(**parts, fresh=Case(When(same, then=Value(True)), default=Value(False)))


def current_keys(assessments) -> dict[int, dict]:
    """pk → key (column → value) of each assessment of a queryset annotated by with_summary_keys."""
    columns = tuple(summary_key_parts())
    return {pk: dict(zip(columns, key, strict=True)) for pk, *key in assessments.values_list("pk", *columns)}


@dataclass(slots=True)
class SummaryLine:
    """What the dashboard counts and charts of one assessment."""

    assessment_id: int
    unit_id: int
    region_id: int
    department_id: int | None
    year: int
    status: str
    total: str
    grade: str


def refresh_summaries(assessments) -> list[SummaryLine]:
    """One line per assessment of the queryset (newest year first, then by unit code), with its stored summary
    brought up to date first: those whose key changed since they were stored are summarised again and written, in a
    fixed number of queries. The key is read before the data it is computed from, so a save that lands in between
    leaves an older key beside newer figures, which the next call computes again."""
    assessments = with_summary_keys(assessments)
    rows = assessments.order_by("-year", "unit__code", "pk").values_list(
        "pk",
        "unit_id",
        "year",
        "status",
        "unit__region_id",
        "unit__parent_id",
        "summary__total",
        "summary__grade",
        "fresh",
    )
    lines, stale = [], []
    for pk, unit_id, year, status, region_id, parent_id, total, grade, fresh in rows:
        if not fresh:
            stale.append(pk)
        lines.append(SummaryLine(pk, unit_id, region_id, parent_id, year, status, total or "", grade or ""))
    if stale:
        keys = {}
        for start in range(0, len(stale), STORE_BATCH):
            batch = stale[start : start + STORE_BATCH]
            keys.update(current_keys(assessments.filter(pk__in=batch).order_by()))
        fresh_lines = store_summaries(keys)
        for line in lines:
            if line.assessment_id in fresh_lines:
                stored = fresh_lines[line.assessment_id]
                line.total, line.grade = stored.total, stored.grade
    return lines


def store_summaries(keys: dict[int, dict]) -> dict[int, AssessmentSummary]:
    """Summarise the assessments (by pk, with the key each was read with) and store the lines."""
    stored = {}
    pks = list(keys)
    for start in range(0, len(pks), STORE_BATCH):
        batch = [
            _stored(assessment, summary, keys[assessment.pk])
            for assessment, summary in summarised(Assessment.objects.filter(pk__in=pks[start : start + STORE_BATCH]))
        ]
        try:
            with transaction.atomic():
                AssessmentSummary.objects.bulk_create(
                    batch,
                    update_conflicts=True,
                    unique_fields=["assessment"],
                    update_fields=[f.name for f in AssessmentSummary._meta.concrete_fields if f.name != "assessment"],
                )
        except IntegrityError:
            pass  # an assessment deleted meanwhile: the lines are shown now and computed again next time
        stored.update((line.assessment_id, line) for line in batch)
    return stored


def _stored(assessment: Assessment, summary: dict, key: dict) -> AssessmentSummary:
    return AssessmentSummary(
        assessment=assessment,
        **key,
        total=summary["total"] or "",
        grade=summary["grade"] or "",
        rescored_total=summary["rescored_total"] or "",
        rescored_grade=summary["rescored_grade"] or "",
        execution_rate=summary["execution_rate"] or "",
        error=summary["error"],
        unit_code=summary["unit_code"],
        unit_name=summary["unit"],
        region_name=summary["region"],
        contact_phone=summary["contact_phone"],
        finalised_at=summary["finalised_at"],
    )


def stored_summary(assessment: Assessment) -> dict:
    """The summary of an assessment loaded with its stored line (select_related "summary", the unit with its region
    and parent), in the shape summary_from_data gives (without the score columns): the unit as frozen in the
    snapshot for a final assessment, the live unit otherwise."""
    line, unit = assessment.summary, assessment.unit
    frozen = bool(line.finalised_at)
    department = unit.parent
    return {
        "assessment": assessment.pk,
        "unit_id": assessment.unit_id,
        "unit_code": line.unit_code if frozen else unit.code,
        "unit": line.unit_name if frozen else unit.name,
        "department": department.name if department is not None and department.pk != assessment.unit_id else "",
        "region": line.region_name if frozen else unit.region.full_name,
        "year": assessment.year,
        "status": assessment.status,
        "status_label": assessment.status_label,
        "total": line.total or None,
        "grade": line.grade or None,
        "rescored_total": line.rescored_total or None,
        "rescored_grade": line.rescored_grade or None,
        "execution_rate": line.execution_rate or None,
        "error": line.error,
        "contact_phone": line.contact_phone if frozen else unit.contact_phone,
        "finalised_at": line.finalised_at,
    }
