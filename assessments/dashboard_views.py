"""管理看板: for an administrator, every visible unit's assessment of a year as a traffic light against the region's
deadline (green final; amber draft or in review before the deadline; red not final after it), with the grade
distribution and the average score as inline SVG charts."""

from collections import Counter, OrderedDict
from decimal import ROUND_HALF_UP, Decimal

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from assessments import dashboard_charts
from assessments.export_views import require_export_admin
from assessments.models import Assessment
from assessments.summaries import percent, summarised
from units.access import visible_units
from units.models import Deadline, Unit

GRADE_ORDER = ("优", "良", "中", "较差", "差")
ALL_YEARS = "all"


def deadline_for(region, year: int, deadlines: dict) -> object | None:
    """The region's deadline for the year, else its parent's (the inbox looks deadlines up the same way)."""
    while region is not None:
        if (region.pk, year) in deadlines:
            return deadlines[(region.pk, year)]
        region = region.parent
    return None


def light(status: str | None, due, today) -> tuple[str, str]:
    """(colour, label) of one unit's traffic light."""
    if status == Assessment.Status.FINAL:
        return "green", "已定稿"
    if due is not None and today > due:
        return "red", "已逾期"
    if status is None:
        return "grey", "未创建"
    return "amber", "进行中"


def _average(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@require_GET
def dashboard(request):
    require_export_admin(request.user)
    units = visible_units(request.user)
    years = list(Assessment.objects.filter(unit__in=units).order_by("-year").values_list("year", flat=True).distinct())
    chosen = request.GET.get("year") or (str(years[0]) if years else ALL_YEARS)
    year = int(chosen) if chosen.isdigit() and int(chosen) in years else None
    assessments = Assessment.objects.filter(unit__in=units).order_by("-year", "unit__code")
    if year is not None:
        assessments = assessments.filter(year=year)
    deadlines = {(d.region_id, d.year): d.due for d in Deadline.objects.all()}
    today = timezone.localdate()

    rows = []
    for assessment, summary in summarised(assessments):
        due = deadline_for(assessment.unit.region, assessment.year, deadlines)
        colour, label = light(assessment.status, due, today)
        rows.append(
            {
                "assessment": assessment,
                "summary": summary,
                "rate": percent(summary["execution_rate"]),
                "due": due,
                "light": colour,
                "light_label": label,
            }
        )
    if year is not None:
        # Units that have not started the year's assessment count too.
        started = {row["assessment"].unit_id for row in rows}
        for unit in (
            units.exclude(kind=Unit.Kind.DEPARTMENT)
            .exclude(pk__in=started)
            .filter(is_active=True)
            .select_related("region__parent__parent", "parent")
            .order_by("code")
        ):
            due = deadline_for(unit.region, year, deadlines)
            colour, label = light(None, due, today)
            rows.append(
                {"unit": unit, "summary": None, "due": due, "light": colour, "light_label": label, "year": year}
            )

    lights = Counter(row["light"] for row in rows)
    grades = Counter(row["summary"]["grade"] for row in rows if row["summary"] and row["summary"]["grade"])
    grade_counts = OrderedDict((grade, grades.pop(grade)) for grade in GRADE_ORDER if grade in grades)
    grade_counts.update(sorted(grades.items()))
    totals: OrderedDict[str, list[Decimal]] = OrderedDict()
    for row in rows:
        summary = row["summary"]
        if summary and summary["total"] not in (None, ""):
            totals.setdefault(summary["department"] or "（无主管部门）", []).append(Decimal(summary["total"]))
    everything = [value for values in totals.values() for value in values]
    averages = [("全部单位", _average(everything), len(everything))]
    averages += [(name, _average(values), len(values)) for name, values in totals.items()]
    context = {
        "years": years,
        "chosen": str(year) if year is not None else ALL_YEARS,
        "year": year,
        "rows": rows,
        "lights": {colour: lights.get(colour, 0) for colour in ("green", "amber", "red", "grey")},
        "average": averages[0][1],
        "grade_chart": dashboard_charts.grade_distribution(grade_counts),
        "average_chart": dashboard_charts.average_scores(averages),
        "today": today,
    }
    return render(request, "dashboard/index.html", context)
