"""管理看板: for an administrator, every visible unit's assessment of a year as a traffic light against the region's
deadline (green final; amber draft or in review before the deadline; red not final after it), with the grade
distribution and the average score as inline SVG charts. With a year chosen it is the year's 汇总 (every unit's
total, grade and budget execution rate), searchable by unit and shown a page at a time."""

from collections.abc import Sequence

from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from assessments.access import require_administrator
from assessments.dashboard import charts as dashboard_charts
from assessments.dashboard.figures import grades_and_averages, light, light_counts, status_groups, unstarted_units
from assessments.models import Assessment, Reminder
from assessments.rectification.services import overdue_by_unit, overdue_counts
from assessments.stored_summaries import store_summaries, stored_summary
from assessments.summaries import percent
from perfeval.paging import paginate, search_text
from units.access import visible_units
from units.deadlines import all_deadlines, deadline_for
from units.models import Unit

ALL_YEARS = "all"
# What the averages and the grade distribution count: final reports by default (a draft's score is not a result).
COUNTED = {"final": "仅已定稿", "all": "全部状态（含草稿和审签中）"}
COUNTED_DEFAULT = "final"
DASHBOARD_PAGE = 50
REMINDERS_SHOWN = 10
OVERDUE_SHOWN = 10


class DashboardRows(Sequence):
    """The table's rows in order — the assessments in scope (newest year first, then by unit code), then for one
    year the units that have not started it — read from the database a page at a time: the page's ids (the database
    sorts nothing but the ids), then those rows by id. Its length is the counts already made for the traffic lights,
    so that no id beyond the page is read."""

    def __init__(self, started, started_count: int, unstarted, unstarted_count: int, *, year, deadlines, today):
        self.started = started.order_by("-year", "unit__code", "pk").values_list("pk", flat=True)
        self.unstarted = unstarted.order_by("code").values_list("pk", flat=True) if unstarted is not None else None
        self.started_count, self.unstarted_count = started_count, unstarted_count
        self.year, self.deadlines, self.today = year, deadlines, today

    def __len__(self):
        return self.started_count + self.unstarted_count

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _ = index.indices(len(self))
        rows = []
        pks = list(self.started[start:stop]) if start < min(stop, self.started_count) else []
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
        first, last = max(0, start - self.started_count), max(0, stop - self.started_count)
        pks = list(self.unstarted[first:last]) if self.unstarted is not None and first < last else []
        if pks:
            units = Unit.objects.select_related("region__parent__parent", "parent").in_bulk(pks)
            for unit in (units[pk] for pk in pks if pk in units):
                due = deadline_for(unit.region, self.year, self.deadlines)
                colour, label = light(None, due, self.today)
                row = {"unit": unit, "summary": None, "due": due, "light": colour, "light_label": label}
                rows.append({**row, "year": self.year})
        return rows


@require_GET
def dashboard(request):
    """The counts and charts cover every assessment in scope (from the stored summaries, brought up to date first,
    counted by the database: assessments.dashboard.figures); the table shows them a page at a time."""
    require_administrator(request.user)
    units = visible_units(request.user)
    # A superuser sees every unit: testing each assessment against the set of all of them joined 20,000 units into
    # every count of a large province (bench/RESULTS.md, "Scale").
    in_scope = Assessment.objects.all() if request.user.is_superuser else Assessment.objects.filter(unit__in=units)
    years = list(in_scope.order_by("-year").values_list("year", flat=True).distinct())
    chosen = request.GET.get("year") or (str(years[0]) if years else ALL_YEARS)
    # Compared as text: str.isdigit() is true for "²", which int() refuses, as it refuses 5,000 digits.
    year = int(chosen) if chosen in {str(listed) for listed in years} else None
    counted = request.GET.get("counted")
    counted = counted if counted in COUNTED else COUNTED_DEFAULT
    query = search_text(request)
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__icontains=query))
        in_scope = Assessment.objects.filter(unit__in=units)
    assessments = in_scope
    if year is not None:
        assessments = assessments.filter(year=year)
    groups = status_groups(assessments)
    unstarted = unstarted_units(units, year)  # for one year, the units that have not started it count too
    deadlines = all_deadlines()
    today = timezone.localdate()
    lights, started_count, unstarted_count = light_counts(
        groups, unstarted, year=year, deadlines=deadlines, today=today
    )
    grade_counts, averages = grades_and_averages(groups, assessments, counted=counted)
    table = DashboardRows(
        assessments, started_count, unstarted, unstarted_count, year=year, deadlines=deadlines, today=today
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
