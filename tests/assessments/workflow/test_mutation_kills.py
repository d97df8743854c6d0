"""What the workflow's notifications send, that a mail server being down does not stop a transition, a region left
without review steps, 撤回 after a return and its refusals, a delegate's voided signature and the submitter as a
delegate, whose 管理员 role reopens, what ends 撤回 (this assessment's acts, not a comment nor another assessment's
submission), and whom a delegation concerns: behaviour that mutation testing (make mutation) showed no test would
notice."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from assessments.models import STEPS, Assessment, AuditEvent, Notification, SignOff
from assessments.services import assessment_create
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


def test_a_long_message_is_cut_to_60_characters_in_the_subject_and_kept_whole_in_the_body(assessment, people):
    people["alice"].email = "alice@example.org"
    people["alice"].save()
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assessment.refresh_from_db()
    mail.outbox.clear()
    reason = "绩效目标表中产出指标的年度指标值与预算批复不一致，请按批复的目标重新填写并补充佐证资料后再提交"
    workflow.assessment_return(assessment=assessment, user=people["bob"], reason=reason)
    message = f"{assessment} 被退回修改。原因：{reason}"
    [sent] = mail.outbox
    assert sent.to == ["alice@example.org"]
    cut = "绩效目标表中产出指标的年度指标值与预算批复不一致，请按批复的目"  # 60 characters with what precedes it
    assert sent.subject == f"[perfeval 绩效自评] {assessment} 被退回修改。原因：{cut}"
    assert len(sent.subject.removeprefix("[perfeval 绩效自评] ")) == 60
    link = reverse("assessments:tab", args=[assessment.pk, "review"])
    assert sent.body == f"{message}\n\n请登录 perfeval 查看：{link}"


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


# --- what ends the preparer's 撤回: this assessment's reviewers signing, returning or re-scoring ---------------------


def test_another_assessments_submission_does_not_reopen_the_withdrawal(assessment, people):
    """甲单位 2022 was signed and returned to its first step (its reviewers have acted); 2023 is submitted after. The
    later submission is another assessment's: 2022 still may not be taken back."""
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    workflow.assessment_sign(assessment=assessment, user=people["bob"], opinion="同意")
    workflow.assessment_return(assessment=assessment, user=people["hank"], reason="请复核", to_step="group_leader")
    later = assessment_create(unit=assessment.unit, year=2023, user=people["alice"])
    workflow.assessment_submit(assessment=later, user=people["alice"])
    assessment = Assessment.objects.get(pk=assessment.pk)
    assert (assessment.status, assessment.current_step) == (Assessment.Status.IN_REVIEW, "group_leader")
    assert not workflow.allowed_actions(people["alice"], assessment).withdraw
    with pytest.raises(ValidationError) as refused:
        workflow.assessment_withdraw(assessment=assessment, user=people["alice"])
    assert refused.value.messages == [workflow.WITHDRAW_ACTED.format(step="评价组组长签署")]
    assert workflow.allowed_actions(people["alice"], Assessment.objects.get(pk=later.pk)).withdraw


def test_a_comment_of_the_first_reviewer_does_not_end_the_withdrawal(assessment, people):
    """A 批注 is written while reading, before acting: the preparer may still take the assessment back."""
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assessment = Assessment.objects.get(pk=assessment.pk)
    workflow.comment_add(
        assessment=assessment, user=people["bob"], target="indicator", key="budget_execution", text="请核实执行数"
    )
    assert workflow.allowed_actions(people["alice"], Assessment.objects.get(pk=assessment.pk)).withdraw
    workflow.assessment_withdraw(assessment=assessment, user=people["alice"])
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step) == (Assessment.Status.DRAFT, "")
    assert list(AuditEvent.objects.filter(assessment=assessment).order_by("pk").values_list("action", flat=True)) == [
        "submit",
        "comment",
        "withdraw",
    ]


# --- delegations are for one role, and bar a delegate by what they did on this assessment only -----------------------


