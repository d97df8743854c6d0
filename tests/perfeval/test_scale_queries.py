"""The list pages at scale (issue #8): the unit list, the inbox and the dashboard answer in a number of queries that
does not grow with the number of units, a page at a time, with the search and the other lists' pages kept in every
link."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse

from assessments.models import Assessment
from assessments.services import assessment_create
from assessments.workflow import services as workflow
from units.models import Deadline, Delegation, Membership, Role, Staffing, Unit


def add_units(department, region, count: int, *, first: int = 1, assessed_by=None) -> list[Unit]:
    """`count` units under the department, each with its 2022 staffing and (given a user) its 2022 draft."""
    units = []
    for number in range(first, first + count):
        unit = Unit.objects.create(
            code=f"S-{number:03d}", name=f"规模单位{number:03d}", parent=department, region=region
        )
        Staffing.objects.create(unit=unit, year=2022, staff_quota=10, staff_actual=9)
        if assessed_by is not None:
            assessment_create(unit=unit, year=2022, user=assessed_by)
        units.append(unit)
    return units


@pytest.fixture
def department_admin(django_user_model, department):
    """An administrator of 甲主管部门: writes to every unit under it, so may create their assessments."""
    user = django_user_model.objects.create_user(username="ada", password="x")
    Membership.objects.create(user=user, unit=department, role=Role.ADMIN)
    return user


def page_rows(html: str, section: str) -> int:
    return html.split(f'id="inbox-{section}"', 1)[1].split("</section>", 1)[0].count("<tr")


# --- the unit list ---------------------------------------------------------------------------------------------


def test_the_unit_list_is_paged_and_its_query_count_does_not_grow_with_the_units(
    client, dave, department, region, django_assert_num_queries
):
    add_units(department, region, 3)
    client.force_login(dave)
    # session, user, the page of units (with one more read: it holds them all, so their number is the count),
    # staffing, assessments, roles
    with django_assert_num_queries(6):
        client.get(reverse("units:index"))
    add_units(department, region, 40, first=4)
    with django_assert_num_queries(7):  # and the count, once the units run past the page
        html = client.get(reverse("units:index")).content.decode()
    assert html.count('class="card mb-4 unit-card"') == 20
    assert "共 44 个单位" in html  # the 主管部门 itself and its 43 units
    assert 'aria-label="分页"' in html and "下一页" in html

    last = client.get(reverse("units:index"), {"page": 3}).content.decode()
    assert last.count('class="card mb-4 unit-card"') == 4


def test_the_unit_list_searches_by_name_or_code_and_keeps_the_search_in_its_page_links(
    client, dave, department, region
):
    add_units(department, region, 45)
    client.force_login(dave)
    html = client.get(reverse("units:index"), {"q": "规模单位0"}).content.decode()
    assert "共 45 个单位" in html and ">甲主管部门</a></h2>" not in html
    assert "?page=2&amp;q=%E8%A7%84%E6%A8%A1%E5%8D%95%E4%BD%8D0" in html
    by_code = client.get(reverse("units:index"), {"q": "S-007"}).content.decode()
    assert "规模单位007" in by_code and "共 1 个单位" in by_code
    nothing = client.get(reverse("units:index"), {"q": "没有这个单位"}).content.decode()
    assert "没有名称或编码包含“没有这个单位”的单位" in nothing


def test_home_is_the_unit_list(client, alice, unit):
    client.force_login(alice)
    for url in (reverse("home"), reverse("units:index")):
        html = client.get(url).content.decode()
        assert '<h1 class="h3 mb-0 me-3">我的单位</h1>' in html and "甲单位" in html


# --- the inbox -------------------------------------------------------------------------------------------------


@pytest.fixture
def in_review(frameworks, department, region, department_admin, dave):
    """Five units of 甲主管部门, each with a 2022 draft submitted and signed up to the supervisor's step."""

    def make(count: int, first: int = 1) -> list[Assessment]:
        assessments = []
        for unit in add_units(department, region, count, first=first, assessed_by=department_admin):
            assessment = Assessment.objects.get(unit=unit)
            Assessment.objects.filter(pk=assessment.pk).update(
                status=Assessment.Status.IN_REVIEW, current_step="supervisor"
            )
            assessments.append(assessment)
        return assessments

    return make


def test_the_inbox_query_count_does_not_grow_with_the_assessments(client, dave, in_review, django_assert_num_queries):
    in_review(2)
    client.force_login(dave)
    # session, user, memberships, delegations, the first page of each list (but 被退回: dave writes nowhere, so the
    # database is not asked) read with one more row, which shows it is the whole list, deadlines, notifications,
    # reminders
    with django_assert_num_queries(10):
        client.get(reverse("inbox"))
    in_review(30, first=3)
    with django_assert_num_queries(11):  # and the count of 待我处理, which runs past its page
        html = client.get(reverse("inbox")).content.decode()
    assert "待我处理（32）" in html and page_rows(html, "waiting") == 20


