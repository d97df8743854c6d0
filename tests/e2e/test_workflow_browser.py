"""Four reviewers and the preparer take the Futian demo assessment through the whole chain in the browser."""

import io

from django.core.management import call_command
from playwright.sync_api import expect

from assessments.models import Assessment
from tests.e2e.conftest import login

PASSWORD = "perfeval-demo-2026"


def _as(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def _submit_through_the_checklist(page):
    """提交… opens the checklist; what is open is confirmed there, then 确认提交."""
    page.get_by_role("link", name="提交…").click()
    expect(page.locator("#submit-checklist")).to_be_visible()
    if page.locator("#acknowledge").count():
        page.check("#acknowledge")
    page.get_by_role("button", name="确认提交").click()


def test_submit_return_fix_resubmit_sign_and_finalise(page, live_server, screenshot, db):
    call_command("load_demo", stdout=io.StringIO())
    assessment = Assessment.objects.get(unit__name="深圳市福田区老干部活动中心", year=2021)
    review = f"{live_server.url}/assessments/{assessment.pk}/review/"

    # Every irreversible step asks for a confirmation first; this user accepts them all.
    page.on("dialog", lambda dialog: dialog.accept())
    _as(page, live_server, "ft-preparer")
    page.goto(review)
    _submit_through_the_checklist(page)
    expect(page.locator(".alert-success")).to_contain_text("已提交")
    screenshot("workflow-1-submitted")

    _as(page, live_server, "ft-leader")
    page.goto(f"{live_server.url}/inbox/")
    expect(page.locator("#inbox-waiting")).to_contain_text("深圳市福田区老干部活动中心")
    page.goto(review)
    page.fill("#reason", "满意度调查缺少问卷数，请补充说明")
    page.get_by_role("button", name="退回").click()
    expect(page.locator(".alert-success")).to_contain_text("已退回")
    screenshot("workflow-2-returned")

    _as(page, live_server, "ft-preparer")
    page.goto(f"{live_server.url}/inbox/")
    expect(page.locator("#inbox-returned")).to_contain_text("深圳市福田区老干部活动中心")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/basic/")
    page.fill("#id_goal-goal_achieved", "已补充满意度调查说明：报告未列问卷数，按报告所列得分录入。")
    page.locator("#tab-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    page.goto(review)
    _submit_through_the_checklist(page)
    expect(page.locator(".alert-success")).to_contain_text("已提交")

    _as(page, live_server, "ft-leader")
    page.goto(review)
    expect(page.locator("#return-diff")).to_contain_text("年度总体目标·实际完成情况")
    screenshot("workflow-3-resubmitted-diff")
    page.fill("#opinion", "自评依据充分，同意上报。")
    page.get_by_role("button", name="签署").click()
    expect(page.locator(".alert-success")).to_contain_text("已签署")

    for username, opinion in (("ft-head", "同意。"), ("ft-supervisor", "审核通过。")):
        _as(page, live_server, username)
        page.goto(review)
        page.fill("#opinion", opinion)
        page.get_by_role("button", name="签署").click()
        expect(page.locator(".alert-success")).to_contain_text("已签署")
    screenshot("workflow-4-three-signatures")

    _as(page, live_server, "ft-finance")
    page.goto(review)
    page.fill("#opinion", "经审核，同意定稿。")
    page.get_by_role("button", name="签署并定稿").click()
    expect(page.locator("#snapshot-hash")).to_have_text(Assessment.objects.get(pk=assessment.pk).snapshots.get().sha256)
    screenshot("workflow-5-final")

    _as(page, live_server, "ft-preparer")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/basic-data/")
    assert page.locator("#id_facts-reception_budget").is_disabled()
    assert page.locator("#tab-form button[type=submit]").count() == 0
    response = page.request.post(
        f"{live_server.url}/assessments/{assessment.pk}/basic-data/",
        form={"lock_version": "999", "facts-reception_budget": "1"},
        headers={"X-CSRFToken": page.context.cookies()[0]["value"] if page.context.cookies() else ""},
    )
    assert response.status in (200, 403)
    assert Assessment.objects.get(pk=assessment.pk).status == "final"
    screenshot("workflow-6-edit-refused")
