"""Every audit event a transition writes, every refusal of the workflow services, and what a reopening voids."""

import datetime
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.models import (
    Assessment,
    AuditEvent,
    NarrativeSection,
    Notification,
    RectificationItem,
    ReScore,
    SignOff,
    Snapshot,
)
from assessments.workflow import services as workflow
from units.models import Delegation, Membership, Region, Role, Unit

CHAIN = [("group_leader", "bob"), ("unit_head", "hank"), ("supervisor", "dave"), ("finance", "fiona")]


@contextmanager
def refused(kind, message):
    """The call is refused with exactly this message."""
    with pytest.raises(kind) as caught:
        yield
    shown = caught.value.messages if isinstance(caught.value, ValidationError) else [str(caught.value)]
    assert shown == [message]


@pytest.fixture
def people(django_user_model, unit, alice, bob, dave):
    """alice 填表人, bob 评价组组长, hank 单位负责人, dave 主管部门, fiona 财政, ada 管理员 (all with names)."""

    def member(username, name, role):
        user = django_user_model.objects.create_user(
            username=username, first_name=name, password="x", email=f"{username}@example.org"
        )
        Membership.objects.create(user=user, unit=unit, role=role)
        return user

    return {
        "alice": alice,
        "bob": bob,
        "hank": member("hank", "韩负责人", Role.UNIT_HEAD),
        "dave": dave,
        "fiona": member("fiona", "傅科长", Role.FINANCE),
        "ada": member("ada", "安管理员", Role.ADMIN),
    }


def sign_to(assessment, people, step):
    """Submit, then sign every step before ``step`` ("none": the whole chain, to final)."""
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    for code, who in CHAIN:
        assessment.refresh_from_db()
        if code == step:
            return assessment
        workflow.assessment_sign(assessment=assessment, user=people[who], opinion=f" {who} 同意 ")
    assessment.refresh_from_db()
    return assessment


def events(assessment):
    return list(AuditEvent.objects.filter(assessment=assessment).order_by("pk"))


# --- audit events -----------------------------------------------------------------------------------------------


def test_submitting_and_signing_write_their_audit_events(assessment, people):
    sign_to(assessment, people, "unit_head")
    submitted, signed = events(assessment)
    assert (submitted.action, submitted.action_label, submitted.user, submitted.detail) == (
        "submit",
        "提交",
        people["alice"],
        "",
    )
    assert (signed.action, signed.action_label, signed.detail, signed.user, signed.user_name) == (
        "sign",
        "评价组组长签署：签署",
        "bob 同意",
        people["bob"],
        "bob",
    )
    assert submitted.snapshot is None and signed.snapshot is None and signed.changes == []


def test_the_last_signature_finalises_and_both_are_audited(assessment, people):
    assessment = sign_to(assessment, people, "none")
    *_, last_sign, finalised = events(assessment)
    snapshot = Snapshot.objects.get(assessment=assessment)
    assert (last_sign.action, last_sign.action_label, last_sign.detail) == (
        "sign",
        "财政归口业务科室审核：签署",
        "fiona 同意",
    )
    assert (finalised.action, finalised.action_label, finalised.user, finalised.user_name) == (
        "finalise",
        "定稿",
        people["fiona"],
        "傅科长",
    )
    assert finalised.detail == f"SHA-256：{snapshot.sha256}"
    assert (assessment.status, assessment.current_step) == ("final", "")
    assert snapshot.created_by == people["fiona"]
    signoffs = snapshot.data["signoffs"]
    assert [(s["step"], s["role"], s["signer"], s["opinion"]) for s in signoffs] == [
        ("group_leader", "评价组组长", "bob", "bob 同意"),
        ("unit_head", "单位负责人", "韩负责人", "hank 同意"),
        ("supervisor", "主管部门审核人", "dave", "dave 同意"),
        ("finance", "财政归口业务科室审核人", "傅科长", "fiona 同意"),
    ]
    assert all(s["signed_at"] for s in signoffs)


