"""Fuzzing the review forms (提交, 签署, 退回, 抽查复核, 重新开启) and the delegation form. Each answers with a redirect
and a message; a refusal (an error message) writes nothing, an accepted step is one new version of the assessment."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from assessments.models import Facts, ReScore, SignOff
from assessments.workflow import services as workflow
from tests.fuzz import budget
from tests.fuzz.state import (
    assert_one_new_version,
    assert_unchanged,
    assessment_state,
    lock_version,
    post,
    rolled_back,
    rows,
)
from tests.fuzz.strategies import describe, mutated, posted, scalar, value
from units.models import Delegation, Membership, Role

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

STEP_CODES = ["", "group_leader", "unit_head", "supervisor", "finance", "preparer", "Group_Leader"]


@pytest.fixture
def people(django_user_model, unit, alice, bob, dave):
    def member(username, role):
        user = django_user_model.objects.create_user(username=username, password="x")
        Membership.objects.create(user=user, unit=unit, role=role)
        return user

    return {
        "alice": alice,
        "bob": bob,
        "hank": member("hank", Role.UNIT_HEAD),
        "dave": dave,
        "fiona": member("fiona", Role.FINANCE),
        "ada": member("ada", Role.ADMIN),
    }


def signed_to(assessment, people, step: str):
    """The assessment submitted and signed until `step` waits for its signature ("final": signed by everyone)."""
    facts = Facts.objects.get(assessment=assessment)
    facts.budget_full_year, facts.spending_actual = Decimal(100), Decimal(95)
    facts.save()
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    for code, who in [("group_leader", "bob"), ("unit_head", "hank"), ("supervisor", "dave"), ("finance", "fiona")]:
        assessment.refresh_from_db()
        if code == step:
            return assessment
        workflow.assessment_sign(assessment=assessment, user=people[who], opinion="同意")
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def at_step(assessment, people):
    """The assessment waiting at a step, reached once per test (every example is rolled back to it)."""
    reached = {}

    def reach(step: str):
        if step not in reached:
            reached[step] = signed_to(assessment, people, step)
        return reached[step]

    return reach


def outcome(response) -> str:
    levels = {message.level_tag for message in get_messages(response.wsgi_request)}
    assert len(levels) <= 1, levels
    return levels.pop() if levels else ""


def check_step(client, assessment, url: str, submission: dict, *, name: str) -> bool:
    """POST a review action; True when it was accepted (one new version), else nothing may have changed."""
    before = assessment_state(assessment.pk)
    client.cookies.pop("messages", None)  # the previous example's message, never shown
    response = post(client, url, submission, name=name, allowed={302})
    result = outcome(response)
    assert result in ("success", "error"), (result, describe(submission))
    if result == "error":
        assert_unchanged(before, assessment_state(assessment.pk), submission)
        return False
    return True


@budget.examples(fuzz=150, quick=6)
@given(submission=st.dictionaries(st.sampled_from(["lock_version", "confirm", "next", "x"]), value, max_size=3))
def test_submitting_with_any_extra_fields_never_fails(client, assessment, people, submission):
    client.force_login(people["alice"])
    with rolled_back():
        version = lock_version(assessment.pk)
        if check_step(client, assessment, reverse("assessments:submit", args=[assessment.pk]), submission, name="wf"):
            assert_one_new_version(version, assessment.pk, submission)


@budget.examples(fuzz=400, quick=12)
@given(submission=mutated({"opinion": "同意提交。"}, extra_fields=["signer", "step"], max_changes=3))
def test_a_signature_with_any_opinion_never_fails(client, at_step, people, submission):
    assessment = at_step("group_leader")
    client.force_login(people["bob"])
    with rolled_back():
        version = lock_version(assessment.pk)
        if check_step(client, assessment, reverse("assessments:sign", args=[assessment.pk]), submission, name="wf"):
            assert_one_new_version(version, assessment.pk, submission)
            signoff = SignOff.objects.get(assessment=assessment, step="group_leader", voided_at=None)
            assert signoff.opinion == posted(submission, "opinion").strip(), describe(submission)


@budget.examples(fuzz=400, quick=12)
@given(
    submission=mutated({"reason": "数据有误", "to_step": ""}, max_changes=3, extra_fields=["x"]).flatmap(
        lambda data: st.sampled_from(STEP_CODES).map(lambda step: data | {"to_step": step}) | st.just(data)
    )
)
def test_a_return_with_any_reason_and_step_never_fails(client, at_step, people, submission):
    assessment = at_step("supervisor")
    client.force_login(people["dave"])
    with rolled_back():
        version = lock_version(assessment.pk)
        if check_step(client, assessment, reverse("assessments:return", args=[assessment.pk]), submission, name="wf"):
            assert_one_new_version(version, assessment.pk, submission)


@budget.examples(fuzz=500, quick=16)
@given(
    submission=mutated(
        {"indicator": "budget_execution", "score": "9", "reason": "抽查发现执行数含暂付款"},
        max_changes=3,
    )
)
def test_a_rescore_with_any_score_never_fails(client, at_step, people, submission):
    assessment = at_step("finance")
    client.force_login(people["fiona"])
    with rolled_back():
        rescores = rows(ReScore.objects.filter(assessment=assessment))
        url = reverse("assessments:rescore", args=[assessment.pk])
        if check_step(client, assessment, url, submission, name="wf"):
            rescore = ReScore.objects.get(assessment=assessment)
            assert rescore.score == Decimal(posted(submission, "score").strip()), describe(submission)
            assert 0 <= rescore.score <= 10
        else:
            assert rows(ReScore.objects.filter(assessment=assessment)) == rescores


@budget.examples(fuzz=150, quick=6)
@given(submission=mutated({"reason": "需要更正"}, max_changes=2))
def test_reopening_with_any_reason_never_fails(client, at_step, people, submission):
    assessment = at_step("final")
    client.force_login(people["ada"])
    with rolled_back():
        version = lock_version(assessment.pk)
        if check_step(client, assessment, reverse("assessments:reopen", args=[assessment.pk]), submission, name="wf"):
            assert_one_new_version(version, assessment.pk, submission)


DATES = st.one_of(
    st.dates(min_value=datetime.date(1, 1, 1)).map(str),
    st.sampled_from(
        ["2026-02-30", "2026-13-01", "0000-00-00", "2026/11/01", "2026年11月1日", "11/01/2026", "9999-12-31"]
    ),
    scalar,
)


@pytest.fixture
def deputy(django_user_model, unit):
    user = django_user_model.objects.create_user(username="deputy", password="x")
    Membership.objects.create(user=user, unit=unit, role=Role.GROUP_LEADER)  # a delegate must review already
    return user


@st.composite
def delegation(draw, membership_id: int):
    data = {
        "membership": draw(st.sampled_from([str(membership_id), "0", "-1", "abc", "99999999999999999999"]) | scalar),
        "delegate": draw(st.sampled_from(["deputy", "bob", "nobody", " deputy "]) | scalar),
        "starts": draw(DATES),
        "ends": draw(DATES),
    }
    return draw(mutated(data, max_changes=2)) if draw(st.booleans()) else data


@budget.examples(fuzz=500, quick=16)
@given(st.data())
def test_a_delegation_form_never_fails_and_a_refused_one_creates_nothing(client, bob, unit, deputy, data):
    membership = Membership.objects.get(user=bob, unit=unit)
    submission = data.draw(delegation(membership.pk))
    client.force_login(bob)
    with rolled_back():
        before = rows(Delegation.objects.all())
        response = post(client, reverse("delegations"), submission, name="delegation")
        if response.status_code == 302:
            created = Delegation.objects.get()
            assert (created.delegator, created.delegate.username) == (bob, "deputy"), describe(submission)
            assert created.starts <= created.ends
        else:
            assert rows(Delegation.objects.all()) == before
