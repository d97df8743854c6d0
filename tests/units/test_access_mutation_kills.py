"""The access helpers load the one object asked for, and in one query everything the page header shows about it
(the region chain, the supervising unit, the frameworks, who last changed it): every page goes through them. 管理员 is
one's own role (never an anonymous visitor's), and its refusal says what is refused."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from assessments.access import ADMIN_ONLY, get_assessment_for_user
from assessments.services import assessment_create
from units.access import get_unit_for_user, is_administrator
from units.models import Membership, Role


@pytest.fixture
def two_years(assessment, unit, alice):
    """甲单位's 2022 (the `assessment` fixture) and 2023 assessments: a member sees both."""
    return assessment, assessment_create(unit=unit, year=2023, user=alice)


def test_the_assessment_asked_for_is_the_one_loaded_among_several_visible(alice, two_years):
    first, second = two_years
    assert get_assessment_for_user(alice, second.pk) == (second, True)
    assert get_assessment_for_user(alice, first.pk) == (first, True)


def test_an_assessment_that_does_not_exist_is_not_found_although_others_are_visible(alice, two_years):
    with pytest.raises(Http404):
        get_assessment_for_user(alice, max(a.pk for a in two_years) + 1)


def test_the_unit_asked_for_is_the_one_loaded_among_several_visible(dave, department, unit):
    assert get_unit_for_user(dave, unit.pk) == (unit, False)
    assert get_unit_for_user(dave, department.pk) == (department, False)


def header_of_assessment(assessment):
    unit = assessment.unit
    return (
        unit.region.full_name,
        unit.parent.name,
        assessment.framework_version.framework.name,
        assessment.project_framework_version and assessment.project_framework_version.framework.name,
        assessment.updated_by and assessment.updated_by.username,
    )


def test_an_assessment_and_what_its_header_shows_load_in_one_query(root, assessment, django_assert_num_queries):
    """A superuser: the write check needs no membership query, so the one query is the helper's own."""
    with django_assert_num_queries(1):
        loaded, writable = get_assessment_for_user(root, assessment.pk)
        header = header_of_assessment(loaded)
    assert writable
    assert header[:2] == ("湖南省株洲市", "甲主管部门")
    assert header == header_of_assessment(assessment)


def test_a_unit_and_what_its_header_shows_load_in_one_query(root, unit, django_assert_num_queries):
    with django_assert_num_queries(1):
        loaded, writable = get_unit_for_user(root, unit.pk)
        header = (loaded.region.full_name, loaded.parent.name)
    assert (loaded, writable) == (unit, True)
    assert header == ("湖南省株洲市", "甲主管部门")


def test_another_users_administrator_role_does_not_make_one_an_administrator(client, alice, unit, django_user_model):
    """管理员 anywhere (the annual export, the dashboard) is one's own role: a colleague's does not count."""
    ada = django_user_model.objects.create_user(username="ada", password="secret-pass-123")
    Membership.objects.create(user=ada, unit=unit, role=Role.ADMIN)
    assert (is_administrator(ada), is_administrator(alice)) == (True, False)
    client.force_login(alice)
    response = client.get(reverse("exports:index"))
    assert response.status_code == 403
    assert ADMIN_ONLY in response.content.decode()  # what the refusal says, not the generic 403


def test_an_anonymous_visitor_is_never_an_administrator(unit, django_user_model):
    """Not even while the 管理员 role is held somewhere (the check anywhere) or in the unit itself."""
    ada = django_user_model.objects.create_user(username="ada", password="secret-pass-123")
    Membership.objects.create(user=ada, unit=unit, role=Role.ADMIN)
    assert (is_administrator(AnonymousUser()), is_administrator(AnonymousUser(), unit)) == (False, False)
    assert (is_administrator(ada), is_administrator(ada, unit)) == (True, True)
