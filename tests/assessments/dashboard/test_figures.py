"""The dashboard's counts grouped by the database (assessments/dashboard/figures.py) are exactly what reading every
summary line into Python gave (`reference_figures`, the computation they replace): traffic lights, the grade
distribution in its order, the averages (exact sums, half-up to 0.01) of all units and per 主管部门 in the order each
first appears, the final lines or all of them, units not started — on varied data, on SQLite and PostgreSQL."""

import datetime
from collections import Counter, OrderedDict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.dashboard.figures import (
    GRADE_ORDER,
    grades_and_averages,
    light,
    light_counts,
    refresh_stale,
    status_groups,
    unstarted_units,
)
from assessments.frozen import guards_lifted
from assessments.models import Assessment, AssessmentSummary
from assessments.stored_summaries import current_keys, refresh_summaries, with_summary_keys
from units.deadlines import all_deadlines, deadline_for
from units.models import Deadline, Membership, Region, Role, Unit

pytestmark = pytest.mark.django_db

YEARS = (2021, 2022, 2023)
STATUSES = tuple(Assessment.Status.values)
# Totals as the summaries store them (text, blank when there is none), with more places than the average keeps and
# halves that a float would round the wrong way; grades of the framework, an unknown one and none.
TOTALS = ("", "87.5", "90.25", "100", "0", "60.005", "72.125", "99.995", "0.01", "33.333", "1.15")
GRADES = ("", "优", "良", "中", "较差", "差", "合格", "A")
# 主管部门: two of the same name (one bar in the chart), one without a name, and units with none.
DEPARTMENTS = (("D-1", "甲主管部门"), ("D-2", "乙主管部门"), ("D-3", "甲主管部门"), ("D-4", ""))


