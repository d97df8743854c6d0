"""A save refused because someone (or the same user in another tab) saved first: the page says what they changed,
old → new by field label, keeps the user's input, and lays it over the newest version where the two touched different
fields, so that saving again applies both."""

from decimal import Decimal

from django.urls import reverse

from assessments.models import Facts
from tests.html_forms import form_data

BASIC_DATA = "basic-data"


def url(assessment):
    return reverse("assessments:tab", args=[assessment.pk, BASIC_DATA])


def test_different_fields_the_refused_page_shows_their_change_and_saving_again_keeps_both(client, alice, assessment):
    client.force_login(alice)
    first_tab = form_data(client.get(url(assessment)).content.decode())
    second_tab = dict(first_tab)
    second_tab["facts-reception_budget"] = "12.50"
    assert client.post(url(assessment), second_tab).status_code == 302

    first_tab["facts-austerity_measures"] = "压减会议费"
    refused = client.post(url(assessment), first_tab)

    assert refused.status_code == 200
    html = refused.content.decode()
    assert "您的修改未保存" in html
    assert "基础数据表·公务接待费·本年预算数：（空） → 12.50" in html
    assert 'id="conflict-merged"' in html and "采用了他人对基础数据表·公务接待费·本年预算数的修改" in html
    shown = form_data(html)
    assert shown["facts-austerity_measures"] == "压减会议费"
    assert shown["facts-reception_budget"] == "12.50"

    assert client.post(url(assessment), shown).status_code == 302
    facts = Facts.objects.get(assessment=assessment)
    assert (facts.reception_budget, facts.austerity_measures) == (Decimal("12.50"), "压减会议费")


def test_the_same_field_the_users_value_is_kept_and_the_conflict_named(client, alice, assessment):
    client.force_login(alice)
    first_tab = form_data(client.get(url(assessment)).content.decode())
    second_tab = dict(first_tab)
    second_tab["facts-reception_budget"] = "12.50"
    assert client.post(url(assessment), second_tab).status_code == 302

    first_tab["facts-reception_budget"] = "8"
    html = client.post(url(assessment), first_tab).content.decode()

    assert 'id="conflict-both"' in html and "基础数据表·公务接待费·本年预算数" in html
    assert form_data(html)["facts-reception_budget"] == "8"
    assert Facts.objects.get(assessment=assessment).reception_budget == Decimal("12.50")


def test_a_refused_stale_save_costs_a_pinned_number_of_queries(client, alice, assessment, django_assert_num_queries):
    client.force_login(alice)
    first_tab = form_data(client.get(url(assessment)).content.decode())
    second_tab = dict(first_tab, **{"facts-reception_budget": "12.50"})
    assert client.post(url(assessment), second_tab).status_code == 302
    first_tab["facts-austerity_measures"] = "压减会议费"
    with django_assert_num_queries(STALE_QUERIES):
        assert client.post(url(assessment), first_tab).status_code == 200


# The refused save: the session, the user, the assessment (with the access check), institutions, special funds, rows,
# projects, the writer's roles, the version claimed and refused (a savepoint, the update, who saved first, rolled
# back); what changed since the page was loaded (the data read again: facts, staffing, institutions, special funds,
# rows, projects; the audit trail); the tab page, with the score panel's narrative and explanations (one query) and
# last year's assessment for 上年 beside the inputs (a save loads neither with the assessment: it mostly redirects).
STALE_QUERIES = 22
