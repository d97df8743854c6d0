"""What the workflow's notifications send, that a mail server being down does not stop a transition, a region left
without review steps, 撤回 after a return and its refusals, a delegate's voided signature and the submitter as a
delegate, and whose 管理员 role reopens: behaviour that mutation testing (make mutation) showed no test would notice."""

import smtplib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from assessments.models import Assessment, AuditEvent, Notification, SignOff
from assessments.workflow import services as workflow
from tests.assessments.workflow.conftest import submit_and_sign_to
from tests.assessments.workflow.test_delegation_duties import WEEK
from units.models import Delegation, Membership, Role


class MailServerDown(BaseEmailBackend):
    """A mail server that cannot be reached: raises unless asked to fail silently, as Django's SMTP backend does."""

    def send_messages(self, email_messages):
        if not self.fail_silently:
            raise smtplib.SMTPServerDisconnected("connection refused")
        return 0


def test_the_email_carries_the_whole_message_and_the_link_to_the_review_tab(assessment, people):
    people["bob"].email = "bob@example.org"
    people["bob"].save()
    mail.outbox.clear()
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    [notification] = Notification.objects.filter(user=people["bob"])
    assert notification.message == f"{assessment} 已提交，等待您（评价组组长）签署。"
    [sent] = mail.outbox
    link = reverse("assessments:tab", args=[assessment.pk, "review"])
    assert sent.to == ["bob@example.org"]
    assert sent.subject == f"[perfeval 绩效自评] {notification.message}"
    assert sent.body == f"{notification.message}\n\n请登录 perfeval 查看：{link}"


def test_a_mail_server_that_is_down_does_not_stop_the_submission(assessment, people, settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.MailServerDown"}}
    mail.outbox.clear()
    people["bob"].email = "bob@example.org"
    people["bob"].save()
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step) == (Assessment.Status.IN_REVIEW, "group_leader")
    assert Notification.objects.filter(user=people["bob"], assessment=assessment).count() == 1
    assert list(AuditEvent.objects.filter(assessment=assessment).values_list("action", flat=True)) == ["submit"]
    assert mail.outbox == []  # the failing server was the one used


def test_the_failing_server_raises_unless_told_to_fail_silently(settings):
    """The test above is only worth something if this backend does fail when a caller does not ask for silence."""
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.MailServerDown"}}
    with pytest.raises(smtplib.SMTPServerDisconnected):
        mail.send_mail("s", "m", None, ["x@example.org"])


@pytest.mark.parametrize("steps", [[], ["unknown"], ["supervisor"]])
def test_a_region_without_review_steps_for_the_unit_refuses_the_submission(assessment, people, region, unit, steps):
    """["supervisor"] alone leaves no step for a unit without a supervising department."""
    region.review_steps = steps
    region.save()
    unit.parent = None
    unit.save()
    with pytest.raises(ValidationError) as refused:
        workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assert refused.value.messages == [workflow.NO_STEPS]
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step) == (Assessment.Status.DRAFT, "")
    assert not AuditEvent.objects.filter(assessment=assessment, action="submit").exists()


# --- 撤回 after a return, and its refusals ---------------------------------------------------------------------------


def test_a_resubmission_returned_to_the_preparer_may_be_withdrawn_until_a_reviewer_acts_again(assessment, people):
    """A return and the signatures before it belong to the earlier submission: after resubmitting, the preparer
    may take the assessment back until the first reviewer acts on the new one."""
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    workflow.assessment_sign(assessment=assessment, user=people["bob"], opinion="同意")
    workflow.assessment_return(assessment=assessment, user=people["hank"], reason="请补充佐证资料")
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assessment.refresh_from_db()
    assert workflow.allowed_actions(people["alice"], assessment).withdraw
    workflow.assessment_withdraw(assessment=assessment, user=people["alice"])
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.DRAFT


@pytest.mark.parametrize(("returned", "label"), [(False, "草稿"), (True, "已退回")])
def test_withdrawing_what_is_not_in_review_names_its_status(assessment, people, returned, label):
    Assessment.objects.filter(pk=assessment.pk).update(returned=returned)
    assessment.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        workflow.assessment_withdraw(assessment=assessment, user=people["alice"])
    assert refused.value.messages == [f"只有审签中的自评可以撤回，这份自评当前状态为“{label}”。"]


def test_withdrawing_after_the_regions_steps_were_all_removed_is_refused_in_chinese(assessment, people, region):
    """The region's steps are edited in the admin: with none left there is no first reviewer to name, and the
    refusal names 审签人 rather than failing."""
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    region.review_steps = []
    region.save()
    assessment = Assessment.objects.get(pk=assessment.pk)
    with pytest.raises(ValidationError) as refused:
        workflow.assessment_withdraw(assessment=assessment, user=people["alice"])
    assert refused.value.messages == [workflow.WITHDRAW_ACTED.format(step="审签人")]
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step) == (Assessment.Status.IN_REVIEW, "group_leader")


# --- separation of duties counts the signatures in force -------------------------------------------------------------


