"""Every 提示 can be answered and 提交 means complete, in the browser: explanation boxes beside the warnings, 去修改
scrolling to the exact field and highlighting it, the submit checklist (errors block, the rest is confirmed), 撤回,
and the confirmation of irreversible steps."""

import io
import re

from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import expect

from assessments.models import Assessment, FindingExplanation
from assessments.workflow import services as workflow
from tests.e2e.conftest import login

PASSWORD = "perfeval-demo-2026"
FUTIAN = "深圳市福田区老干部活动中心"
TAOJIANG = "桃江县桃冶社区服务指导中心"
HIGHLIGHTED = re.compile(r"\bfield-highlight\b")


def _demo(name: str, year: int) -> Assessment:
    call_command("load_demo", stdout=io.StringIO())
    return Assessment.objects.get(unit__name=name, year=year)


def test_every_hint_has_an_explanation_box_kept_after_saving_and_shown_to_reviewers(page, live_server, screenshot, db):
    assessment = _demo(TAOJIANG, 2024)
    base = f"{live_server.url}/assessments/{assessment.pk}"
    login(page, live_server, "tj-preparer", PASSWORD)
    page.goto(f"{base}/score/")
    hints = page.locator("li.finding-hint")
    assert hints.count() >= 5
    # 公用经费决算超预算 and the ±30 % swings on 附件1-1 had nowhere to be explained.
    over = hints.filter(has_text="公用经费决算数 17.67 超过预算数 4.55")
    swing = hints.filter(has_text="较上年决算数").first
    for hint in (over, swing):
        expect(hint.locator("textarea")).to_be_editable()
        expect(hint.locator(".badge", has_text="待说明")).to_be_visible()
    over.locator("textarea").fill("年中新增社区活动场地，水电及差旅支出相应增加。")
    page.click("#save-explanations")
    expect(page.locator(".alert-success")).to_contain_text("已保存 1 条提示说明")
    over = page.locator("li.finding-hint").filter(has_text="公用经费决算数 17.67 超过预算数 4.55")
    expect(over.locator("textarea")).to_have_value("年中新增社区活动场地，水电及差旅支出相应增加。")
    expect(over.locator(".badge", has_text="已说明")).to_be_visible()
    assert FindingExplanation.objects.filter(assessment=assessment).count() == 1
    screenshot("hints-explained")

    page.goto(f"{base}/review/")
    expect(page.locator("#review-hints")).to_contain_text("年中新增社区活动场地")
    expect(page.locator("#review-hints")).to_contain_text("未说明")


def test_go_to_fix_scrolls_to_the_exact_field_and_highlights_it(page, live_server, screenshot, db):
    assessment = _demo(TAOJIANG, 2024)
    base = f"{live_server.url}/assessments/{assessment.pk}"
    page.set_viewport_size({"width": 1366, "height": 800})
    login(page, live_server, "tj-preparer", PASSWORD)
    page.goto(f"{base}/score/")
    over = page.locator("li.finding-hint").filter(has_text="公用经费决算数 17.67 超过预算数 4.55")
    over.get_by_role("link", name="去修改").click()
    page.wait_for_url("**/basic-data/#id_facts-public_funds_actual")
    field = page.locator("#id_facts-public_funds_actual")
    expect(field).to_have_attribute("class", HIGHLIGHTED)
    expect(field).to_be_in_viewport()
    expect(field).to_be_focused()
    screenshot("go-to-fix-highlight")

    # A finding about one indicator row leads to that row's field on the 自评表.
    page.goto(f"{base}/score/")
    survey = page.locator("li.finding-hint").filter(has_text="问卷数").first
    href = survey.get_by_role("link", name="去修改").get_attribute("href")
    assert "/self-eval/#id_row-" in href and href.endswith("-survey_responses")
    survey.get_by_role("link", name="去修改").click()
    target = page.locator("#" + href.split("#")[1])
    expect(target).to_be_in_viewport()
    expect(target).to_have_attribute("class", HIGHLIGHTED)


def test_the_submit_checklist_blocks_errors(page, live_server, screenshot, db):
    # 桃江: 满意度 rows weigh 20 where the block has 10 — an error now, so it cannot be submitted.
    assessment = _demo(TAOJIANG, 2024)
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "tj-preparer", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/review/")
    page.get_by_role("link", name="提交…").click()
    expect(page.locator("#checklist-blocked")).to_be_visible()
    expect(page.locator('[data-group="errors"]')).to_contain_text("“满意度指标”下各三级指标分值之和为 20，应为 10")
    assert page.locator("#confirm-submit").count() == 0
    screenshot("submit-checklist-blocked-1366")


def test_submit_checklist_confirm_submit_and_withdraw(page, live_server, screenshot, db):
    assessment = _demo(FUTIAN, 2021)
    review = f"{live_server.url}/assessments/{assessment.pk}/review/"
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "ft-preparer", PASSWORD)
    page.goto(review)
    page.get_by_role("link", name="提交…").click()
    checklist = page.locator("#submit-checklist")
    expect(checklist).to_contain_text("提交前检查")
    expect(page.locator("#checklist-open")).to_be_visible()
    expect(page.locator('[data-group="members"]')).to_contain_text("尚未填写评价人员名单")
    expect(page.locator('[data-group="reasons"]')).to_contain_text("政府采购执行情况：得分 1.99 低于分值 2")
    expect(page.locator("#submit-next")).to_contain_text("评价组组长签署")
    expect(page.locator("#submit-next")).to_contain_text("撤回")
    screenshot("submit-checklist-1366")

    # Without ticking the confirmation the browser does not send the form.
    page.get_by_role("button", name="确认提交").click()
    expect(checklist).to_be_visible()
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"

    # A listed item leads to where it is fixed.
    reason_link = page.locator('[data-group="reasons"] a').first.get_attribute("href")
    assert "/self-eval/#id_row-" in reason_link and reason_link.endswith("-deviation_reason")
    assert page.locator('[data-group="members"] a').get_attribute("href").endswith("/review/#member-table")

    page.check("#acknowledge")
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator(".alert-success")).to_contain_text("已提交")
    assert Assessment.objects.get(pk=assessment.pk).status == "in_review"

    # 撤回 asks first; dismissing the question keeps it submitted.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="撤回修改").click()
    expect(page.locator("#withdraw")).to_be_visible()
    assert Assessment.objects.get(pk=assessment.pk).status == "in_review"
    messages = []

    def accept(dialog):
        messages.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name="撤回修改").click()
    expect(page.locator(".alert-success")).to_contain_text("已撤回")
    assert "回到草稿" in messages[0]
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"


def test_sign_and_finalise_asks_for_a_confirmation_naming_the_freeze(page, live_server, db):
    assessment = _demo(FUTIAN, 2021)
    workflow.assessment_submit(assessment=assessment, user=User.objects.get(username="ft-preparer"))
    for username in ("ft-leader", "ft-head", "ft-supervisor"):
        assessment.refresh_from_db()
        workflow.assessment_sign(assessment=assessment, user=User.objects.get(username=username), opinion="同意")
    login(page, live_server, "ft-finance", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/review/")
    page.fill("#opinion", "同意定稿。")
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="签署并定稿").click()
    expect(page.locator("#opinion")).to_be_visible()
    assert "冻结" in asked[0] and "定稿" in asked[0]
    assert Assessment.objects.get(pk=assessment.pk).status == "in_review"
