"""管理看板: for an administrator, every visible unit's assessment of a year as a traffic light against the region's
deadline (green final; amber draft or in review before the deadline; red not final after it), with the grade
distribution and the average score as inline SVG charts. With a year chosen it is the year's 汇总 (every unit's
total, grade and budget execution rate), searchable by unit and shown a page at a time."""

from collections import Counter, OrderedDict
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from assessments.access import require_administrator
from assessments.dashboard import charts as dashboard_charts
from assessments.models import Assessment, Reminder
from assessments.rectification.services import overdue_by_unit, overdue_counts
from assessments.summaries import percent, refresh_summaries, store_summaries, stored_summary
from perfeval.paging import paginate, search_text
from units.access import visible_units
from units.deadlines import all_deadlines, deadline_for
from units.models import Region, Unit

GRADE_ORDER = ("优", "良", "中", "较差", "差")
ALL_YEARS = "all"
# What the averages and the grade distribution count: final reports by default (a draft's score is not a result).
COUNTED = {"final": "仅已定稿", "all": "全部状态（含草稿和审签中）"}
COUNTED_DEFAULT = "final"
DASHBOARD_PAGE = 50
REMINDERS_SHOWN = 10
OVERDUE_SHOWN = 10


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


class DashboardRows(Sequence):
    """The table's rows in order — the assessments in scope (their ids in the order of the summary lines), then for
    one year the units that have not started it — read from the database a page at a time, by id, so that the
    database sorts nothing but the ids."""

    def __init__(self, started: list[int], unstarted: list[int], *, year, deadlines, today):
        self.started, self.unstarted = started, unstarted
        self.year, self.deadlines, self.today = year, deadlines, today

    def __len__(self):
        return len(self.started) + len(self.unstarted)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(len(self))
        rows = []
        pks = self.started[start:stop]
        if pks:
            loaded = Assessment.objects.select_related(
                "unit__region__parent__parent", "unit__parent", "framework_version__framework", "summary"
            ).in_bulk(pks)
            assessments = [loaded[pk] for pk in pks if pk in loaded]
            # One created since the summaries were brought up to date has none yet: its line is made now, with an
            # empty key so that the next request computes it again with its real one.
            missing = store_summaries({a.pk: "" for a in assessments if not hasattr(a, "summary")})
            for assessment in assessments:
                if assessment.pk in missing:
                    assessment.summary = missing[assessment.pk]
                summary = stored_summary(assessment)
                due = deadline_for(assessment.unit.region, assessment.year, self.deadlines)
                colour, label = light(assessment.status, due, self.today)
                rate = percent(summary["execution_rate"])
                row = {"assessment": assessment, "summary": summary, "rate": rate, "due": due}
                rows.append({**row, "light": colour, "light_label": label})
        pks = self.unstarted[max(0, start - len(self.started)) : max(0, stop - len(self.started))]
        if pks:
            units = Unit.objects.select_related("region__parent__parent", "parent").in_bulk(pks)
            for unit in (units[pk] for pk in pks if pk in units):
                due = deadline_for(unit.region, self.year, self.deadlines)
                colour, label = light(None, due, self.today)
                row = {"unit": unit, "summary": None, "due": due, "light": colour, "light_label": label}
                rows.append({**row, "year": self.year})
        return rows


def _figures(lines, unstarted, *, year, deadlines, today, counted=COUNTED_DEFAULT):
    """The traffic-light counts of every line and every unit not started; the grade distribution and the averages
    (all units, then by 主管部门) of the lines counted: the final ones, or with `counted` "all" every line."""
    regions = Region.objects.select_related("parent__parent").in_bulk(
        {line.region_id for line in lines} | {region_id for _, region_id in unstarted}
    )
    # Counted by region, year and status first: thousands of lines fall into a few dozen such groups.
    groups = Counter((line.region_id, line.year, line.status) for line in lines)
    groups.update((region_id, year, None) for _, region_id in unstarted)
    lights = Counter()
    for (region_id, group_year, status), count in groups.items():
        lights[light(status, deadline_for(regions[region_id], group_year, deadlines), today)[0]] += count
    if counted != "all":
        lines = [line for line in lines if line.status == Assessment.Status.FINAL]
    grades = Counter(line.grade for line in lines if line.grade)
    grade_counts = OrderedDict((grade, grades.pop(grade)) for grade in GRADE_ORDER if grade in grades)
    grade_counts.update(sorted(grades.items()))
    department_ids = {line.department_id for line in lines if line.department_id}
    departments = dict(Unit.objects.filter(pk__in=department_ids).values_list("pk", "name"))
    totals: OrderedDict[str, list[Decimal]] = OrderedDict()
    for line in lines:
        if line.total:
            department = departments.get(line.department_id) or "（无主管部门）"
            totals.setdefault(department, []).append(Decimal(line.total))
    everything = [value for values in totals.values() for value in values]
    averages = [("全部单位", _average(everything), len(everything))]
    averages += [(name, _average(values), len(values)) for name, values in totals.items()]
    return lights, grade_counts, averages


