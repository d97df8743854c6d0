"""管理看板: a traffic light per unit against its region's deadline, grade distribution and average score as inline
SVG, for administrators only, in a pinned number of queries."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from assessments.services import assessment_create
from units.models import Deadline, Region, Unit

from .conftest import FUTIAN, TAOJIANG, ZHUZHOU


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
    page = client.get(reverse("dashboard"), {"year": "all"}).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="chart-grades"' in page
    assert "优：3 个" in page  # the three demo totals: 96.97, 99.40, 98.95
    assert "98.44（3）" in page  # (96.97 + 99.40 + 98.95) ÷ 3 = 98.44
    assert 'id="chart-average"' in page and "<script" not in page.split("<main", 1)[1].split("</main>")[0]


def test_a_unit_administrator_sees_only_their_units(client, demo, users):
    client.force_login(users["zz-admin"])
    page = client.get(reverse("dashboard"), {"year": "all"}).content.decode()
    assert set(lights(page)) == {ZHUZHOU}


def test_the_dashboard_query_count_is_pinned(client, demo, users, finalised_futian, django_assert_num_queries):
    client.force_login(users["admin"])
    with django_assert_num_queries(10):
        client.get(reverse("dashboard"), {"year": "all"})
    region = Region.objects.get(code="430200")
    for number in range(4):
        unit = Unit.objects.create(code=f"430200-2{number:02d}", name=f"测试单位{number}", region=region)
        assessment_create(unit=unit, year=2022, user=users["admin"])
    with django_assert_num_queries(10):
        page = client.get(reverse("dashboard"), {"year": "all"}).content.decode()
    assert page.count("data-light=") == 7
