"""Last year's assessment loaded in the query that loads this year's (`last_year.with_year_before`): the same
assessment, facts and snapshot as looking it up alone, the year before and no other, and the narrative's panel of
last year's 整改事项 from it."""

from decimal import Decimal
from functools import partial

import pytest
from django.urls import reverse

from assessments.access import get_assessment_for_user
from assessments.last_year import assessment_before, last_year, with_year_before
from assessments.models import Assessment, Facts, Snapshot
from assessments.models.assessment import document_sha256
from assessments.selectors import assessment_data
from assessments.services import assessment_create
from assessments.snapshots import assessment_document

pytestmark = pytest.mark.django_db


def _loaded(user, assessment, **kwargs) -> Assessment:
    found, _ = get_assessment_for_user(user, assessment.pk, (partial(with_year_before, **kwargs),))
    return found


@pytest.fixture
def two_years_before(unit, alice):
    """2020: not the year before 2022, whatever it holds."""
    earlier = assessment_create(unit=unit, year=2020, user=alice)
    Facts.objects.filter(assessment=earlier).update(reception_budget=Decimal("99"))
    return earlier


def test_without_last_years_assessment_none_is_loaded_and_none_looked_up(
    alice, assessment, two_years_before, django_assert_num_queries
):
    found = _loaded(alice, assessment)
    with django_assert_num_queries(0):
        assert last_year(found) is None
        assert assessment_before(found) is None
    assert last_year(assessment) is None and assessment_before(assessment) is None


def test_an_open_last_year_is_loaded_with_its_facts_and_no_snapshot(
    unit, alice, assessment, two_years_before, django_assert_num_queries
):
    prior = assessment_create(unit=unit, year=2021, user=alice)
    Facts.objects.filter(assessment=prior).update(reception_budget=Decimal("12.5"))
    document = assessment_document(assessment_data(prior), include_score=False)
    Snapshot.objects.create(assessment=prior, data={"assessment": document}, sha256="submitted")  # not final: unread
    found = _loaded(alice, assessment)
    with django_assert_num_queries(0):
        loaded = last_year(found)
        assert (loaded.assessment.pk, loaded.assessment.year, loaded.document) == (prior.pk, 2021, None)
        assert loaded.facts.reception_budget == Decimal("12.50")
        assert assessment_before(found) == prior
    alone = last_year(assessment)
    assert (alone.assessment, alone.document, alone.facts) == (prior, None, prior.facts)


def test_a_final_last_year_is_loaded_with_its_newest_snapshot(unit, alice, assessment, django_assert_num_queries):
    prior = assessment_create(unit=unit, year=2021, user=alice)
    document = assessment_document(assessment_data(prior), include_score=False)
    for budget in ("1.00", "34.00"):  # the newest is the signed one
        document["facts"]["reception_budget"] = budget
        data = {"assessment": document}
        Snapshot.objects.create(assessment=prior, data=data, sha256=document_sha256(data))
    Assessment.objects.filter(pk=prior.pk).update(status=Assessment.Status.FINAL)
    found = _loaded(alice, assessment)
    with django_assert_num_queries(0):
        assert last_year(found).facts.reception_budget == Decimal("34.00")
    assert last_year(assessment).facts.reception_budget == Decimal("34.00")


def test_without_its_figures_only_the_assessment_is_loaded(unit, alice, assessment, django_assert_num_queries):
    prior = assessment_create(unit=unit, year=2021, user=alice)
    found = _loaded(alice, assessment, figures=False)
    with django_assert_num_queries(0):
        assert assessment_before(found) == prior
    with django_assert_num_queries(1):  # its figures were not loaded: looked up
        assert last_year(found).facts.pk == prior.facts.pk


def test_a_stranger_still_gets_404_and_a_reader_no_write_with_last_year_loaded(bob, charlie, assessment):
    from django.http import Http404

    with pytest.raises(Http404):
        _loaded(charlie, assessment)
    found, writable = get_assessment_for_user(bob, assessment.pk, (with_year_before,))
    assert (found, writable) == (assessment, False)


def test_the_narrative_shows_last_years_panel_only_when_there_is_last_year(
    client, unit, alice, assessment, two_years_before
):
    client.force_login(alice)
    url = reverse("assessments:tab", args=[assessment.pk, "narrative"])
    assert "上年整改落实情况" not in client.get(url).content.decode()
    prior = assessment_create(unit=unit, year=2021, user=alice)
    html = client.get(url).content.decode()
    assert "上年整改落实情况（2021 年度报告所列事项）" in html
    assert "2021 年度自评尚未定稿，还没有整改事项。" in html
    assert reverse("assessments:rectification", args=[prior.pk]) in html
