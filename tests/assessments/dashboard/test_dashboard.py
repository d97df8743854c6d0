"""管理看板: a traffic light per unit against its region's deadline, grade distribution and average score as inline
SVG, for administrators only, in a pinned number of queries."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from assessments.services import assessment_create
from tests.assessments.exports.conftest import FUTIAN, TAOJIANG, ZHUZHOU, load
from units.models import Deadline, Region, Unit


def lights(page: str) -> dict[str, str]:
    """Unit code → traffic light colour, from the table's rows."""
    return {unit: colour for colour, unit in re.findall(r'data-light="(\w+)" data-unit="([\w-]+)"', page)}


def test_each_unit_gets_a_traffic_light_against_its_deadline(client, demo, users, finalised_futian):
    today = timezone.localdate()
    Deadline.objects.create(region=Region.objects.get(code="430200"), year=2022, due=today - datetime.timedelta(days=1))
    Deadline.objects.create(region=Region.objects.get(code="440000"), year=2021, due=today - datetime.timedelta(days=1))
    Deadline.objects.create(
        region=Region.objects.get(code="430000"), year=2024, due=today + datetime.timedelta(days=30)
    )
    client.force_login(users["admin"])

    page = client.get(reverse("dashboard"), {"year": "all"}).content.decode()

    # Zhuzhou: a draft after its city's deadline; Futian: final (the province's deadline reaches it, but it is
    # final); Taojiang: a draft before the province's deadline.
    assert lights(page) == {ZHUZHOU: "red", FUTIAN: "green", TAOJIANG: "amber"}
    assert "已逾期" in page and "已定稿" in page and "进行中" in page


def test_a_year_shows_the_units_that_have_not_started(client, demo, users):
    Deadline.objects.create(region=Region.objects.get(code="430000"), year=2022, due=datetime.date(2023, 5, 31))
    client.force_login(users["admin"])
    page = client.get(reverse("dashboard"), {"year": "2022"}).content.decode()
    # Taojiang (Hunan, past the province's deadline) has no 2022 assessment: red; Futian has no deadline: grey.
    assert lights(page) == {ZHUZHOU: "red", TAOJIANG: "red", FUTIAN: "grey"}
    assert "未创建" in page


def test_the_charts_show_the_grade_distribution_and_the_average_score(client, demo, users):
    client.force_login(users["admin"])
    page = client.get(reverse("dashboard"), {"year": "all", "counted": "all"}).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="chart-grades"' in page
    assert "优：3 个" in page  # the three demo totals: 96.97, 99.40, 98.95
    assert "98.44（3）" in page  # (96.97 + 99.40 + 98.95) ÷ 3 = 98.44
    assert 'id="chart-average"' in page and "<script" not in page.split("<main", 1)[1].split("</main>")[0]


def test_the_average_and_the_grades_count_final_reports_unless_asked_for_all(client, demo, users, finalised_futian):
    client.force_login(users["admin"])
    page = client.get(reverse("dashboard"), {"year": "all"}).content.decode()
    # Only Futian (96.97) is final: the two drafts are neither averaged nor graded, and the filter says so.
    assert "优：1 个" in page and "96.97（1）" in page and "98.44" not in page
    assert 'id="dashboard-counted"' in page and 'aria-current="true">仅已定稿</a>' in page
    assert "已定稿 1 份" in page
    # The table still lists every unit's progress.
    assert set(lights(page)) == {ZHUZHOU, FUTIAN, TAOJIANG}
    everything = client.get(reverse("dashboard"), {"year": "all", "counted": "all"}).content.decode()
    assert "优：3 个" in everything and "98.44（3）" in everything and "全部 3 份" in everything


def test_a_unit_administrator_sees_only_their_units(client, demo, users):
    client.force_login(users["zz-admin"])
    page = client.get(reverse("dashboard"), {"year": "all"}).content.decode()
    assert set(lights(page)) == {ZHUZHOU}


def test_the_dashboard_query_count_is_pinned(client, demo, users, finalised_futian, django_assert_num_queries):
    client.force_login(users["admin"])
    # The first view finds every line stale, summarises every assessment and stores the lines: their keys, the
    # snapshot, the live data and one write (in a savepoint: 3 queries), the live ones' re-scores, then counts again.
    with django_assert_num_queries(23):
        client.get(reverse("dashboard"), {"year": "all"})
    # Then only what changed is summarised again: nothing here. Session, user, years, the assessments counted by
    # region, year, status, grade and whether the stored line is stale (none), deadlines, regions, totals by 主管部门
    # and year, the page's ids, the page's assessments, reminders, the overdue 整改事项: the counts are grouped by the
    # database (assessments/dashboard/figures.py), one query more than when every line was read into Python.
    with django_assert_num_queries(11):
        client.get(reverse("dashboard"), {"year": "all"})
    region = Region.objects.get(code="430200")
    for number in range(4):
        unit = Unit.objects.create(code=f"430200-2{number:02d}", name=f"测试单位{number}", region=region)
        assessment_create(unit=unit, year=2022, user=users["admin"])
    with django_assert_num_queries(22):  # the four new drafts: live data only, no snapshot
        client.get(reverse("dashboard"), {"year": "all"})
    with django_assert_num_queries(11):
        page = client.get(reverse("dashboard"), {"year": "all"}).content.decode()
    assert page.count("data-light=") == 7


