"""提交前检查 and 撤回: the checklist lists what is incomplete by kind, errors block, the rest must be confirmed as
listed; the preparer withdraws while the first reviewer has not acted, and every refusal says why."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments.explanations import explanations_save, finding_key
from assessments.models import Assessment, AuditEvent, EvaluationMember, FindingExplanation, Notification, SignOff
from assessments.selectors import assessment_data
from assessments.workflow import services as workflow
from assessments.workflow.checklist import submit_checklist


def checklist_of(assessment):
    data = assessment_data(assessment)
    return submit_checklist(data, data.scored())


def groups(checklist) -> dict[str, list[str]]:
    return {group.key: [item.message for item in group.items] for group in checklist.groups}


def over_budget(assessment):
    facts = assessment.facts
    facts.procurement_budget, facts.procurement_actual = Decimal("96"), Decimal("120")
    facts.save()


def test_the_checklist_lists_missing_members_and_unexplained_hints(assessment):
    over_budget(assessment)
    listed = groups(checklist_of(assessment))
    assert listed["members"] == ["尚未填写评价人员名单"]
    assert any("政府采购决算数 120.00 超过预算数 96.00" in message for message in listed["hints"])
    assert listed["errors"] == []


def test_an_explained_hint_and_a_listed_member_leave_the_checklist(assessment, alice):
    over_budget(assessment)
    scored = assessment_data(assessment).scored()
    hint = next(f for f in scored.findings if f.code == "procurement_over_budget")
    explanations_save(
        assessment=assessment,
        user=alice,
        posted={finding_key(hint): ("", "年中追加设备采购")},
        findings=scored.findings,
    )
    EvaluationMember.objects.create(assessment=assessment, name="张三")
    listed = groups(checklist_of(assessment))
    assert listed["members"] == []
    assert not any("政府采购" in message for message in listed["hints"])


def test_missing_inputs_are_listed_by_tab_with_a_link_to_the_field(assessment):
    facts = assessment.facts
    facts.spending_actual = None
    facts.save()
    checklist = checklist_of(assessment)
    missing = next(group for group in checklist.groups if group.key == "missing")
    item = next(item for item in missing.items if "全年执行数" in item.message)
    assert item.message.startswith("【")
    assert "spending_actual" in item.link and "（spending_actual）" not in item.message


def test_submit_with_a_stale_confirmation_is_refused(assessment, people):
    over_budget(assessment)
    confirmed = checklist_of(assessment).fingerprint
    assert confirmed
    EvaluationMember.objects.create(assessment=assessment, name="张三")  # the list changes after confirming
    with pytest.raises(ValidationError, match="提交前检查的结果在您确认后有变化"):
        workflow.assessment_submit(assessment=assessment, user=people["alice"], confirmed=confirmed)
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"


def test_submit_without_confirming_the_open_items_is_refused(assessment, people):
    over_budget(assessment)
    with pytest.raises(ValidationError, match="请重新查看并确认"):
        workflow.assessment_submit(assessment=assessment, user=people["alice"], confirmed="")


def test_submit_with_the_confirmed_checklist_goes_to_the_first_step(assessment, people):
    over_budget(assessment)
    confirmed = checklist_of(assessment).fingerprint
    workflow.assessment_submit(assessment=assessment, user=people["alice"], confirmed=confirmed)
    assert Assessment.objects.get(pk=assessment.pk).current_step == "group_leader"


def test_the_checklist_page_blocks_errors_and_names_what_happens_next(client, assessment, people):
    client.force_login(people["alice"])
    url = reverse("assessments:submit", args=[assessment.pk])
    page = client.get(url).content.decode()
    assert "确认提交" in page and "评价组组长签署" in page and "撤回" in page
    facts = assessment.facts
    facts.reception_actual = Decimal("1.00")
    facts.save()
    institution = assessment.institutions.get()
    institution.reception_actual = Decimal("2.00")
    institution.save()
    page = client.get(url).content.decode()
    assert 'id="checklist-blocked"' in page and "确认提交" not in page


def test_the_checklist_page_refuses_a_post_without_the_tick(client, assessment, people):
    over_budget(assessment)
    client.force_login(people["alice"])
    url = reverse("assessments:submit", args=[assessment.pk])
    client.post(url, {"confirmed": checklist_of(assessment).fingerprint})
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"
    client.post(url, {"confirmed": checklist_of(assessment).fingerprint, "acknowledge": "yes"})
    assert Assessment.objects.get(pk=assessment.pk).status == "in_review"


# --- 撤回 ---------------------------------------------------------------------------------------------------------


def test_the_preparer_withdraws_before_the_first_reviewer_acts(assessment, people):
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assessment.refresh_from_db()
    assert workflow.allowed_actions(people["alice"], assessment).withdraw
    workflow.assessment_withdraw(assessment=assessment, user=people["alice"])
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step, assessment.returned) == ("draft", "", False)
    event = AuditEvent.objects.filter(assessment=assessment).latest("pk")
    assert (event.action, event.action_label, event.detail, event.user) == (
        "withdraw",
        "撤回",
        "撤回前等待评价组组长签署",
        people["alice"],
    )
    assert [n.message for n in Notification.objects.filter(user=people["bob"]).order_by("pk")] == [
        f"{assessment} 已提交，等待您（评价组组长）签署。",
        f"{assessment} 已由填表人撤回，暂不需要您评价组组长签署。",
    ]


def test_withdraw_is_refused_once_the_first_reviewer_signed(assessment, people):
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assessment.refresh_from_db()
    workflow.assessment_sign(assessment=assessment, user=people["bob"], opinion="同意")
    assessment.refresh_from_db()
    assert not workflow.allowed_actions(people["alice"], assessment).withdraw
    with pytest.raises(ValidationError, match=r"评价组组长签署已办理，不能再撤回"):
        workflow.assessment_withdraw(assessment=assessment, user=people["alice"])


def test_withdraw_is_refused_after_a_return_to_the_first_step(assessment, people):
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assessment.refresh_from_db()
    workflow.assessment_sign(assessment=assessment, user=people["bob"], opinion="同意")
    assessment.refresh_from_db()
    workflow.assessment_return(assessment=assessment, user=people["hank"], reason="请组长复核", to_step="group_leader")
    assessment.refresh_from_db()
    assert assessment.current_step == "group_leader"
    with pytest.raises(ValidationError, match="不能再撤回"):
        workflow.assessment_withdraw(assessment=assessment, user=people["alice"])


def test_a_return_without_a_signature_still_ends_the_withdrawal(assessment, people, region):
    """Submitted while the region's steps began with 单位负责人; 评价组组长 was put back in front during the review, and
    the 单位负责人 returned the assessment to it without signing anything. The return is a reviewer's act on this
    submission: although the assessment now waits at the first step, the preparer may no longer take it back."""
    region.review_steps = ["unit_head", "supervisor", "finance"]
    region.save()
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    region.review_steps = ["group_leader", "unit_head", "supervisor", "finance"]
    region.save()
    assessment = Assessment.objects.get(pk=assessment.pk)
    assert assessment.current_step == "unit_head"
    workflow.assessment_return(
        assessment=assessment, user=people["hank"], reason="请组长先签署", to_step="group_leader"
    )
    assessment = Assessment.objects.get(pk=assessment.pk)
    assert (assessment.status, assessment.current_step) == ("in_review", "group_leader")
    assert not workflow.allowed_actions(people["alice"], assessment).withdraw
    with pytest.raises(ValidationError) as refused:
        workflow.assessment_withdraw(assessment=assessment, user=people["alice"])
    # The 单位负责人 returned it; the 评价组组长 has done nothing yet.
    assert refused.value.messages == ["单位负责人审签已办理，不能再撤回；如需修改，请由当前审签人退回。"]
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step) == ("in_review", "group_leader")
    assert [e.action for e in AuditEvent.objects.filter(assessment=assessment).order_by("pk")] == ["submit", "return"]


def test_a_signature_still_ends_the_withdrawal_after_its_step_was_removed_from_the_regions_steps(
    assessment, people, region
):
    """评价组组长 signed; the region's steps were then edited to begin with 单位负责人, where the assessment waits. Nobody
    acted on the first step as it now stands, but a reviewer signed this submission: withdrawing would take the
    assessment back to draft with that signature still in force."""
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    workflow.assessment_sign(assessment=Assessment.objects.get(pk=assessment.pk), user=people["bob"], opinion="同意")
    region.review_steps = ["unit_head", "supervisor", "finance"]
    region.save()
    assessment = Assessment.objects.get(pk=assessment.pk)
    assert not workflow.allowed_actions(people["alice"], assessment).withdraw
    with pytest.raises(ValidationError) as refused:
        workflow.assessment_withdraw(assessment=assessment, user=people["alice"])
    # The signature is named, at the step it was given, though that step is no longer the region's.
    assert refused.value.messages == ["评价组组长签署已办理，不能再撤回；如需修改，请由当前审签人退回。"]
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step) == ("in_review", "unit_head")
    assert [(s.step, s.signer, s.voided_at) for s in SignOff.objects.filter(assessment=assessment)] == [
        ("group_leader", people["bob"], None)
    ]
    assert [e.action for e in AuditEvent.objects.filter(assessment=assessment).order_by("pk")] == ["submit", "sign"]


def test_a_draft_cannot_be_withdrawn(assessment, people):
    with pytest.raises(ValidationError, match="只有审签中的自评可以撤回"):
        workflow.assessment_withdraw(assessment=assessment, user=people["alice"])


@pytest.mark.parametrize("who", ["bob", "hank", "dave", "fiona"])
def test_only_a_writer_may_withdraw(assessment, people, who):
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assessment.refresh_from_db()
    with pytest.raises(PermissionDenied, match="只有本单位的填表人可以撤回"):
        workflow.assessment_withdraw(assessment=assessment, user=people[who])
    assert Assessment.objects.get(pk=assessment.pk).status == "in_review"


def test_the_withdraw_view_puts_it_back_to_draft(client, assessment, people):
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    client.force_login(people["alice"])
    review = client.get(reverse("assessments:tab", args=[assessment.pk, "review"])).content.decode()
    assert 'id="withdraw"' in review and "data-confirm" in review
    client.post(reverse("assessments:withdraw", args=[assessment.pk]))
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"


# --- 提示及说明 ------------------------------------------------------------------------------------------------------


def test_an_explanation_is_kept_across_edits_of_the_figures_and_audited(assessment, alice):
    over_budget(assessment)
    scored = assessment_data(assessment).scored()
    hint = next(f for f in scored.findings if f.code == "procurement_over_budget")
    count, refusals = explanations_save(
        assessment=assessment, user=alice, posted={finding_key(hint): ("", "追加采购")}, findings=scored.findings
    )
    assert (count, refusals) == (1, [])
    facts = assessment.facts
    facts.procurement_actual = Decimal("130")
    facts.save()
    again = assessment_data(assessment).scored()
    moved = next(f for f in again.findings if f.code == "procurement_over_budget")
    assert finding_key(moved) == finding_key(hint) and moved.message != hint.message
    assert FindingExplanation.objects.get(assessment=assessment).text == "追加采购"
    change = AuditEvent.objects.get(assessment=assessment, action="explain").changes[0]
    assert change["old"] == "（空）" and change["new"] == "追加采购"
    assert change["where"].startswith("提示说明·政府采购决算数")


def test_an_explanation_changed_meanwhile_is_not_overwritten(assessment, alice):
    over_budget(assessment)
    scored = assessment_data(assessment).scored()
    key = finding_key(next(f for f in scored.findings if f.code == "procurement_over_budget"))
    explanations_save(assessment=assessment, user=alice, posted={key: ("", "甲")}, findings=scored.findings)
    count, refusals = explanations_save(
        assessment=assessment, user=alice, posted={key: ("", "乙")}, findings=scored.findings
    )
    assert count == 0 and "已被他人修改为“甲”" in refusals[0]
    assert FindingExplanation.objects.get(assessment=assessment).text == "甲"


def test_explanations_are_refused_outside_a_draft_and_for_readers(assessment, people):
    over_budget(assessment)
    scored = assessment_data(assessment).scored()
    key = finding_key(next(f for f in scored.findings if f.code == "procurement_over_budget"))
    with pytest.raises(PermissionDenied):
        explanations_save(assessment=assessment, user=people["bob"], posted={key: ("", "x")}, findings=scored.findings)
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    with pytest.raises(ValidationError, match="只有草稿可以填写提示说明"):
        explanations_save(
            assessment=assessment, user=people["alice"], posted={key: ("", "x")}, findings=scored.findings
        )


def test_a_rescoring_at_the_only_step_ends_the_withdrawal_and_is_named(assessment, people, region):
    """A region whose one step is 财政部门归口业务科室: its re-scoring is the reviewer's act the refusal names."""
    assessment.facts.budget_full_year, assessment.facts.spending_actual = Decimal("100"), Decimal("95")
    assessment.facts.save()
    region.review_steps = ["finance"]
    region.save()
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assessment = Assessment.objects.get(pk=assessment.pk)
    assert workflow.allowed_actions(people["alice"], assessment).withdraw
    workflow.assessment_rescore(
        assessment=assessment, user=people["fiona"], indicator_key="budget_execution", score=Decimal("9"), reason="抽查"
    )
    assessment = Assessment.objects.get(pk=assessment.pk)
    assert not workflow.allowed_actions(people["alice"], assessment).withdraw
    with pytest.raises(ValidationError) as refused:
        workflow.assessment_withdraw(assessment=assessment, user=people["alice"])
    assert refused.value.messages == ["抽查复核已办理，不能再撤回；如需修改，请由当前审签人退回。"]