def _average(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def reference_figures(lines, unstarted, *, year, deadlines, today, counted):
    """The computation the dashboard made before the database grouped its counts (main at 814d622,
    assessments/dashboard/views.py::_figures), over every line of refresh_summaries and the units not started as
    (pk, region id) — kept here as the reference."""
    regions = Region.objects.select_related("parent__parent").in_bulk(
        {line.region_id for line in lines} | {region_id for _, region_id in unstarted}
    )
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


def build(units, assessments) -> None:
    """`units`: (department index or None, region index, active) each; `assessments`: (unit index, year, status,
    total, grade) each, its stored summary line written with its current key (so that it is counted as it is)."""
    today = timezone.localdate()
    province = Region.objects.create(code="980000", name="测试省", level=Region.Level.PROVINCE)
    city = Region.objects.create(code="980100", name="测试市", level=Region.Level.CITY, parent=province)
    county = Region.objects.create(code="980101", name="测试县", level=Region.Level.COUNTY, parent=city)
    regions = (province, city, county)
    Deadline.objects.create(region=city, year=2022, due=today - datetime.timedelta(days=1))
    Deadline.objects.create(region=province, year=2023, due=today + datetime.timedelta(days=30))
    Deadline.objects.create(region=county, year=2021, due=today - datetime.timedelta(days=5))
    departments = [
        Unit.objects.create(code=code, name=name, kind=Unit.Kind.DEPARTMENT, region=city) for code, name in DEPARTMENTS
    ]
    made = [
        Unit.objects.create(
            # Codes whose order is not the order of creation: the table's order is the codes'.
            code=f"T-{(number * 7) % 101:03d}",
            name=f"测试单位{number}",
            parent=departments[department] if department is not None else None,
            region=regions[region],
            is_active=active,
        )
        for number, (department, region, active) in enumerate(units)
    ]
    seen = set()
    with guards_lifted():
        for unit_index, year, status, total, grade in assessments:
            unit = made[unit_index % len(made)]
            if (unit.pk, year) in seen:
                continue
            seen.add((unit.pk, year))
            assessment = Assessment.objects.create(unit=unit, year=year, status=status)
            AssessmentSummary.objects.create(assessment=assessment, total=total, grade=grade)
        for pk, key in current_keys(with_summary_keys(Assessment.objects.all())).items():
            AssessmentSummary.objects.filter(pk=pk).update(**key)


def compare(*, year, counted, query=""):
    """The figures of the superuser's scope (all units, `query` in name or code) both ways."""
    units = Unit.objects.all()
    if query:
        units = units.filter(name__icontains=query) | units.filter(code__icontains=query)
    assessments = Assessment.objects.filter(unit__in=units)
    if year is not None:
        assessments = assessments.filter(year=year)
    unstarted = unstarted_units(units, year)
    deadlines, today = all_deadlines(), timezone.localdate()
    groups = status_groups(assessments)
    lights, started, not_started = light_counts(groups, unstarted, year=year, deadlines=deadlines, today=today)
    grades, averages = grades_and_averages(groups, assessments, counted=counted)

    lines = refresh_summaries(assessments)
    old_unstarted = list(unstarted.order_by("code").values_list("pk", "region_id")) if unstarted is not None else []
    old_lights, old_grades, old_averages = reference_figures(
        lines, old_unstarted, year=year, deadlines=deadlines, today=today, counted=counted
    )
    assert lights == old_lights
    assert list(grades.items()) == list(old_grades.items())  # the order too
    assert averages == old_averages  # names in order, averages, how many each
    assert [str(average) for _, average, _ in averages] == [str(average) for _, average, _ in old_averages]
    assert (started, not_started) == (len(lines), len(old_unstarted))


UNITS = [(0, 2, True), (1, 1, True), (2, 2, True), (3, 0, True), (None, 1, True), (0, 2, False), (None, 2, True)]


@pytest.mark.parametrize(
    "case, units, assessments",
    [
        ("empty scope", [], []),
        ("units, no assessment", UNITS, []),
        ("no totals", UNITS, [(i, 2022, "final", "", "") for i in range(7)]),
        ("nothing final", UNITS, [(i, 2022, s, "80.5", "良") for i, s in enumerate(["draft", "in_review"] * 3)]),
        (
            "no 主管部门",
            [(None, 2, True), (None, 1, True)],
            [(0, 2022, "final", "72.125", "中"), (1, 2022, "final", "60.005", "较差"), (1, 2021, "draft", "1.15", "")],
        ),
        (
            "same names, empty name, odd grades, three years",
            UNITS,
            [
                (i, year, STATUSES[(i + year) % 3], TOTALS[(i * 3 + year) % len(TOTALS)], GRADES[(i + year) % 8])
                for i in range(7)
                for year in YEARS
            ],
        ),
    ],
)
@pytest.mark.parametrize("counted", ["final", "all"])
@pytest.mark.parametrize("year", [None, 2022])
def test_the_grouped_figures_equal_the_line_by_line_ones(case, units, assessments, counted, year):
    build(units, assessments)
    compare(year=year, counted=counted)


def test_the_search_narrows_both_alike():
    build(UNITS, [(i, year, "final", TOTALS[i + year % 3], GRADES[i]) for i in range(7) for year in YEARS])
    for query in ("T-0", "测试单位1", "无此单位"):
        compare(year=2022, counted="final", query=query)
        compare(year=None, counted="all", query=query)


unit_specs = st.tuples(st.one_of(st.none(), st.integers(0, 3)), st.integers(0, 2), st.booleans())
assessment_specs = st.tuples(
    st.integers(0, 30),
    st.sampled_from(YEARS),
    st.sampled_from(STATUSES),
    st.sampled_from(TOTALS),
    st.sampled_from(GRADES),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    units=st.lists(unit_specs, min_size=1, max_size=12),
    assessments=st.lists(assessment_specs, max_size=30),
    year=st.sampled_from([None, *YEARS]),
    counted=st.sampled_from(["final", "all"]),
)
def test_the_grouped_figures_equal_the_line_by_line_ones_on_any_data(units, assessments, year, counted):
    with transaction.atomic():
        build(units, assessments)
        compare(year=year, counted=counted)
        transaction.set_rollback(True)


def test_a_stale_line_is_summarised_again_before_it_is_counted(frameworks):
    from scoring.models import FrameworkVersion

    build([(0, 2, True)], [(0, 2022, "draft", "55.5", "优")])
    assessment = Assessment.objects.get()
    # Its inputs changed since the line was stored (as a save bumps the version): the stored 优 and 55.5 are stale.
    Assessment.objects.filter(pk=assessment.pk).update(framework_version=FrameworkVersion.objects.order_by("pk")[0])
    scope = Assessment.objects.all()
    groups = status_groups(scope)
    assert refresh_stale(scope) == 0  # status_groups did it
    line = AssessmentSummary.objects.get()
    assert (line.total, line.grade) != ("55.5", "优")
    grades, averages = grades_and_averages(groups, scope, counted="all")
    assert dict(grades) == ({line.grade: 1} if line.grade else {})
    average = Decimal(line.total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if line.total else None
    assert averages[0] == ("全部单位", average, 1 if line.total else 0)
    AssessmentSummary.objects.filter(assessment=assessment).update(key_lock_version=F("key_lock_version") + 1)
    assert refresh_stale(scope) == 1
    assert refresh_stale(scope) == 0


def test_a_city_administrator_counts_only_that_city(client, django_user_model):
    build(UNITS, [(i, 2022, "final", "90.25", "优") for i in range(7)])
    city = Region.objects.get(code="980100")
    other = Region.objects.create(code="970100", name="另一市", level=Region.Level.CITY)
    department = Unit.objects.create(code="E-1", name="丙主管部门", kind=Unit.Kind.DEPARTMENT, region=other)
    elsewhere = Unit.objects.create(code="E-U", name="外市单位", parent=department, region=other)
    with guards_lifted():
        outside = Assessment.objects.create(unit=elsewhere, year=2022, status="final")
    AssessmentSummary.objects.create(assessment=outside, total="10", grade="差")
    admin = django_user_model.objects.create_user(username="city-admin", password="x")
    for unit in Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, region=city):
        Membership.objects.create(user=admin, unit=unit, role=Role.ADMIN)
    client.force_login(admin)
    page = client.get(reverse("dashboard"), {"year": "2022"}).content.decode()
    assert "外市单位" not in page and "差：" not in page
    assert "优：" in page


def test_the_groups_are_counted_again_when_another_request_stored_the_stale_lines(frameworks, monkeypatch):
    from assessments.dashboard import figures
    from scoring.models import FrameworkVersion

    build([(0, 2, True)], [(0, 2022, "draft", "55.5", "优")])
    Assessment.objects.update(framework_version=FrameworkVersion.objects.order_by("pk")[0])  # the line is stale
    refresh = figures.refresh_stale

    def stored_by_another_request(assessments):
        refresh(assessments)
        return 0  # as if another request had stored the lines between the count and this call

    monkeypatch.setattr(figures, "refresh_stale", stored_by_another_request)
    groups = status_groups(Assessment.objects.all())
    line = AssessmentSummary.objects.get()
    assert line.grade != "优" and groups == Counter(
        {(Region.objects.get(code="980101").pk, 2022, "draft", line.grade): 1}
    )
