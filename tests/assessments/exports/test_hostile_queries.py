"""Query strings the fuzz tests (tests/fuzz) found failing list pages: a year that str.isdigit() accepts and int()
refuses ("²") or one of thousands of digits, read as no year chosen; a search holding NUL, which PostgreSQL cannot
compare, searched without it."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from perfeval.paging import search_text
from units.models import Membership, Role


@pytest.fixture
def unit_admin(django_user_model, unit, assessment):
    user = django_user_model.objects.create_user(username="ada", password="x")
    Membership.objects.create(user=user, unit=unit, role=Role.ADMIN)
    return user


@pytest.mark.parametrize("year", ["²", "2022²", "9" * 5000])
def test_the_dashboard_reads_a_year_it_cannot_parse_as_no_year_chosen(client, unit_admin, year):
    client.force_login(unit_admin)
    response = client.get(reverse("dashboard"), {"year": year})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-unit="U-001"' in page and "<td>2022</td>" in page  # the unit's assessment, as with no year chosen


@pytest.mark.parametrize("year", ["²", "2022²", "9" * 5000])
def test_the_public_list_reads_a_year_it_cannot_parse_as_no_year_chosen(client, db, year):
    response = client.get(reverse("public:list"), {"year": year})
    assert response.status_code == 200
    page = response.content.decode()
    assert "部门整体支出绩效自评报告公开" in page and "还没有定稿公开的报告。" in page


def test_a_search_is_read_without_nul_characters_and_surrounding_spaces():
    assert search_text(RequestFactory().get("/", {"q": " 甲\x00单位 "})) == "甲单位"


@pytest.mark.parametrize("name", ["units:index", "inbox", "dashboard"])
def test_a_search_holding_a_nul_character_finds_as_without_it(client, unit_admin, name):
    client.force_login(unit_admin)
    response = client.get(reverse(name), {"q": "甲\x00单位"})
    assert response.status_code == 200
    assert "甲单位" in response.content.decode()
