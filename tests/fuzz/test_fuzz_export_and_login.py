"""Fuzzing the annual export's form and the login form: no server error, and a refused form writes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from assessments.models import ExportJob
from tests.fuzz import budget
from tests.fuzz.state import post, rolled_back, rows
from tests.fuzz.strategies import describe, mutated, scalar
from units.models import Membership, Role

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]


@pytest.fixture
def exporter(django_user_model, unit, assessment, settings):
    """A unit administrator; the export's tasks are only enqueued (Django's dummy backend), never rendered."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    user = django_user_model.objects.create_user(username="ada", password="x")
    Membership.objects.create(user=user, unit=unit, role=Role.ADMIN)
    return user


@st.composite
def export_request(draw, region_id: int, department_id: int):
    data = {
        "year": draw(st.sampled_from(["2022", "all", "2021", "", "２０２２", "2022.0", "-1"]) | scalar),
        "scope": draw(st.sampled_from([*ExportJob.Scope.values, "", "ALL"]) | scalar),
        "region": draw(st.sampled_from([str(region_id), "", "0", "abc", "99999999999999999999"]) | scalar),
        "department": draw(st.sampled_from([str(department_id), "", "-1", "1e400"]) | scalar),
    }
    return draw(mutated(data, max_changes=2)) if draw(st.booleans()) else data


@budget.examples(fuzz=400, quick=12)
@given(st.data())
def test_the_export_form_never_fails_and_a_refused_one_starts_nothing(client, exporter, unit, department, data):
    submission = data.draw(export_request(unit.region_id, department.pk))
    client.force_login(exporter)
    with rolled_back():
        response = post(client, reverse("exports:index"), submission, name="export")
        jobs = list(ExportJob.objects.all())
        if response.status_code == 302:
            assert len(jobs) == 1 and jobs[0].requested_by == exporter, describe(submission)
            assert jobs[0].total == 1
        else:
            assert jobs == [], describe(submission)


def account_rows() -> str:
    return rows(get_user_model().objects.all()) + rows(Session.objects.all())


credentials = st.fixed_dictionaries(
    {
        "username": st.sampled_from(["alice", "ALICE", " alice", "nobody", ""]) | scalar,
        "password": st.sampled_from(["secret-pass-123", "wrong", ""]) | scalar,
    },
    optional={"next": st.sampled_from(["/inbox/", "//evil.example/", "https://evil.example/", "abc"]) | scalar},
)


@budget.examples(fuzz=500, quick=16)
@given(submission=credentials.flatmap(lambda data: mutated(data, max_changes=2) | st.just(data)))
def test_the_login_form_never_fails_and_only_the_right_password_logs_in(alice, submission):
    client = Client(raise_request_exception=True)
    with rolled_back():
        before = account_rows()
        response = post(client, reverse("login"), submission, name="login")
        if response.status_code == 302:
            assert submission.get("password") == "secret-pass-123", describe(submission)
            assert not response["Location"].startswith(("//", "https://evil")), describe(submission)
        else:
            assert response.status_code == 200, describe(submission)
            assert account_rows() == before, describe(submission)
