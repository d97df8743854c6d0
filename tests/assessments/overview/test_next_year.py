"""A new year starts from last year: quantitative targets come over with their comparator and number; recurring
projects and staffing are offered on the create form and copied only when chosen; 我的单位 links every year and
offers 新建."""

from decimal import Decimal

from django.urls import reverse

from assessments.models import Assessment, IndicatorRow, Project
from units.models import Staffing


def _create(client, unit, **choices):
    data = {"year": "2023", **{name: "on" for name, chosen in choices.items() if chosen}}
    return client.post(reverse("units:assessment_create", args=[unit.pk]), data)


def _last_year(assessment):
    IndicatorRow.objects.create(
        assessment=assessment,
        group_code="quantity",
        name="举办培训班",
        weight=5,
        kind="quantitative",
        target_value="≥40个",
        target_comparator=">=",
        target_number=Decimal("40"),
    )
    project = Project.objects.create(
        assessment=assessment, position=1, name="老干部活动经费", implementing_unit="甲单位"
    )
    IndicatorRow.objects.create(
        assessment=assessment, project=project, group_code="quantity", name="活动场次", weight=10, kind="quantitative",
        target_value="≥12场", target_comparator=">=", target_number=Decimal("12"),
    )  # fmt: skip
    Staffing.objects.filter(unit=assessment.unit, year=2022).update(staff_quota=26, staff_actual=25)


def test_targets_come_over_with_comparator_and_number(client, alice, assessment):
    _last_year(assessment)
    client.force_login(alice)
    assert _create(client, assessment.unit).status_code == 302
    following = Assessment.objects.get(unit=assessment.unit, year=2023)
    row = following.indicator_rows.get(name="举办培训班")
    assert (row.target_value, row.target_comparator, row.target_number) == ("≥40个", ">=", Decimal("40.0000"))
    assert row.actual_value == "" and row.actual_number is None


def test_projects_and_staffing_are_offered_and_not_copied_unless_chosen(client, alice, assessment):
    _last_year(assessment)
    client.force_login(alice)
    html = client.get(reverse("units:detail", args=[assessment.unit.pk])).content.decode()
    assert "沿用 2022 年度的项目（1 个）" in html
    assert "沿用 2022 年度人员编制（编制 26 人、在职 25 人）" in html

    assert _create(client, assessment.unit).status_code == 302
    following = Assessment.objects.get(unit=assessment.unit, year=2023)
    assert not following.projects.exists()
    staffing = Staffing.objects.get(unit=assessment.unit, year=2023)
    assert (staffing.staff_quota, staffing.staff_actual) == (0, 0)


def test_chosen_projects_and_staffing_come_over(client, alice, assessment):
    _last_year(assessment)
    client.force_login(alice)
    assert _create(client, assessment.unit, carry_projects=True, carry_staffing=True).status_code == 302
    following = Assessment.objects.get(unit=assessment.unit, year=2023)
    project = following.projects.get()
    assert (project.name, project.implementing_unit, project.fiscal_spending_actual) == (
        "老干部活动经费",
        "甲单位",
        None,
    )
    row = project.indicator_rows.get()
    assert (row.name, row.target_value, row.target_comparator, row.target_number) == (
        "活动场次",
        "≥12场",
        ">=",
        Decimal("12.0000"),
    )
    staffing = Staffing.objects.get(unit=assessment.unit, year=2023)
    assert (staffing.staff_quota, staffing.staff_actual) == (26, 25)


def test_my_units_links_every_year_and_offers_新建_to_preparers(client, alice, bob, assessment):
    client.force_login(alice)
    html = client.get(reverse("units:index")).content.decode()
    assert f'<a href="{reverse("assessments:detail", args=[assessment.pk])}">2022 年度</a>' in html
    assert f'href="{reverse("units:detail", args=[assessment.unit.pk])}#new-assessment">新建</a>' in html
    client.force_login(bob)  # read-only
    assert ">新建</a>" not in client.get(reverse("units:index")).content.decode()
