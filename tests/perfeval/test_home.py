from django.urls import reverse

from assessments.models import Assessment


def test_home_lists_the_preparers_unit_with_its_years(client, alice, unit, other_unit):
    client.force_login(alice)
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "甲单位" in html
    assert "乙单位" not in html
    assert "2022 年度" in html
    assert "填表人" in html


def test_home_shows_the_assessment_status_of_each_year(client, alice, unit):
    Assessment.objects.create(unit=unit, year=2022)
    client.force_login(alice)
    html = client.get(reverse("home")).content.decode()
    assert "草稿" in html
    assert "未创建" in html  # the current assessment year has none yet


def test_supervisor_sees_the_units_under_their_department(client, dave, unit, other_unit):
    client.force_login(dave)
    html = client.get(reverse("home")).content.decode()
    assert "甲单位" in html
    assert "乙单位" not in html
    assert "主管部门审核人" in html


def test_user_without_units_is_told_to_ask_an_administrator(client, django_user_model, db):
    user = django_user_model.objects.create_user(username="nobody", password="x")
    client.force_login(user)
    assert "您还没有加入任何单位" in client.get(reverse("home")).content.decode()


def test_home_query_count_is_pinned_with_many_units(client, alice, region, django_assert_num_queries):
    from units.models import Membership, Role, Unit

    for i in range(10):
        extra = Unit.objects.create(code=f"X-{i}", name=f"单位{i}", region=region)
        Membership.objects.create(user=alice, unit=extra, role=Role.PREPARER)
    client.force_login(alice)
    with django_assert_num_queries(6):  # the list is paged, and its first page holds all 11: no count
        assert client.get(reverse("home")).status_code == 200
    for i in range(10, 25):
        extra = Unit.objects.create(code=f"X-{i}", name=f"单位{i}", region=region)
        Membership.objects.create(user=alice, unit=extra, role=Role.PREPARER)
    with django_assert_num_queries(7):  # one more to count the 26 units past the page
        assert client.get(reverse("home")).status_code == 200
