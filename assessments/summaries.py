"""One line per assessment for overviews (the annual export's summary table and 汇总表, the administrator dashboard,
the public disclosure list): unit, status, total, grade, budget execution rate and the framework-level scores.
A final assessment is summarised from its frozen snapshot, anything else from its live data. `summaries()` does a
whole list in a fixed number of queries. The lines kept for the dashboard and the public list are stored and tested
for freshness by assessments.stored_summaries; this module and what it imports are what their key's code hash
covers (stored_summaries.SUMMARY_SOURCES)."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects

from assessments.facts import FactSheet
from assessments.models import Assessment, AssessmentSummary, Facts, IndicatorRow, ReScore, Snapshot
from assessments.rescores import rescore_entries, rescored
from assessments.selectors import AssessmentData
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


def summary_line(assessment: Assessment, summary: dict, key: dict) -> AssessmentSummary:
    """The stored line of a summary computed with the inputs `key` (column → value, stored_summaries.current_keys).
    Here, with the code that computes the summary, because what a line holds is part of what SUMMARY_SOURCES hashes."""
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
