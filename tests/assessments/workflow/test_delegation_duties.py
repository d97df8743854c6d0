"""Separation of duties in delegations: a delegate reviews in the unit or its 主管部门 already and never fills it in;
they never sign an assessment they submitted, nor two steps of one assessment. Refused by the service, by the admin
form (the model's clean) and again at signing for a delegation written past both."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.workflow import services as workflow
from tests.assessments.workflow.conftest import submit_and_sign_to
from units.models import (
    DELEGATE_NOT_REVIEWER,
    DELEGATE_WRITES,
    ENDS_BEFORE_START,
    NOT_TO_SELF,
    Delegation,
    Membership,
    Role,
)

TODAY = datetime.date.today()
WEEK = {"starts": TODAY - datetime.timedelta(days=1), "ends": TODAY + datetime.timedelta(days=6)}


def _delegate(people, unit, delegate, role=Role.UNIT_HEAD, **dates):
    return workflow.delegation_create(
        delegator=people["hank"], delegate=delegate, unit=unit, role=role, **{**WEEK, **dates}
    )


@pytest.mark.parametrize(
    ("who", "message"),
    [("alice", DELEGATE_WRITES), ("ada", DELEGATE_WRITES), ("charlie", DELEGATE_NOT_REVIEWER), ("hank", NOT_TO_SELF)],
)
def test_a_delegate_who_fills_in_the_unit_or_does_not_review_there_is_refused(people, unit, charlie, who, message):
    people = {**people, "charlie": charlie}  # charlie reviews in another unit
    Membership.objects.create(user=charlie, unit=charlie.memberships.first().unit, role=Role.GROUP_LEADER)
    with pytest.raises(ValidationError, match=message):
        _delegate(people, unit, people[who])
    assert not Delegation.objects.exists()


def test_a_user_without_any_role_is_refused(people, unit, django_user_model):
    nobody = django_user_model.objects.create_user(username="nobody")
    with pytest.raises(ValidationError, match=DELEGATE_NOT_REVIEWER):
        _delegate(people, unit, nobody)


def test_the_dates_must_run_forward_and_only_ones_own_role_is_delegated(people, unit):
    with pytest.raises(ValidationError, match=ENDS_BEFORE_START):
        _delegate(people, unit, people["fiona"], starts=TODAY, ends=TODAY - datetime.timedelta(days=1))
    with pytest.raises(PermissionDenied, match=workflow.NOT_YOUR_ROLE):
        _delegate(people, unit, people["fiona"], role=Role.FINANCE)


def test_a_reviewer_of_the_unit_or_of_its_department_is_accepted(people, unit):
    assert _delegate(people, unit, people["fiona"]).delegate == people["fiona"]
    assert _delegate(people, unit, people["dave"]).delegate == people["dave"]  # dave reviews at the 主管部门


def test_the_admin_form_refuses_what_the_service_refuses(people, unit):
    delegation = Delegation(delegator=people["hank"], delegate=people["alice"], unit=unit, role=Role.UNIT_HEAD, **WEEK)
    with pytest.raises(ValidationError, match=DELEGATE_WRITES):
        delegation.full_clean()


def test_the_submitter_never_signs_through_a_delegation_written_past_the_checks(assessment, people, unit):
    assessment = submit_and_sign_to(assessment, people, "unit_head")
    Delegation.objects.create(
        delegator=people["hank"], delegate=people["alice"], unit=unit, role=Role.UNIT_HEAD, **WEEK
    )
    with pytest.raises(PermissionDenied):
        workflow.assessment_sign(assessment=assessment, user=people["alice"], opinion="同意")


def test_a_delegate_never_signs_two_steps_of_one_assessment(assessment, people, unit):
    assessment = submit_and_sign_to(assessment, people, "unit_head")  # bob signed as 评价组组长
    Delegation.objects.create(delegator=people["hank"], delegate=people["bob"], unit=unit, role=Role.UNIT_HEAD, **WEEK)
    assert not workflow.allowed_actions(people["bob"], assessment).act
    with pytest.raises(PermissionDenied):
        workflow.assessment_sign(assessment=assessment, user=people["bob"], opinion="同意")
    workflow.assessment_sign(assessment=assessment, user=people["hank"], opinion="同意")  # the holder still signs