def test_the_final_snapshot_keeps_the_rescore_made_at_the_finance_step(assessment, people):
    assessment.facts.budget_full_year, assessment.facts.spending_actual = Decimal("100"), Decimal("95")
    assessment.facts.save()
    assessment = sign_to(assessment, people, "finance")
    rescore = workflow.assessment_rescore(
        assessment=assessment,
        user=people["fiona"],
        indicator_key="budget_execution",
        score=Decimal("8.5"),
        reason="抽查",
    )
    workflow.assessment_sign(assessment=assessment, user=people["fiona"], opinion="同意")
    snapshot = Snapshot.objects.get(assessment=assessment)
    assert snapshot.data["rescores"] == [
        {
            "indicator": "budget_execution",
            "name": "预算执行率",
            "self_score": "9.50",
            "score": "8.50",
            "reason": "抽查",
            "reviewer": "傅科长",
            "at": rescore.created_at.isoformat(),
        }
    ]


def test_finalising_lists_the_reports_problems_for_follow_up_in_the_final_signers_name(assessment, people):
    """The items are listed as part of the finalisation: their audit event is the final signer's, after 定稿."""
    NarrativeSection.objects.update_or_create(
        assessment=assessment, key="problems", defaults={"body": "一是台账不全；二是指标不够量化。"}
    )
    NarrativeSection.objects.update_or_create(
        assessment=assessment, key="improvements", defaults={"body": "（1）完善台账。\n（2）细化量化指标。"}
    )
    assessment = sign_to(assessment, people, "none")
    *_, finalised, listed = events(assessment)
    assert finalised.action == "finalise"
    assert (listed.action, listed.action_label, listed.user, listed.user_name, listed.detail) == (
        "rectify",
        "按定稿报告列出整改事项 2 项",
        people["fiona"],
        "傅科长",
        "",
    )
    assert listed.changes == [
        {"where": "整改事项「台账不全」", "old": "（无此项）", "new": "列出"},
        {"where": "整改事项「指标不够量化」", "old": "（无此项）", "new": "列出"},
    ]
    items = RectificationItem.objects.filter(assessment=assessment).order_by("position")
    assert [(i.problem, i.measure) for i in items] == [("台账不全", "完善台账"), ("指标不够量化", "细化量化指标")]


def test_a_resubmission_is_audited_as_such(assessment, people):
    assessment = sign_to(assessment, people, "group_leader")
    workflow.assessment_return(assessment=assessment, user=people["bob"], reason=" 请补充 ")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step, assessment.returned) == ("draft", "", True)
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step, assessment.returned) == ("in_review", "group_leader", False)
    labels = [(e.action, e.action_label, e.detail) for e in events(assessment)]
    assert labels == [
        ("submit", "提交", ""),
        ("return", "评价组组长签署：退回至填表人", "请补充"),
        ("submit", "重新提交", ""),
    ]
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step, assessment.returned) == ("in_review", "group_leader", False)


def test_a_return_to_an_earlier_step_is_audited_with_the_data_and_notifies_that_step(assessment, people):
    assessment = sign_to(assessment, people, "supervisor")
    mail.outbox.clear()
    workflow.assessment_return(assessment=assessment, user=people["dave"], reason="请负责人重签", to_step="unit_head")
    event = events(assessment)[-1]
    assert (event.action, event.action_label, event.detail) == (
        "return",
        "主管部门审核：退回至单位负责人审签",
        "请负责人重签",
    )
    assert event.snapshot["year"] == 2022 and "score" not in event.snapshot
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step, assessment.returned) == ("in_review", "unit_head", False)
    notified = Notification.objects.filter(assessment=assessment, message__contains="请负责人重签")
    assert [n.user for n in notified] == [people["hank"]]
    assert "被退回，等待您（单位负责人）审签" in notified[0].message
    assert [m.to for m in mail.outbox] == [["hank@example.org"]]


