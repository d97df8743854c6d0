"""The stored summary lines (AssessmentSummary) that the dashboard, the annual export's forms and the public list read
instead of scoring thousands of assessments per request: each line's key (every input it was computed from), the
freshness test made by the database, storing lines computed again, and reading one back in the shape of a summary.
What a line says is computed in assessments.summaries."""

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Case, F, FilteredRelation, Q, Value, When

from assessments.models import Assessment, AssessmentSummary
from assessments.summaries import summarised, summary_line
from perfeval.lookups import Same

# The code that turns an assessment into its summary and its stored line. Its hash is part of every stored line's key,
# so a deploy that changes how a total is computed makes every stored line differ from its key, and each is computed
# again. This module is not one of them on purpose: how freshness is tested and lines are written and read does not
# change what a line says, so changing it must not make 60,000 lines stale.
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
            summary_line(assessment, summary, keys[assessment.pk])
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
