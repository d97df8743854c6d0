"""批注 in place on the 自评表: after a return the preparer finds each comment beside what it is about — a finding's
under the row the finding names, a heading's under the heading, 预算执行率's under the funds block — and answers it
there; a comment whose finding has since been resolved is listed above the table, still answerable."""

import pytest
from django.urls import reverse

from assessments.models import IndicatorRow
from assessments.workflow import services as workflow
from tests.assessments.workflow.conftest import people, submit_and_sign_to  # noqa: F401 (fixture)

ROW = "开展老干部活动"


@pytest.fixture
def returned(assessment, people):  # noqa: F811
    row = IndicatorRow.objects.create(
        assessment=assessment,
        group_code="quantity",
        name=ROW,
        weight=5,
        position=1,
        kind="quantitative",
        target_value="≥12次",
        actual_value="已完成10次",  # "完成" below full marks without a reason: a finding about this row
    )
    assessment = submit_and_sign_to(assessment, people, "group_leader")
    assert ("finding", "done_without_full_marks") in workflow.comment_targets(assessment)
    comments = {
        "finding": workflow.comment_add(
            assessment=assessment, user=people["bob"], target="finding", key="done_without_full_marks", text="甲批注"
        ),
        "heading": workflow.comment_add(
            assessment=assessment, user=people["bob"], target="indicator", key="quantity", text="乙批注"
        ),
        "funds": workflow.comment_add(
            assessment=assessment, user=people["bob"], target="indicator", key="budget_execution", text="丙批注"
        ),
    }
    workflow.assessment_return(assessment=assessment, user=people["bob"], reason="见批注")
    return assessment, row, comments


def _page(client, assessment):
    return client.get(reverse("assessments:tab", args=[assessment.pk, "self-eval"])).content.decode()


def test_each_comment_sits_beside_what_it_is_about_with_its_answer_form(client, people, returned):  # noqa: F811
    assessment, _, comments = returned
    client.force_login(people["alice"])
    page = _page(client, assessment)
    row_at = page.index(ROW)
    heading_at = page.index('id="c-sub-quantity"')
    next_heading_at = page.index('id="c-sub-quality"')
    assert heading_at < page.index("乙批注") < row_at  # under the 数量指标 heading, above its rows
    assert row_at < page.index("甲批注") < next_heading_at  # under the row the finding names
    assert page.index("丙批注") < page.index("年度总体目标")  # under the funds block
    assert 'id="unplaced-comments"' not in page
    for comment in comments.values():
        assert f'id="answer-{comment.pk}"' in page and f'form="answer-{comment.pk}"' in page


def test_a_comment_whose_finding_was_resolved_is_listed_above_the_table(client, people, returned):  # noqa: F811
    assessment, row, comments = returned
    row.actual_value = "10次"
    row.deviation_reason = "两次活动因场地改造取消"
    row.save()
    client.force_login(people["alice"])
    page = _page(client, assessment)
    listed = page.index('id="unplaced-comments"')
    assert listed < page.index("甲批注") < page.index('id="tab-form"')
    assert f'id="answer-{comments["finding"].pk}"' in page
    response = client.post(
        reverse("assessments:comment_answer", args=[assessment.pk, comments["finding"].pk]),
        {"answer": "已补充偏差原因", "back": "self-eval"},
    )
    assert response.status_code == 302
    comments["finding"].refresh_from_db()
    assert comments["finding"].answer == "已补充偏差原因"


def test_a_reader_sees_the_comments_without_answer_inputs(client, people, returned):  # noqa: F811
    assessment, _, _ = returned
    client.force_login(people["bob"])
    page = _page(client, assessment)
    assert "甲批注" in page and "乙批注" in page and "丙批注" in page
    assert 'name="answer"' not in page