def test_a_delegate_signs_although_they_signed_another_step_of_another_assessment(
    assessment, people, unit, django_user_model
):
    """bob signed 2022 as 评价组组长. On 2023, signed by another 组长, he may sign 单位负责人 for hank: separation of
    duties looks at the assessment being signed."""
    gina = django_user_model.objects.create_user(username="gina", first_name="葛组长", password="x")
    Membership.objects.create(user=gina, unit=unit, role=Role.GROUP_LEADER)
    submit_and_sign_to(assessment, people, "unit_head")  # bob signs 2022's first step
    later = assessment_create(unit=unit, year=2023, user=people["alice"])
    workflow.assessment_submit(assessment=later, user=people["alice"])
    workflow.assessment_sign(assessment=later, user=gina, opinion="同意")
    Delegation.objects.create(delegator=people["hank"], delegate=people["bob"], unit=unit, role=Role.UNIT_HEAD, **WEEK)
    later = Assessment.objects.get(pk=later.pk)
    allowed = workflow.allowed_actions(people["bob"], later)
    assert (allowed.act, allowed.on_behalf_of) == (True, people["hank"])
    workflow.assessment_sign(assessment=later, user=people["bob"], opinion="代为同意")
    signed = SignOff.objects.get(assessment=later, step="unit_head", voided_at=None)
    assert (signed.signer, signed.on_behalf_of, signed.signer_name) == (
        people["bob"],
        people["hank"],
        "bob 代 韩负责人",
    )


def test_a_delegation_of_one_role_gives_no_right_at_another_step(assessment, people, unit, django_user_model):
    """deputy holds hank's 单位负责人 delegation: at the 评价组组长 step it gives nothing."""
    deputy = django_user_model.objects.create_user(username="deputy", first_name="代理人", password="x")
    Membership.objects.create(user=deputy, unit=unit, role=Role.FINANCE)  # a delegate reviews in the unit already
    Delegation.objects.create(delegator=people["hank"], delegate=deputy, unit=unit, role=Role.UNIT_HEAD, **WEEK)
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assessment = Assessment.objects.get(pk=assessment.pk)
    assert workflow.allowed_actions(deputy, assessment) == workflow.Allowed()
    with pytest.raises(PermissionDenied) as refused:
        workflow.assessment_sign(assessment=assessment, user=deputy, opinion="同意")
    assert str(refused.value) == workflow.NOT_YOUR_STEP.format(step="评价组组长签署", role="评价组组长")
    assert not SignOff.objects.filter(assessment=assessment).exists()


def test_a_step_is_announced_to_its_holders_and_the_delegates_of_its_role_in_force_only(
    assessment, people, unit, django_user_model
):
    """Waiting for 评价组组长: bob holds the role, kim holds a delegation of it today. Not lee (a delegation of
    单位负责人), nor max (a delegation of 组长 that has ended)."""
    delegates = {}
    for username, name in (("kim", "金代理"), ("lee", "李代理"), ("max", "马代理")):
        delegates[username] = django_user_model.objects.create_user(username=username, first_name=name, password="x")
        Membership.objects.create(user=delegates[username], unit=unit, role=Role.FINANCE)
    Delegation.objects.create(
        delegator=people["bob"], delegate=delegates["kim"], unit=unit, role=Role.GROUP_LEADER, **WEEK
    )
    Delegation.objects.create(
        delegator=people["hank"], delegate=delegates["lee"], unit=unit, role=Role.UNIT_HEAD, **WEEK
    )
    ended = {"starts": WEEK["starts"] - datetime.timedelta(days=30), "ends": WEEK["starts"]}
    Delegation.objects.create(
        delegator=people["bob"], delegate=delegates["max"], unit=unit, role=Role.GROUP_LEADER, **ended
    )
    assert workflow.step_holders(assessment, STEPS["group_leader"]) == sorted(["bob", "金代理"])
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    notified = Notification.objects.filter(assessment=assessment).order_by("user__username")
    assert [(n.user.username, n.message) for n in notified] == [
        ("bob", f"{assessment} 已提交，等待您（评价组组长）签署。"),
        ("kim", f"{assessment} 已提交，等待您（评价组组长）签署。"),
    ]


# --- a project table's errors refuse the submission as the 自评表's do ----------------------------------------------


def test_a_project_block_over_its_cap_refuses_the_submission_quoting_the_error(assessment, people):
    from assessments.checks import project_checks
    from assessments.selectors import assessment_data
    from tests.assessments.projects.test_project_checks import satisfaction_row
    from tests.assessments.projects.test_projects import seed_001_project

    project = seed_001_project(assessment)
    satisfaction_row(project, 20, deviation_reason="调查样本偏少")  # 满意度指标 holds 10 points at most
    [error] = [e for checks in project_checks(assessment_data(assessment)) for e in checks.errors]
    assert error.message.startswith("“满意度指标”下各三级指标分值之和为 20，应为 10")
    with pytest.raises(ValidationError) as refused:
        workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assert refused.value.messages == [f"一致性检查还有 1 个错误，改正后才能提交：{error.message}"]
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step) == (Assessment.Status.DRAFT, "")
    assert not AuditEvent.objects.filter(assessment=assessment, action="submit").exists()