def test_a_rescore_is_audited_with_both_scores(assessment, people):
    assessment.facts.budget_full_year, assessment.facts.spending_actual = Decimal("100"), Decimal("95")
    assessment.facts.save()
    assessment = sign_to(assessment, people, "finance")
    rescore = workflow.assessment_rescore(
        assessment=assessment,
        user=people["fiona"],
        indicator_key="budget_execution",
        score=Decimal("0"),
        reason=" 抽查 ",
    )
    assert (rescore.indicator_key, rescore.self_score, rescore.score, rescore.reason, rescore.reviewer) == (
        "budget_execution",
        Decimal("9.50"),
        Decimal("0"),
        "抽查",
        people["fiona"],
    )
    event = events(assessment)[-1]
    assert (event.action, event.action_label) == ("rescore", f"抽查复核：{rescore.indicator_name}")
    assert rescore.indicator_name == "预算执行率"
    assert event.detail == "自评 9.50 分，复核 0 分。抽查"


# --- reopening --------------------------------------------------------------------------------------------------


def test_reopening_voids_every_signature_so_the_next_final_snapshot_has_only_new_ones(assessment, people):
    assessment = sign_to(assessment, people, "none")
    workflow.assessment_reopen(assessment=assessment, user=people["ada"], reason=" 需要更正 ")
    assert not SignOff.objects.filter(assessment=assessment, voided_at=None).exists()
    assert SignOff.objects.filter(assessment=assessment).count() == 4
    event = events(assessment)[-1]
    assert (event.action, event.action_label, event.detail, event.user) == (
        "reopen",
        "管理员重新开启",
        "需要更正",
        people["ada"],
    )
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step, assessment.returned) == ("draft", "", True)
    assert Notification.objects.filter(
        user=people["alice"], message__contains="已由管理员重新开启。原因：需要更正"
    ).exists()
    assessment = sign_to(assessment, people, "none")
    latest = Snapshot.objects.filter(assessment=assessment).latest("pk")
    assert len(latest.data["signoffs"]) == 4
    assert SignOff.objects.filter(assessment=assessment).count() == 8


def test_reopening_leaves_signatures_voided_earlier_as_they_were(assessment, people):
    assessment = sign_to(assessment, people, "unit_head")
    workflow.assessment_return(assessment=assessment, user=people["hank"], reason="重签")
    first = SignOff.objects.get(assessment=assessment)
    assert first.voided_at is not None
    assessment = sign_to(assessment, people, "none")
    workflow.assessment_reopen(assessment=assessment, user=people["ada"], reason="更正")
    again = SignOff.objects.get(pk=first.pk)
    assert again.voided_at == first.voided_at  # voided by the return, not again by the reopening
    later = SignOff.objects.exclude(pk=first.pk)
    assert later.count() == 4 and all(s.voided_at > first.voided_at for s in later)


def test_a_superuser_reopens_too(assessment, people, django_user_model):
    assessment = sign_to(assessment, people, "none")
    root = django_user_model.objects.create_superuser(username="root", password="x")
    workflow.assessment_reopen(assessment=assessment, user=root, reason="更正")
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_reopening_refuses_what_is_not_final_and_a_missing_reason(assessment, people):
    with refused(ValidationError, "只有已定稿的自评可以重新开启。"):
        workflow.assessment_reopen(assessment=assessment, user=people["ada"], reason="更正")
    assessment = sign_to(assessment, people, "none")
    with refused(PermissionDenied, "只有管理员可以重新开启已定稿的自评。"):
        workflow.assessment_reopen(assessment=assessment, user=people["alice"], reason="更正")
    with refused(ValidationError, "重新开启必须填写原因。"):
        workflow.assessment_reopen(assessment=assessment, user=people["ada"], reason=" ")
    assert not AuditEvent.objects.filter(assessment=assessment, action="reopen").exists()


# --- refusals ---------------------------------------------------------------------------------------------------


def test_a_return_to_the_current_step_is_refused(assessment, people):
    assessment = sign_to(assessment, people, "unit_head")
    with refused(ValidationError, "只能退回到当前步骤之前的步骤。"):
        workflow.assessment_return(assessment=assessment, user=people["hank"], reason="x", to_step="unit_head")
    with refused(ValidationError, "只能退回到当前步骤之前的步骤。"):
        workflow.assessment_return(assessment=assessment, user=people["hank"], reason="x", to_step="nowhere")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step) == ("in_review", "unit_head")
    assert SignOff.objects.filter(assessment=assessment, voided_at=None).count() == 1