# --- the stored summaries (issue #8): never stale -------------------------------------------------------------------


def total_of(page: str, unit_code: str) -> str:
    row = page.split(f'data-unit="{unit_code}"', 1)[1].split("</tr>", 1)[0]
    return re.findall(r'<td class="text-end num">([^<]*)</td>', row)[0]


def test_a_save_is_on_the_dashboard_at_once(client, demo, users):
    from assessments.models import IndicatorRow
    from assessments.selectors import assessment_data
    from assessments.services import assessment_touch
    from assessments.summaries import summary_from_data

    client.force_login(users["admin"])
    assert total_of(client.get(reverse("dashboard"), {"year": "2022"}).content.decode(), ZHUZHOU) == "99.40"
    assessment = demo[ZHUZHOU]
    # As a save on the 自评表 does: a new version (services.assessment_touch), then the rows.
    assessment_touch(assessment=assessment, user=users["zz-preparer"], expected_version=assessment.lock_version)
    IndicatorRow.objects.filter(assessment=assessment, name="老干住院慰问率").update(
        actual_value="50%", actual_number=50
    )
    page = client.get(reverse("dashboard"), {"year": "2022"}).content.decode()
    assert total_of(page, ZHUZHOU) == summary_from_data(assessment_data(load(assessment.pk)))["total"] == "96.40"


def test_a_change_of_staffing_or_of_the_scoring_code_makes_the_summary_again(client, demo, users, monkeypatch):
    from assessments import stored_summaries
    from assessments.models import AssessmentSummary
    from units.models import Staffing

    client.force_login(users["admin"])
    client.get(reverse("dashboard"), {"year": "all"})

    def stored_lines():
        return {line.pk: (line.computed_at, line.key_staff_actual) for line in AssessmentSummary.objects.all()}

    stored = stored_lines()
    Staffing.objects.filter(unit__code=ZHUZHOU, year=2022).update(staff_actual=26)
    client.get(reverse("dashboard"), {"year": "all"})
    now = stored_lines()
    assert {pk for pk in now if now[pk] != stored[pk]} == {demo[ZHUZHOU].pk}
    assert now[demo[ZHUZHOU].pk][1] == 26

    monkeypatch.setattr(stored_summaries, "code_version", lambda: "a-new-release")
    client.get(reverse("dashboard"), {"year": "all"})
    assert set(AssessmentSummary.objects.values_list("key_code", flat=True)) == {"a-new-release"}


def test_an_administrator_s_edit_of_the_facts_is_a_new_version(client, demo, users, rf):
    from django.contrib import admin

    from assessments.models import Assessment, Facts

    facts = Facts.objects.get(assessment=demo[ZHUZHOU])
    version = demo[ZHUZHOU].lock_version
    request = rf.post("/admin/")
    request.user = users["admin"]
    facts.spending_actual = facts.budget_full_year
    admin.site._registry[Facts].save_model(request, facts, form=None, change=True)
    assert Assessment.objects.get(pk=demo[ZHUZHOU].pk).lock_version == version + 1


def test_a_superuser_sees_every_assessment_as_an_administrator_of_every_unit_does(client, demo, users):
    """A superuser's scope is every assessment without testing it against every unit (a large province's 20,000): the
    page is the one an administrator holding every top-level unit gets, for every year and with a search."""
    from django.contrib.auth import get_user_model

    from units.models import Membership, Role

    everyone = get_user_model().objects.create_user(username="all-units-admin", password="x")
    for unit in Unit.objects.filter(parent=None):
        Membership.objects.create(user=everyone, unit=unit, role=Role.ADMIN)
    root = get_user_model().objects.create_superuser(username="root-dashboard", password="x")
    pages = {}
    for user in (everyone, root):
        client.force_login(user)
        pages[user.username] = [
            re.sub(
                r'(csrfmiddlewaretoken" value|nonce)="[^"]*"',
                "",
                client.get(reverse("dashboard"), asked).content.decode(),
            ).split("<main", 1)[1]
            for asked in ({}, {"year": "all"}, {"year": "all", "counted": "all"}, {"year": "2022"}, {"q": "株洲"})
        ]
    assert pages["all-units-admin"] == pages["root-dashboard"]
    assert set(lights(pages["root-dashboard"][1])) == {ZHUZHOU, FUTIAN, TAOJIANG}
    assert set(lights(pages["root-dashboard"][4])) == {ZHUZHOU}