def test_each_inbox_list_pages_on_its_own_and_keeps_the_others_pages(client, dave, in_review):
    in_review(25)
    client.force_login(dave)
    html = client.get(reverse("inbox"), {"waiting": 2, "unsubmitted": 1}).content.decode()
    assert page_rows(html, "waiting") == 5
    assert "?unsubmitted=1&amp;waiting=1" in html  # back to the first page, the other list's page kept
    assert "第 21–25 条，共 25 条" in html


def test_the_inbox_searches_every_list_by_unit(client, dave, in_review):
    in_review(12)
    client.force_login(dave)
    html = client.get(reverse("inbox"), {"q": "规模单位01"}).content.decode()
    assert "待我处理（3）" in html  # 010, 011, 012
    assert "规模单位009" not in html


def test_a_delegate_finds_the_delegated_step_waiting(client, django_user_model, dave, department, in_review):
    assessments = in_review(3)
    deputy = django_user_model.objects.create_user(username="deputy", password="x")
    Membership.objects.create(user=deputy, unit=assessments[0].unit, role=Role.GROUP_LEADER)
    client.force_login(deputy)
    assert "待我处理（0）" in client.get(reverse("inbox")).content.decode()
    today = datetime.date.today()
    Delegation.objects.create(
        delegator=dave, delegate=deputy, unit=department, role=Role.SUPERVISOR, starts=today, ends=today
    )
    html = client.get(reverse("inbox")).content.decode()
    # The delegation reaches every unit under the department, but the deputy sees only the unit they belong to.
    assert "待我处理（1）" in html and "规模单位001" in html
    assert workflow.acting_for(deputy, assessments[0], workflow.STEPS["supervisor"]) == (True, dave)


def test_the_inbox_marks_overdue_items_on_every_page(client, dave, in_review, region):
    in_review(22)
    Deadline.objects.create(region=region, year=2022, due=datetime.date(2023, 5, 31))
    client.force_login(dave)
    html = client.get(reverse("inbox"), {"waiting": 2}).content.decode()
    assert len(re.findall("已逾期", html)) == 2


# --- the dashboard -----------------------------------------------------------------------------------------------


def test_the_dashboard_query_count_does_not_grow_with_the_units(
    client, department_admin, department, region, frameworks, django_assert_num_queries
):
    add_units(department, region, 3, assessed_by=department_admin)
    client.force_login(department_admin)
    client.get(reverse("dashboard"))  # computes and stores the summaries
    # session, user, is an administrator, years, the assessments counted by region, year, status, grade and whether
    # the stored line is stale (none), deadlines, the units not started by region, regions, totals by 主管部门 and
    # year, the page's ids, the page's assessments, the reminders, the overdue 整改事项 per unit: the counts are
    # grouped by the database, so no query reads a row per assessment
    with django_assert_num_queries(13):
        client.get(reverse("dashboard"))
    add_units(department, region, 60, first=4, assessed_by=department_admin)
    client.get(reverse("dashboard"))
    with django_assert_num_queries(13):
        html = client.get(reverse("dashboard")).content.decode()
    assert html.count("data-light=") == 50
    assert "第 1–50 条，共 63 条" in html
    second = client.get(reverse("dashboard"), {"year": "2022", "page": "2"}).content.decode()
    assert second.count("data-light=") == 13


def test_the_dashboard_search_narrows_the_counts_and_the_table(
    client, department_admin, department, region, frameworks
):
    add_units(department, region, 12, assessed_by=department_admin)
    add_units(department, region, 2, first=13)  # not started
    client.force_login(department_admin)
    html = client.get(reverse("dashboard"), {"year": "2022", "q": "规模单位01"}).content.decode()
    assert html.count("data-light=") == 5  # 010, 011, 012 started; 013, 014 not
    assert re.search(r'id="count-green">.*?<strong class="fs-3">0</strong>', html)
    assert 'name="year" value="2022"' in html


# --- the export form -------------------------------------------------------------------------------------------


def test_the_export_form_labels_its_regions_without_a_query_each(
    client, department_admin, department, region, django_assert_num_queries
):
    from units.models import Region

    def add_county(number: int) -> None:
        county = Region.objects.create(code=f"4302{number:02d}", name=f"第{number}区", level="county", parent=region)
        Unit.objects.create(code=f"C-{number}", name=f"区属单位{number}", parent=department, region=county)

    add_county(1)
    client.force_login(department_admin)
    # session, user, is an administrator, years, regions of the units, those regions, the options of each list, jobs
    with django_assert_num_queries(9):
        client.get(reverse("exports:index"))
    for number in range(2, 8):
        add_county(number)
    with django_assert_num_queries(9):
        html = client.get(reverse("exports:index")).content.decode()
    assert "湖南省株洲市第7区" in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="work_mem: PostgreSQL's setting")
def test_postgresql_connections_sort_the_dashboard_s_groups_in_memory(db, settings):
    """DB_WORK_MEM (32 MB unless set) reaches every connection: the averages per 主管部门 at 20,000 units × 3 years
    spilled to disk at the server's 4 MB (bench/RESULTS.md, session 11)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone()[0] == settings.DB_WORK_MEM == "32MB"
