"""Fuzzing the search boxes and page links (query strings of the unit list, the inbox, the dashboard, the public
list, the audit trail and the report) and the form creating a year's assessment. No server error, and a GET never
writes anything."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode
from hypothesis import given
from hypothesis import strategies as st

from assessments.models import Assessment
from tests.fuzz import budget
from tests.fuzz.state import assessment_state, check_response, post, rolled_back, rows
from tests.fuzz.strategies import TRICKY, describe, scalar
from units.models import Membership, Role

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

PAGES = {
    # name: (URL name, whether it takes the assessment's id, the parameters it reads)
    "units": ("units:index", False, ["q", "page"]),
    "inbox": ("inbox", False, ["q", "waiting", "returned", "handled", "unsubmitted"]),
    "dashboard": ("dashboard", False, ["year", "q", "page"]),
    "public": ("public:list", False, ["year", "page"]),
    "audit": ("assessments:audit", True, ["format"]),
    "report": ("assessments:report", True, ["layout"]),
}
query_values = (
    st.sampled_from(["", "1", "2022", "csv", "0", "-1", "last", "hunan", "futian"])
    | st.sampled_from(TRICKY)
    | scalar.filter(
        lambda text: len(text) < 2000  # a URL of a few kilobytes: what a browser and a proxy let through
    )
)


@pytest.fixture
def admin_member(django_user_model, unit, assessment):
    """A unit administrator: sees the unit's pages and the dashboard."""
    user = django_user_model.objects.create_user(username="ada", password="x")
    Membership.objects.create(user=user, unit=unit, role=Role.ADMIN)
    return user


@budget.examples(fuzz=600, quick=12)
@given(
    page=st.sampled_from(sorted(PAGES)),
    params=st.lists(
        st.tuples(st.text(max_size=3) | st.sampled_from(["q", "year", "page", "format", "layout"]), query_values),
        max_size=4,
    ),
    extra=st.data(),
)
def test_a_page_answers_any_query_string_and_never_writes(client, admin_member, assessment, page, params, extra):
    name, takes_id, known = PAGES[page]
    params += [(key, extra.draw(query_values)) for key in extra.draw(st.lists(st.sampled_from(known), max_size=3))]
    url = reverse(name, args=[assessment.pk] if takes_id else [])
    visitor = Client(raise_request_exception=True) if page == "public" else client
    if page != "public":
        client.force_login(admin_member)
    with rolled_back():
        before = assessment_state(assessment.pk)
        budget.count("pages")
        response = visitor.get(f"{url}?{urlencode(params)}")
        check_response(response, dict(params), {200, 302, 404})
        assert assessment_state(assessment.pk) == before, describe(dict(params))


@budget.examples(fuzz=300, quick=8)
@given(year=st.sampled_from(["2023", "2021", "2022", "1999", "2101", "２０２３"]) | scalar)
def test_creating_an_assessment_with_any_year_never_fails(client, alice, unit, assessment, year):
    client.force_login(alice)
    with rolled_back():
        before = rows(Assessment.objects.all())
        response = post(client, reverse("units:assessment_create", args=[unit.pk]), {"year": year}, name="create")
        created = Assessment.objects.exclude(pk=assessment.pk)
        if response["Location"].endswith("/basic/"):
            assert created.count() == 1 and 2000 <= created.get().year <= 2100, describe({"year": year})
        else:
            assert rows(Assessment.objects.all()) == before, describe({"year": year})
