"""批注 on a finding, in the browser: the group leader comments on a consistency finding about one indicator row and
returns; the preparer finds the comment under that row on the 自评表 (not only on the 审签 tab) and answers it there."""

from playwright.sync_api import expect

from assessments.models import IndicatorRow, ReviewComment
from assessments.workflow import services as workflow
from tests.assessments.workflow.conftest import people  # noqa: F401 (fixture)
from tests.e2e.conftest import login

ROW = "开展老干部活动"


def test_a_finding_comment_is_answered_beside_its_row(page, live_server, screenshot, assessment, people):  # noqa: F811
    IndicatorRow.objects.create(
        assessment=assessment,
        group_code="quantity",
        name=ROW,
        weight=5,
        position=1,
        kind="quantitative",
        target_value="≥12次",
        actual_value="已完成10次",
    )
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    page.set_viewport_size({"width": 1366, "height": 900})
    page.on("dialog", lambda dialog: dialog.accept())

    login(page, live_server, "bob", "secret-pass-123")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/review/")
    page.select_option("#comment-target", "finding:done_without_full_marks")
    page.fill("#comment-text", "写了“已完成”却未得满分，请说明偏差原因")
    page.get_by_role("button", name="添加批注").click()
    expect(page.locator(".alert-success")).to_contain_text("已添加批注")
    page.fill("#reason", "请见批注")
    page.get_by_role("button", name="退回").click()
    expect(page.locator(".alert-success")).to_contain_text("已退回")

    page.context.clear_cookies()
    login(page, live_server, "alice", "secret-pass-123")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/self-eval/")
    comment = page.locator(".comment-row .review-comment")
    expect(comment).to_have_count(1)
    expect(comment).to_contain_text("请说明偏差原因")
    # Beside its row: the nearest indicator row above the comment is the one the finding names.
    nearest = page.locator(".comment-row").evaluate(
        """row => {
            let above = row.previousElementSibling;
            while (above && !above.querySelector("[name$='-name']")) above = above.previousElementSibling;
            return above ? above.querySelector("[name$='-name']").value : null;
        }"""
    )
    assert nearest == ROW
    comment.locator("input[name=answer]").fill("已在偏差原因中说明：两次活动因场地改造取消")
    comment.get_by_role("button", name="答复").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存答复")
    expect(page.locator(".comment-row .comment-answer")).to_contain_text("场地改造取消")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot("comments-finding-in-place")
    page.evaluate("window.scrollTo(0, 0)")
    page.locator(".comment-row").locator("xpath=ancestor::table").screenshot(
        path=str(screenshot("comments-finding-in-place-table"))
    )
    assert ReviewComment.objects.get().answer == "已在偏差原因中说明：两次活动因场地改造取消"
