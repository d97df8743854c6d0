"""The dashboard's counts, grouped by the database: traffic lights by (region, year, status), grades by grade, totals
by (主管部门, year) — a few dozen to a few hundred groups whatever the number of assessments, where every summary line
used to be read into Python (60,000 at 20,000 units × 3 years). The stored summaries are brought up to date first
(`refresh_stale`), so nothing stale is counted.

This module is not one of assessments.stored_summaries.SUMMARY_SOURCES on purpose: it computes no summary, only counts the
stored ones, so changing it must not make every stored summary stale."""

from collections import Counter, OrderedDict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Min, Q

from assessments.models import Assessment
from assessments.stored_summaries import current_keys, store_summaries, with_summary_keys
from perfeval.aggregates import ExactSum
from units.deadlines import deadline_for
from units.models import Region, Unit

GRADE_ORDER = ("优", "良", "中", "较差", "差")
NO_DEPARTMENT = "（无主管部门）"
ALL_UNITS = "全部单位"


def light(status: str | None, due, today) -> tuple[str, str]:
    """(colour, label) of one unit's traffic light."""
    if status == Assessment.Status.FINAL:
        return "green", "已定稿"
    if due is not None and today > due:
        return "red", "已逾期"
    if status is None:
        return "grey", "未创建"
    return "amber", "进行中"


def refresh_stale(assessments) -> int:
    """Summarise again and store the assessments of the queryset whose stored line is missing or stale: only their
    ids and keys come back from the database. The key is read before store_summaries reads the data, so a save
    landing in between leaves an older key beside newer figures, which the next call computes again. Returns how many
    were stale."""
    stale = current_keys(with_summary_keys(assessments).filter(fresh=False).order_by())
    if stale:
        store_summaries(stale)
    return len(stale)


def status_groups(assessments) -> Counter:
    """How many assessments there are per (region, year, status, grade), grouped by the database — with every stored
    line brought up to date first. The key test rides on the grouping: when no line is stale (the usual case) the
    one pass is all; otherwise the stale ones are summarised again (refresh_stale) and the groups counted again —
    whatever refresh_stale finds, since another request may have stored those lines in between."""
    groups, stale = _status_groups(assessments)
    if stale:
        refresh_stale(assessments)
        groups, _ = _status_groups(assessments)
    return groups


def _status_groups(assessments) -> tuple[Counter, int]:
    groups, stale = Counter(), 0
    for region_id, year, status, grade, fresh, count in (
        with_summary_keys(assessments)
        .order_by()
        .values_list("unit__region_id", "year", "status", "summary__grade", "fresh")
        .annotate(count=Count("pk"))
    ):
        groups[(region_id, year, status, grade or "")] += count
        stale += 0 if fresh else count
    return groups, stale


def unstarted_units(units, year: int | None):
    """The units of the scope that count as not started in `year`: active budget units (not 主管部门) without an
    assessment of that year. None when no year is chosen (every year at once has no "not started")."""
    if year is None:
        return None
    return (
        units.exclude(kind=Unit.Kind.DEPARTMENT)
        .exclude(pk__in=Assessment.objects.filter(year=year).values("unit_id"))
        .filter(is_active=True)
    )


def light_counts(groups: Counter, unstarted_units, *, year, deadlines, today) -> tuple[Counter, int, int]:
    """The traffic lights of the assessments (status_groups) and of the units not started (a queryset, or None,
    counted by region by the database); with how many assessments and how many units not started there are."""
    by_status = Counter()
    for (region_id, group_year, status, _), count in groups.items():
        by_status[(region_id, group_year, status)] += count
    started = sum(by_status.values())
    unstarted = 0
    if unstarted_units is not None:
        for region_id, count in unstarted_units.order_by().values_list("region_id").annotate(count=Count("pk")):
            by_status[(region_id, year, None)] += count
            unstarted += count
    regions = Region.objects.select_related("parent__parent").in_bulk({region_id for region_id, _, _ in by_status})
    lights = Counter()
    for (region_id, group_year, status), count in by_status.items():
        lights[light(status, deadline_for(regions[region_id], group_year, deadlines), today)[0]] += count
    return lights, started, unstarted


def _average(total: Decimal, count: int) -> Decimal | None:
    """The mean of exact sums, rounded half-up to 0.01 (never a float)."""
    if not count:
        return None
    return (total / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def grades_and_averages(groups: Counter, assessments, *, counted: str):
    """Of the assessments counted (the final ones, or with `counted` "all" every one): how many have each grade (from
    status_groups), in GRADE_ORDER and then any other grade by name; and the average total of all units and of each
    主管部门 (by name, in the order in which each first appears in the table: newest year first, then by unit code),
    each with how many totals it averages."""
    final = counted != "all"
    grades = Counter()
    for (_, _, status, grade), count in groups.items():
        if grade and (status == Assessment.Status.FINAL or not final):
            grades[grade] += count
    if final:
        assessments = assessments.filter(status=Assessment.Status.FINAL)
    grade_counts = OrderedDict((grade, grades.pop(grade)) for grade in GRADE_ORDER if grade in grades)
    grade_counts.update(sorted(grades.items()))
    # One group per 主管部门 and year, ordered as the table is (newest year first, then by unit code — the database's
    # collation): the first group of each 主管部门 is where it first appears in the table.
    groups = (
        assessments.filter(Q(summary__total__isnull=False) & ~Q(summary__total=""))
        .order_by()
        .values_list("unit__parent_id", "unit__parent__name", "year")
        .annotate(count=Count("pk"), total=ExactSum("summary__total"), first=Min("unit__code"))
        .order_by("-year", "first")
    )
    totals: OrderedDict[str, list] = OrderedDict()
    for _, name, _, count, total, _ in groups:
        entry = totals.setdefault(name or NO_DEPARTMENT, [Decimal(0), 0])
        entry[0] += Decimal(total)
        entry[1] += count
    everything = sum((total for total, _ in totals.values()), Decimal(0))
    averaged = sum(count for _, count in totals.values())
    averages = [(ALL_UNITS, _average(everything, averaged), averaged)]
    averages += [(name, _average(total, count), count) for name, (total, count) in totals.items()]
    return grade_counts, averages
