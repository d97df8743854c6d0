from decimal import Decimal

from django.urls import reverse

from assessments.models import Assessment, Facts, IndicatorRow, Institution, NarrativeSection
from assessments.services import assessment_create


def test_preparer_creates_the_assessment_from_the_unit_page(client, alice, unit, frameworks):
    client.force_login(alice)
    response = client.post(reverse("units:assessment_create", args=[unit.pk]), {"year": "2022"})
    assessment = Assessment.objects.get(unit=unit, year=2022)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:tab", args=[assessment.pk, "basic"])
    assert assessment.framework_version.framework.code == "mof-2020-selfeval"
    assert Institution.objects.filter(assessment=assessment).count() == 1
    assert NarrativeSection.objects.filter(assessment=assessment).count() == 10


def test_a_second_assessment_for_the_same_year_is_refused_in_chinese(client, alice, assessment):
    client.force_login(alice)
    response = client.post(reverse("units:assessment_create", args=[assessment.unit.pk]), {"year": "2022"}, follow=True)
    assert "2022 年度的自评已经存在" in response.content.decode()
    assert Assessment.objects.count() == 1


def test_a_year_that_is_not_a_number_is_refused(client, alice, unit, frameworks):
    client.force_login(alice)
    response = client.post(reverse("units:assessment_create", args=[unit.pk]), {"year": "二〇二二"}, follow=True)
    assert "年度应为 2000 至 2100 之间的整数" in response.content.decode()
    assert not Assessment.objects.exists()


def test_read_only_member_cannot_create(client, bob, unit, frameworks):
    client.force_login(bob)
    assert client.post(reverse("units:assessment_create", args=[unit.pk]), {"year": "2022"}).status_code == 403


def test_stranger_cannot_create(client, charlie, unit, frameworks):
    client.force_login(charlie)
    assert client.post(reverse("units:assessment_create", args=[unit.pk]), {"year": "2022"}).status_code == 404


def test_next_year_carries_last_years_actuals_into_the_prior_columns(assessment, alice):
    facts = assessment.facts
    facts.reception_actual = Decimal("0.16")
    facts.public_funds_actual = Decimal("234.60")
    facts.save()
    IndicatorRow.objects.create(
        assessment=assessment,
        group_code="quantity",
        name="老干住院慰问率",
        weight=6,
        kind="quantitative",
        target_value="100%",
    )
    following = assessment_create(unit=assessment.unit, year=2023, user=alice)
    new_facts = Facts.objects.get(assessment=following)
    assert new_facts.reception_prior == Decimal("0.16")
    assert new_facts.public_funds_prior == Decimal("234.60")
    assert new_facts.reception_actual is None
    carried = following.indicator_rows.get(name="老干住院慰问率")
    assert (carried.weight, carried.target_value, carried.actual_value) == (6, "100%", "")