def test_a_delegate_whose_signature_on_another_step_was_voided_may_sign(assessment, people, unit, django_user_model):
    """bob signed as 评价组组长; the step was returned to, voiding it, and another 组长 signed instead. bob signed
    no step of the assessment as it stands, so he may sign 单位负责人 on hank's behalf."""
    gina = django_user_model.objects.create_user(username="gina", first_name="葛组长", password="x")
    Membership.objects.create(user=gina, unit=unit, role=Role.GROUP_LEADER)
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    workflow.assessment_sign(assessment=assessment, user=people["bob"], opinion="同意")
    workflow.assessment_return(assessment=assessment, user=people["hank"], reason="请复核", to_step="group_leader")
    workflow.assessment_sign(assessment=assessment, user=gina, opinion="同意")
    Delegation.objects.create(delegator=people["hank"], delegate=people["bob"], unit=unit, role=Role.UNIT_HEAD, **WEEK)
    assessment.refresh_from_db()
    assert workflow.allowed_actions(people["bob"], assessment).act
    workflow.assessment_sign(assessment=assessment, user=people["bob"], opinion="代为同意")
    signed = SignOff.objects.get(assessment=assessment, step="unit_head", voided_at=None)
    assert (signed.signer, signed.on_behalf_of) == (people["bob"], people["hank"])


def test_the_submitter_never_signs_as_a_delegate_after_moving_to_a_reviewing_role(assessment, people, department):
    """alice submitted as 填表人, then moved to the 主管部门 as its reviewer, and hank delegated 单位负责人 to her: the
    delegation itself is in order (she no longer fills anything in), but she may not sign what she submitted."""
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    Membership.objects.filter(user=people["alice"]).delete()
    Membership.objects.create(user=people["alice"], unit=department, role=Role.SUPERVISOR)
    workflow.delegation_create(
        delegator=people["hank"], delegate=people["alice"], unit=assessment.unit, role=Role.UNIT_HEAD, **WEEK
    )
    workflow.assessment_sign(assessment=assessment, user=people["bob"], opinion="同意")
    assessment.refresh_from_db()
    assert assessment.current_step == "unit_head"
    assert not workflow.allowed_actions(people["alice"], assessment).act
    with pytest.raises(PermissionDenied) as refused:
        workflow.assessment_sign(assessment=assessment, user=people["alice"], opinion="同意")
    assert str(refused.value) == workflow.NOT_YOUR_STEP.format(step="单位负责人审签", role="单位负责人")
    assert not SignOff.objects.filter(assessment=assessment, signer=people["alice"]).exists()


# --- reopening is for the unit's own 管理员 --------------------------------------------------------------------------


def test_an_administrator_of_another_unit_may_not_reopen(assessment, people, other_unit, django_user_model):
    """管理员 of 乙单位 only: 甲单位's final assessment is not theirs to reopen (the unit's own 管理员 may)."""
    assessment = submit_and_sign_to(assessment, people, "none")
    olga = django_user_model.objects.create_user(username="olga", first_name="欧管理员", password="x")
    Membership.objects.create(user=olga, unit=other_unit, role=Role.ADMIN)
    assert not workflow.allowed_actions(olga, assessment).reopen
    with pytest.raises(PermissionDenied) as refused:
        workflow.assessment_reopen(assessment=assessment, user=olga, reason="更正")
    assert str(refused.value) == workflow.ADMIN_ONLY
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.FINAL
    workflow.assessment_reopen(assessment=assessment, user=people["ada"], reason="更正")
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.DRAFT


# --- the region's steps edited while an assessment is in review ------------------------------------------------------


def test_a_step_dropped_from_the_region_during_review_is_signed_and_the_review_goes_on(assessment, people, region):
    workflow.assessment_submit(assessment=assessment, user=people["alice"])  # waiting for 评价组组长
    region.review_steps = ["unit_head", "supervisor", "finance"]
    region.save()
    assessment = Assessment.objects.get(pk=assessment.pk)
    workflow.assessment_sign(assessment=assessment, user=people["bob"], opinion="同意")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step) == (Assessment.Status.IN_REVIEW, "unit_head")


def test_a_step_dropped_from_the_region_during_review_may_return_but_only_backwards(assessment, people, region):
    submit_and_sign_to(assessment, people, "supervisor")  # 组长 and 负责人 signed, waiting for 主管部门
    region.review_steps = ["group_leader", "unit_head", "finance"]
    region.save()
    assessment = Assessment.objects.get(pk=assessment.pk)
    with pytest.raises(ValidationError) as refused:
        workflow.assessment_return(assessment=assessment, user=people["dave"], reason="请复核", to_step="finance")
    assert refused.value.messages == [workflow.BAD_RETURN_STEP]
    workflow.assessment_return(assessment=assessment, user=people["dave"], reason="请复核", to_step="unit_head")
    assessment.refresh_from_db()
    assert assessment.current_step == "unit_head"
    assert list(SignOff.objects.filter(assessment=assessment, voided_at=None).values_list("step", flat=True)) == [
        "group_leader"
    ]
