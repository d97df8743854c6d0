"""批注: a reviewer comments on single indicators or findings while reading; the preparer sees each under its row after
the return and answers it; both are in the audit trail and in the resubmission's diff."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments.models import AuditEvent, IndicatorRow, ReviewComment
from assessments.selectors import assessment_data
from assessments.workflow import services as workflow
from tests.assessments.workflow.conftest import submit_and_sign_to


def unit_row(assessment) -> IndicatorRow:
    """A 数量指标 row the unit wrote; its score line's key is "row-<pk>"."""
    return IndicatorRow.objects.create(
        assessment=assessment, group_code="quantity", name="开展老干部活动", weight=5, position=1
    )


def test_a_comment_round_trip_reaches_the_row_the_trail_and_the_diff(client, assessment, people):
    row = unit_row(assessment)
    assessment = submit_and_sign_to(assessment, people, "group_leader")
    key = f"row-{row.pk}"
    client.force_login(people["bob"])
    review = client.get(reverse("assessments:tab", args=[assessment.pk, "review"])).content.decode()
    assert f'value="indicator:{key}"' in review
    client.post(
        reverse("assessments:comment", args=[assessment.pk]),
        {"target": f"indicator:{key}", "text": "目标值与预算不一致，请核实"},
    )
    comment = ReviewComment.objects.get(assessment=assessment)
    assert (comment.key, comment.label, comment.author) == (key, "开展老干部活动", people["bob"])
    workflow.assessment_return(assessment=assessment, user=people["bob"], reason="见批注")

    client.force_login(people["alice"])
    page = client.get(reverse("assessments:tab", args=[assessment.pk, "self-eval"])).content.decode()
    assert page.count('class="review-comment') == 1 and "目标值与预算不一致，请核实" in page
    # In place: the comment follows its indicator's row.
    assert page.index('class="comment-row"') > page.index("开展老干部活动")
    url = reverse("assessments:comment_answer", args=[assessment.pk, comment.pk])
    client.post(url, {"answer": "已按批复修改目标值", "back": "self-eval"})
    comment.refresh_from_db()
    assert comment.answer == "已按批复修改目标值" and comment.answered_by == people["alice"]
    actions = list(AuditEvent.objects.filter(assessment=assessment).values_list("action", "detail"))
    assert ("comment", "目标值与预算不一致，请核实") in actions and ("answer", "已按批复修改目标值") in actions

    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    client.force_login(people["bob"])
    review = client.get(reverse("assessments:tab", args=[assessment.pk, "review"])).content.decode()
    diff = review.split('id="return-diff"', 1)[1].split("</table>", 1)[0]
    assert "批注「" in diff and "已按批复修改目标值" in diff


def test_a_finding_can_be_commented_too(assessment, people):
    assessment = submit_and_sign_to(assessment, people, "group_leader")
    targets = workflow.comment_targets(assessment)
    findings = [key for target, key in targets if target == "finding"]
    if not findings:
        pytest.skip("the empty assessment raises no finding")
    comment = workflow.comment_add(
        assessment=assessment, user=people["bob"], target="finding", key=findings[0], text="请说明"
    )
    assert comment.target == "finding" and comment.label


def test_only_the_reviewer_at_the_step_comments_and_only_the_preparer_answers_after_a_return(assessment, people):
    row = unit_row(assessment)
    assessment = submit_and_sign_to(assessment, people, "group_leader")
    row.code = f"row-{row.pk}"
    with pytest.raises(PermissionDenied):
        workflow.comment_add(assessment=assessment, user=people["alice"], target="indicator", key=row.code, text="x")
    with pytest.raises(ValidationError):
        workflow.comment_add(assessment=assessment, user=people["bob"], target="indicator", key="nope", text="x")
    with pytest.raises(ValidationError):
        workflow.comment_add(assessment=assessment, user=people["bob"], target="indicator", key=row.code, text=" ")
    comment = workflow.comment_add(
        assessment=assessment, user=people["bob"], target="indicator", key=row.code, text="请核实"
    )
    with pytest.raises(ValidationError, match="退回修改后"):
        workflow.comment_answer(comment=comment, user=people["alice"], text="好")
    workflow.assessment_return(assessment=assessment, user=people["bob"], reason="见批注")
    with pytest.raises(PermissionDenied):
        workflow.comment_answer(comment=comment, user=people["bob"], text="我替他答")


def test_a_comment_on_a_finding_is_labelled_with_its_message(assessment, people):
    assessment = submit_and_sign_to(assessment, people, "group_leader")
    [message] = [f.message for f in assessment_data(assessment).scored().findings if f.code == "structure_incomplete"]
    comment = workflow.comment_add(
        assessment=assessment, user=people["bob"], target="finding", key="structure_incomplete", text="请补齐三级指标"
    )
    assert (comment.target, comment.key, comment.label, comment.step) == (
        "finding",
        "structure_incomplete",
        message,
        "group_leader",
    )
    event = AuditEvent.objects.filter(assessment=assessment).latest("pk")
    # The trail's label column holds 100 characters: the rest of the message is in the comment.
    assert (event.action, event.action_label, event.detail) == (
        "comment",
        f"批注：{message}"[:97] + "...",
        "请补齐三级指标",
    )


def test_a_finding_longer_than_the_label_is_cut_to_its_first_300_characters(assessment, people):
    """The label column holds 300 characters: a finding quoting a long row name and value is cut with "..."."""
    name, actual = "甲" * 200, "约90%" + "，据抽样估算" * 20
    IndicatorRow.objects.create(
        assessment=assessment,
        group_code="quantity",
        name=name,
        weight=5,
        position=1,
        target_value="≥90%",
        actual_value=actual,
    )
    assessment = submit_and_sign_to(assessment, people, "group_leader")
    message = f"{name}：实际完成值“{actual}”带有比较符或范围，像是照抄的指标值，应填写实际达到的数值"
    assert len(message) > 300
    comment = workflow.comment_add(
        assessment=assessment, user=people["bob"], target="finding", key="actual_is_target", text="请填实际数"
    )
    assert comment.label == message[:297] + "..."
    assert ReviewComment.objects.get(pk=comment.pk).label == message[:297] + "..."
