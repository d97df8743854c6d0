"""A list's page (perfeval.paging.paginate) is the page Django's Paginator gives for any page asked for, and a first
page of a list that fits on it costs one query instead of two."""

import pytest
from django.core.paginator import Paginator
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfeval.paging import _first_page, paginate
from units.models import Region

pytestmark = pytest.mark.django_db

ASKED = st.one_of(
    st.none(),
    st.sampled_from(
        ["", "1", "2", "3", "9", "0", "-1", "abc", "1.0", "2.5", " 2 ", "٢", "1e3", "99999999999999999999"]
    ),
    st.text(max_size=4),
)


@pytest.fixture
def regions(db):
    Region.objects.bulk_create(Region(code=f"R{i:02d}", name=f"地区{i}", level="city") for i in range(45))


def _shown(page) -> tuple:
    return (
        page.number,
        [region.code for region in page.object_list],
        page.paginator.count,
        page.paginator.num_pages,
        page.has_previous(),
        page.has_next(),
        page.start_index(),
        page.end_index(),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(0, 45), per_page=st.sampled_from([1, 5, 20]), asked=ASKED)
def test_the_page_is_the_one_djangos_paginator_gives(regions, size, per_page, asked):
    codes = Region.objects.filter(code__lt=f"R{size:02d}").order_by("code")
    request = RequestFactory().get("/units/", {} if asked is None else {"page": asked, "q": "甲"})
    page = paginate(request, codes, per_page=per_page)
    django_page = Paginator(codes, per_page).get_page(asked)
    assert _shown(page) == _shown(django_page)
    assert [number for number, _ in page.links] == list(
        django_page.paginator.get_elided_page_range(django_page.number, on_each_side=2, on_ends=1)
    )
    assert all(url is None or "q=%E7%94%B2" in url or asked is None for _, url in page.links)


@pytest.mark.parametrize(
    ("size", "asked", "queries"),
    [(0, None, 1), (20, None, 1), (20, "abc", 1), (20, "7", 2), (20, "0", 2), (21, None, 2), (21, "1", 2)],
)
def test_a_first_page_that_holds_the_whole_list_is_one_query(regions, size, asked, queries, django_assert_num_queries):
    """A later page is counted and read as before, and so is a first page of a longer list (its rows and one more
    read, then counted)."""
    codes = Region.objects.filter(code__lt=f"R{size:02d}").order_by("code")
    request = RequestFactory().get("/units/", {} if asked is None else {"page": asked})
    with django_assert_num_queries(queries):
        page = paginate(request, codes, per_page=20)
        list(page.object_list)
    assert page.number == 1


def test_a_list_that_is_not_a_queryset_is_paged_as_before():
    request = RequestFactory().get("/", {"page": "2"})
    page = paginate(request, list(range(45)), per_page=20)
    assert (page.number, list(page.object_list)) == (2, list(range(20, 40)))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(0, 45), asked=ASKED)
def test_a_list_built_later_is_built_only_when_its_first_page_does_not_hold_it(regions, size, asked):
    """The inbox passes each list as a function building its QuerySet, beside a compiled read of its first rows: the
    page is the Paginator's either way, and the list is built only to count a longer one or to read another page."""
    built = []

    def listed():
        return Region.objects.filter(code__lt=f"R{size:02d}").order_by("code")

    def build():
        built.append(True)
        return listed()

    request = RequestFactory().get("/inbox/", {} if asked is None else {"waiting": asked})
    page = paginate(request, build, per_page=20, param="waiting", first_rows=lambda: list(listed()[:21]))
    assert _shown(page) == _shown(Paginator(listed(), 20).get_page(asked))
    assert built == ([] if size <= 20 and _first_page(asked) else [True])
