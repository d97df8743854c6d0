"""The review screens read naturally: the signer is not told they may only look, the steps are not labelled twice,
a final report's panel is not "实时得分", messages name the addressee's role, an item is listed once in the inbox,
and the diff names indicator rows by their indicator."""

import re

from django.urls import reverse

from assessments.models import IndicatorRow, Notification
from assessments.workflow import services as workflow
from tests.assessments.workflow.conftest import submit_and_sign_to


def text(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def test_the_signer_is_told_the_content_is_locked_not_that_they_may_only_look(client, assessment, people):
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    client.force_login(people["bob"])
    html = client.get(reverse("assessments:tab", args=[assessment.pk, "review"])).content.decode()
    assert "只有查看权限" not in html
    assert "审签期间内容已锁定" in html and 'id="opinion"' in html
    other_tab = client.get(reverse("assessments:tab", args=[assessment.pk, "basic"])).content.decode()
    assert "签署或退回请到“审签”页签" in other_tab
    assert "得分（审签中）" in other_tab and "实时得分" not in other_tab


def test_a_final_assessment_has_no_doubled_step_label_and_no_live_score_title(client, assessment, people):
    submit_and_sign_to(assessment, people, "none")
    assessment.refresh_from_db()
    assert assessment.status == "final"
    client.force_login(people["bob"])
    html = client.get(reverse("assessments:tab", args=[assessment.pk, "review"])).content.decode()
    assert "已定稿已定稿" not in text(html)
    assert "实时得分" not in html and "定稿得分" in html


def test_messages_name_the_addressees_role(assessment, people):
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    message = Notification.objects.get(user=people["bob"]).message
    assert message.endswith("已提交，等待您（评价组组长）签署。")
    workflow.assessment_sign(assessment=assessment, user=people["bob"], opinion="同意")
    message = Notification.objects.get(user=people["hank"]).message
    assert message.endswith("已由bob（评价组组长）签署，等待您（单位负责人）审签。")


def test_an_item_waiting_for_the_user_again_is_not_also_listed_as_handled(client, assessment, people):
    assessment = submit_and_sign_to(assessment, people, "unit_head")  # bob signed the first step
    workflow.assessment_return(assessment=assessment, user=people["hank"], reason="重签", to_step="group_leader")
    client.force_login(people["bob"])
    html = client.get(reverse("inbox")).content.decode()
    assert "待我处理（1）" in html and "我已处理（0）" in html
    assessment.refresh_from_db()
    workflow.assessment_sign(assessment=assessment, user=people["bob"], opinion="同意")
    html = client.get(reverse("inbox")).content.decode()
    assert "待我处理（0）" in html and "我已处理（1）" in html


def test_the_diff_names_an_indicator_row_by_its_indicator(client, assessment, people):
    assessment = submit_and_sign_to(assessment, people, "group_leader")
    workflow.assessment_return(assessment=assessment, user=people["bob"], reason="请说明偏差")
    row = IndicatorRow.objects.filter(assessment=assessment, project=None).exclude(code="").order_by("pk").first()
    row.deviation_reason = "已说明"
    row.save()
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    client.force_login(people["bob"])
    html = client.get(reverse("assessments:tab", args=[assessment.pk, "review"])).content.decode()
    diff = html.split('id="return-diff"', 1)[1].split("</table>", 1)[0]
    where = re.search(r"<tbody><tr><td>([^<]*)</td>", diff).group(1)
    assert where.startswith("自评表「") and "第" not in where