def test_a_return_to_the_first_step_voids_it_and_what_follows(assessment, people):
    assessment = sign_to(assessment, people, "supervisor")
    workflow.assessment_return(assessment=assessment, user=people["dave"], reason="重签", to_step="group_leader")
    assert not SignOff.objects.filter(assessment=assessment, voided_at=None).exists()
    assessment.refresh_from_db()
    assert assessment.current_step == "group_leader"


@pytest.mark.parametrize("state", ["draft", "final"])
def test_signing_or_returning_what_is_not_in_review_is_refused_in_chinese(assessment, people, state):
    if state == "final":
        assessment = sign_to(assessment, people, "none")
        expected = "这份自评当前状态为“已定稿”，没有等待审签的步骤。"
    else:
        expected = "这份自评当前状态为“草稿”，没有等待审签的步骤。"
    before = len(events(assessment))
    for who in ("bob", "fiona"):
        with refused(ValidationError, expected):
            workflow.assessment_sign(assessment=assessment, user=people[who], opinion="同意")
        with refused(ValidationError, expected):
            workflow.assessment_return(assessment=assessment, user=people[who], reason="不对")
    assert len(events(assessment)) == before


def test_a_returned_draft_is_labelled_as_returned_when_refused(assessment, people):
    assessment = sign_to(assessment, people, "group_leader")
    workflow.assessment_return(assessment=assessment, user=people["bob"], reason="补充")
    with refused(ValidationError, "这份自评当前状态为“已退回”，没有等待审签的步骤。"):
        workflow.assessment_sign(assessment=assessment, user=people["bob"], opinion="同意")
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    with refused(ValidationError, "只有草稿可以提交，这份自评当前状态为“待评价组组长签署”。"):
        workflow.assessment_submit(assessment=assessment, user=people["alice"])


def test_a_step_taken_by_the_wrong_person_is_refused_with_the_role_it_needs(assessment, people):
    assessment = sign_to(assessment, people, "unit_head")
    with refused(PermissionDenied, "当前步骤“单位负责人审签”应由单位负责人办理，您没有这个身份，也没有有效的委托。"):
        workflow.assessment_sign(assessment=assessment, user=people["bob"], opinion="同意")


def test_only_a_writer_submits(assessment, people):
    with refused(PermissionDenied, "只有本单位的填表人可以提交。"):
        workflow.assessment_submit(assessment=assessment, user=people["bob"])
    assert events(assessment) == []


def test_a_nul_character_is_refused_in_a_return_reason_and_a_reopening_reason(assessment, people):
    assessment = sign_to(assessment, people, "group_leader")
    with refused(ValidationError, workflow.NUL_CHARACTER.format(what="退回原因")):
        workflow.assessment_return(assessment=assessment, user=people["bob"], reason="原因\x00")
    assessment = sign_to_final_from(assessment, people, "group_leader")
    with refused(ValidationError, workflow.NUL_CHARACTER.format(what="原因")):
        workflow.assessment_reopen(assessment=assessment, user=people["ada"], reason="原因\x00")


@pytest.mark.parametrize("text", ["同意\x00", "\x00"])
def test_a_nul_character_is_refused_in_an_opinion(assessment, people, text):
    assessment = sign_to(assessment, people, "group_leader")
    with refused(ValidationError, workflow.NUL_CHARACTER.format(what="意见")):
        workflow.assessment_sign(assessment=assessment, user=people["bob"], opinion=text)
    assert not SignOff.objects.filter(assessment=assessment).exists()


