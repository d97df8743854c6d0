"""批注 in the browser: the group leader comments on one indicator and returns; the preparer finds the comment under
that indicator's row on the 自评表, answers it, resubmits; the leader sees the answer in the diff."""

import io

from django.core.management import call_command
from playwright.sync_api import expect

from assessments.models import Assessment, ReviewComment
from assessments.workflow import services as workflow
from tests.e2e.conftest import login

PASSWORD = "perfeval-demo-2026"
INDICATOR = "政府采购执行情况"


def _submit_through_the_checklist(page):
    """提交… opens the checklist; what is open is confirmed there, then 确认提交."""
    page.get_by_role("link", name="提交…").click()
    expect(page.locator("#submit-checklist")).to_be_visible()
    if page.locator("#acknowledge").count():
        page.check("#acknowledge")
    page.get_by_role("button", name="确认提交").click()


def _as(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def test_a_comment_on_an_indicator_is_answered_in_place_and_shown_in_the_diff(page, live_server, screenshot, db):
    call_command("load_demo", stdout=io.StringIO())
    assessment = Assessment.objects.get(unit__name="深圳市福田区老干部活动中心", year=2021)
    review = f"{live_server.url}/assessments/{assessment.pk}/review/"
    key = next(k for (target, k), label in workflow.comment_targets(assessment).items() if label == INDICATOR)
    page.on("dialog", lambda dialog: dialog.accept())  # every irreversible step asks first; this user accepts

    _as(page, live_server, "ft-preparer")
    page.goto(review)
    _submit_through_the_checklist(page)
    expect(page.locator(".alert-success")).to_contain_text("已提交")

    _as(page, live_server, "ft-leader")
    page.goto(review)
    page.select_option("#comment-target", f"indicator:{key}")
    page.fill("#comment-text", "采购执行数与决算不一致，请核对")
    page.get_by_role("button", name="添加批注").click()
    expect(page.locator(".alert-success")).to_contain_text("已添加批注")
    expect(page.locator("#comments")).to_contain_text("采购执行数与决算不一致，请核对")
    screenshot("comments-1-reviewer-comment")
    page.fill("#reason", "请见批注")
    page.get_by_role("button", name="退回").click()
    expect(page.locator(".alert-success")).to_contain_text("已退回")

    _as(page, live_server, "ft-preparer")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/self-eval/")
    comment = page.locator(".comment-row .review-comment")
    expect(comment).to_have_count(1)
    expect(comment).to_contain_text("采购执行数与决算不一致，请核对")
    # In place: the row just above the comment is the indicator's.
    expect(page.locator(".comment-row").locator("xpath=preceding-sibling::tr[2]")).to_contain_text(INDICATOR)
    comment.locator("input[name=answer]").fill("已与决算核对一致，补充了佐证")
    comment.get_by_role("button", name="答复").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存答复")
    expect(page.locator(".comment-row .comment-answer")).to_contain_text("已与决算核对一致")
    screenshot("comments-2-preparer-answer")
    page.goto(review)
    _submit_through_the_checklist(page)
    expect(page.locator(".alert-success")).to_contain_text("已提交")

    _as(page, live_server, "ft-leader")
    page.goto(review)
    expect(page.locator("#return-diff")).to_contain_text(f"批注「{INDICATOR}」")
    expect(page.locator("#return-diff")).to_contain_text("已与决算核对一致，补充了佐证")
    screenshot("comments-3-diff")
    assert ReviewComment.objects.get().answer == "已与决算核对一致，补充了佐证"
