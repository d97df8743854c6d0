"""The unit's own fields (联系人, 联系电话, 主要职能, 内设机构) are edited from the 基本情况 tab of every year's
assessment. A save based on an older version of them is refused with the input kept, and never writes them back over
someone else's change; a save from a page showing the current version goes through."""

from django.urls import reverse

from assessments.forms import UNIT_STALE
from assessments.services import assessment_create
from tests.html_forms import form_data
from units.models import Unit


def basic(client, assessment):
    url = reverse("assessments:tab", args=[assessment.pk, "basic"])
    return url, form_data(client.get(url).content.decode(), form_id="tab-form")


def test_a_stale_save_of_the_units_fields_from_another_year_is_refused_with_the_input_kept(
    client, alice, assessment, unit
):
    other_year = assessment_create(unit=unit, year=assessment.year - 1, user=alice)
    client.force_login(alice)
    url_this, page_this = basic(client, assessment)  # loaded in one browser tab
    url_other, page_other = basic(client, other_year)  # and the other year's in another

    page_other["unit-contact_person"] = "王会计"
    assert client.post(url_other, page_other).status_code == 302
    page_this["unit-contact_person"] = "李出纳"
    response = client.post(url_this, page_this)

    assert response.status_code == 200
    html = response.content.decode()
    assert UNIT_STALE[:20] in html and 'value="李出纳"' in html
    assert Unit.objects.get(pk=unit.pk).contact_person == "王会计"


def test_a_stale_page_never_writes_the_old_values_back(client, alice, assessment, unit):
    other_year = assessment_create(unit=unit, year=assessment.year - 1, user=alice)
    client.force_login(alice)
    url_this, page_this = basic(client, assessment)
    url_other, page_other = basic(client, other_year)
    page_other["unit-functions"] = "新的主要职能"
    assert client.post(url_other, page_other).status_code == 302

    page_this["goal-goal_planned"] = "今年的目标"
    refused = client.post(url_this, page_this)  # the page still shows the old 主要职能
    assert refused.status_code == 200 and "今年的目标" in refused.content.decode()
    assert Unit.objects.get(pk=unit.pk).functions == "新的主要职能"

    url_this, page_this = basic(client, assessment)  # reloaded: the current version, the other's change shown
    assert page_this["unit-functions"] == "新的主要职能"
    page_this["goal-goal_planned"] = "今年的目标"
    assert client.post(url_this, page_this).status_code == 302
    assert Unit.objects.get(pk=unit.pk).functions == "新的主要职能"


def test_ten_saves_from_two_years_lose_nothing(client, alice, assessment, unit):
    other_year = assessment_create(unit=unit, year=assessment.year - 1, user=alice)
    client.force_login(alice)
    for round_ in range(5):
        for target, field, value in (
            (assessment, "unit-contact_phone", "0731-8888"),
            (other_year, "unit-contact_person", "联系人"),
        ):
            url, page = basic(client, target)
            page[field] = f"{value}{round_}"
            assert client.post(url, page).status_code == 302
    stored = Unit.objects.get(pk=unit.pk)
    assert (stored.contact_phone, stored.contact_person) == ("0731-88884", "联系人4")
    assert stored.lock_version == 10