def test_rescore_refusals(assessment, people):
    assessment = sign_to(assessment, people, "finance")
    key, weight = "budget_execution", Decimal("10")

    def rescore(user="fiona", indicator_key=key, score=Decimal("1"), reason="理由"):
        return workflow.assessment_rescore(
            assessment=assessment, user=people[user], indicator_key=indicator_key, score=score, reason=reason
        )

    with refused(PermissionDenied, workflow.RESCORE_STEP):
        rescore(user="hank")
    with refused(ValidationError, "复核必须填写理由。"):
        rescore(reason=" ")
    with refused(ValidationError, "没有这个指标，或它不能单独评分。"):
        rescore(indicator_key="no-such-indicator")
    with refused(ValidationError, "复核得分应为数字。"):
        rescore(score=Decimal("NaN"))
    with refused(ValidationError, f"复核得分应在 0 至 {weight} 之间。"):
        rescore(score=weight + Decimal("0.01"))
    with refused(ValidationError, f"复核得分应在 0 至 {weight} 之间。"):
        rescore(score=Decimal("-0.01"))
    with refused(ValidationError, workflow.NUL_CHARACTER.format(what="复核理由")):
        rescore(reason="理由\x00")
    assert rescore(score=weight).score == weight
    assert ReScore.objects.count() == 1


def test_rescore_is_refused_once_final(assessment, people):
    assessment = sign_to(assessment, people, "none")
    with refused(ValidationError, workflow.RESCORE_STEP):
        workflow.assessment_rescore(
            assessment=assessment, user=people["fiona"], indicator_key="x", score=Decimal("1"), reason="r"
        )


# --- notifications ----------------------------------------------------------------------------------------------


def test_each_signature_notifies_the_next_step_and_the_final_one_the_whole_unit(assessment, people):
    assessment = sign_to(assessment, people, "unit_head")
    waiting = Notification.objects.filter(user=people["hank"], assessment=assessment)
    assert [n.message for n in waiting] == [f"{assessment} 已由bob（评价组组长）签署，等待您（单位负责人）审签。"]
    assessment = sign_to_final_from(assessment, people, "unit_head")
    final = Notification.objects.filter(assessment=assessment, message__contains="已定稿")
    assert {n.user.username for n in final} == {"alice", "bob", "hank", "dave", "fiona"}
    assert all(n.message == f"{assessment} 已定稿（傅科长签署）。" for n in final)


def sign_to_final_from(assessment, people, step):
    codes = [code for code, _ in CHAIN]
    for _code, who in CHAIN[codes.index(step) :]:
        assessment.refresh_from_db()
        workflow.assessment_sign(assessment=assessment, user=people[who], opinion="同意")
    assessment.refresh_from_db()
    return assessment


def test_a_delegate_holding_the_step_today_is_notified_and_signs_in_their_own_name(assessment, people, unit):
    deputy = type(people["alice"]).objects.create_user(username="deputy", first_name="代理人", password="x")
    Membership.objects.create(user=deputy, unit=unit, role=Role.FINANCE)  # a delegate reviews in the unit already
    today = datetime.date.today()
    Delegation.objects.create(
        delegator=people["hank"], delegate=deputy, unit=unit, role=Role.UNIT_HEAD, starts=today, ends=today
    )
    assessment = sign_to(assessment, people, "unit_head")
    assert Notification.objects.filter(user=deputy, assessment=assessment).count() == 1
    workflow.assessment_sign(assessment=assessment, user=deputy, opinion="同意")
    assert Notification.objects.filter(
        assessment=assessment, message__contains="已由代理人（代 韩负责人）（单位负责人）审签"
    ).exists()


# --- the steps ----------------------------------------------------------------------------------------------------


def test_a_region_without_a_supervisor_step_skips_it_and_the_order_is_the_regions(assessment, people, region):
    region.review_steps = ["finance", "group_leader", "unknown"]
    region.save()
    assessment.unit.refresh_from_db()
    assert [s.code for s in workflow.steps_for(assessment.unit)] == ["finance", "group_leader"]