@require_GET
def dashboard(request):
    """The counts and charts cover every assessment in scope (from the stored summaries, brought up to date first:
    assessments.summaries.refresh_summaries); the table shows them a page at a time."""
    require_administrator(request.user)
    units = visible_units(request.user)
    years = list(Assessment.objects.filter(unit__in=units).order_by("-year").values_list("year", flat=True).distinct())
    chosen = request.GET.get("year") or (str(years[0]) if years else ALL_YEARS)
    # Compared as text: str.isdigit() is true for "²", which int() refuses, as it refuses 5,000 digits.
    year = int(chosen) if chosen in {str(listed) for listed in years} else None
    counted = request.GET.get("counted")
    counted = counted if counted in COUNTED else COUNTED_DEFAULT
    query = search_text(request)
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__icontains=query))
    assessments = Assessment.objects.filter(unit__in=units)
    if year is not None:
        assessments = assessments.filter(year=year)
    lines = refresh_summaries(assessments)
    unstarted: list[tuple[int, int]] = []
    if year is not None:
        # Units that have not started the year's assessment count too.
        unstarted = list(
            units.exclude(kind=Unit.Kind.DEPARTMENT)
            .exclude(pk__in=Assessment.objects.filter(year=year).values("unit_id"))
            .filter(is_active=True)
            .order_by("code")
            .values_list("pk", "region_id")
        )
    deadlines = all_deadlines()
    today = timezone.localdate()
    lights, grade_counts, averages = _figures(
        lines, unstarted, year=year, deadlines=deadlines, today=today, counted=counted
    )
    table = DashboardRows(
        [line.assessment_id for line in lines],
        [pk for pk, _ in unstarted],
        year=year,
        deadlines=deadlines,
        today=today,
    )
    page = paginate(request, table, per_page=DASHBOARD_PAGE)
    context = {
        "years": years,
        "chosen": str(year) if year is not None else ALL_YEARS,
        "year": year,
        "query": query,
        "page": page,
        "rows": page.object_list,
        "lights": {colour: lights.get(colour, 0) for colour in ("green", "amber", "red", "grey")},
        "average": averages[0][1],
        "averaged": averages[0][2],
        "counted": counted,
        "counted_choices": COUNTED,
        "grade_chart": dashboard_charts.grade_distribution(grade_counts),
        "average_chart": dashboard_charts.average_scores(averages),
        "today": today,
        # The reminders the job sent about these assessments lately: who was told, about what.
        "reminders": list(
            Reminder.objects.filter(assessment__in=assessments.order_by().values("pk"))
            .select_related("assessment__unit")
            .order_by("-created_at", "-pk")[:REMINDERS_SHOWN]
        ),
    }
    # 整改事项 past their due date and not done, per unit and year, in every unit the administrator reaches.
    overdue = overdue_counts(request.user, today)
    context["overdue_rectification"] = overdue[:OVERDUE_SHOWN]
    context["overdue_rectification_total"] = sum(row["count"] for row in overdue)
    context["overdue_rectification_units"] = len({row["assessment__unit__code"] for row in overdue})
    return render(request, "assessments/dashboard/index.html", context)


@require_GET
def rectification_overdue(request):
    """Every overdue 整改事项 in the administrator's reach, grouped by unit."""
    require_administrator(request.user)
    today = timezone.localdate()
    groups = overdue_by_unit(request.user, today)
    context = {"groups": groups, "today": today, "total": sum(len(group["items"]) for group in groups)}
    return render(request, "assessments/dashboard/rectification.html", context)