def test_a_unit_under_a_non_department_parent_has_no_supervisor_step(region):
    parent = Unit.objects.create(code="P", name="上级单位", region=region)
    child = Unit.objects.create(code="C", name="下级单位", parent=parent, region=region)
    assert [s.code for s in workflow.steps_for(child)] == ["group_leader", "unit_head", "finance"]
    orphan = Unit.objects.create(code="O", name="无上级", region=region)
    assert [s.code for s in workflow.steps_for(orphan)] == ["group_leader", "unit_head", "finance"]


def test_status_labels(assessment, people):
    assert assessment.status_label == "草稿"
    assessment = sign_to(assessment, people, "supervisor")
    assert assessment.status_label == "待主管部门审核"
    assessment.current_step = "gone"  # a step the region no longer has: the plain status
    assert assessment.status_label == Assessment.Status.IN_REVIEW.label


# --- delegations --------------------------------------------------------------------------------------------------


@pytest.fixture
def deputy(django_user_model, unit):
    user = django_user_model.objects.create_user(username="deputy", password="x")
    Membership.objects.create(user=user, unit=unit, role=Role.GROUP_LEADER)  # a delegate must review there already
    return user


def test_delegation_is_refused_for_a_role_the_delegator_does_not_hold_there(people, deputy, unit, other_unit):
    today = datetime.date.today()
    for role, where in [(Role.UNIT_HEAD, unit), (Role.GROUP_LEADER, other_unit), (Role.PREPARER, unit)]:
        with refused(PermissionDenied, "只能委托您在该单位担任的审签角色。"):
            workflow.delegation_create(
                delegator=people["bob"] if role != Role.PREPARER else people["alice"],
                delegate=deputy,
                unit=where,
                role=role,
                starts=today,
                ends=today,
            )
    assert not Delegation.objects.exists()


def test_an_administrator_cannot_delegate_the_admin_role(people, deputy, unit):
    today = datetime.date.today()
    with refused(PermissionDenied, "只能委托您在该单位担任的审签角色。"):
        workflow.delegation_create(
            delegator=people["ada"], delegate=deputy, unit=unit, role=Role.ADMIN, starts=today, ends=today
        )


def test_delegation_to_oneself_is_refused(people, unit):
    today = datetime.date.today()
    with refused(ValidationError, "不能委托给自己。"):
        workflow.delegation_create(
            delegator=people["bob"], delegate=people["bob"], unit=unit, role=Role.GROUP_LEADER, starts=today, ends=today
        )
    assert not Delegation.objects.exists()


def test_delegation_ending_before_it_starts_is_refused(people, deputy, unit):
    today = datetime.date.today()
    with refused(ValidationError, "结束日期不能早于开始日期。"):
        workflow.delegation_create(
            delegator=people["bob"],
            delegate=deputy,
            unit=unit,
            role=Role.GROUP_LEADER,
            starts=today,
            ends=today - datetime.timedelta(days=1),
        )
    assert not Delegation.objects.exists()


def test_a_department_reviewer_delegates_for_a_unit_below_and_a_one_day_delegation_is_allowed(people, deputy, unit):
    today = datetime.date.today()
    delegation = workflow.delegation_create(
        delegator=people["dave"], delegate=deputy, unit=unit, role=Role.SUPERVISOR, starts=today, ends=today
    )
    assert (delegation.delegator, delegation.delegate, delegation.unit, delegation.role) == (
        people["dave"],
        deputy,
        unit,
        Role.SUPERVISOR,
    )
    assert (delegation.starts, delegation.ends) == (today, today)
    assert Delegation.objects.get() == delegation


def test_a_delegation_for_another_region_unit_gives_no_right(assessment, people, deputy, other_unit):
    """The delegation must be for the assessment's unit or a unit above it."""
    Membership.objects.create(user=people["hank"], unit=other_unit, role=Role.UNIT_HEAD)
    today = datetime.date.today()
    Delegation.objects.create(
        delegator=people["hank"], delegate=deputy, unit=other_unit, role=Role.UNIT_HEAD, starts=today, ends=today
    )
    assessment = sign_to(assessment, people, "unit_head")
    with pytest.raises(PermissionDenied):
        workflow.assessment_sign(assessment=assessment, user=deputy, opinion="同意")
    assert Region.objects.count() == 2
