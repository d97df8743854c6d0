"""整改跟踪 in the browser: the Futian report is final; its preparer opens 整改跟踪, gives an item a responsible person,
a due date and 整改中, is told next to the field that 无法完成 needs a reason, and finds the outcome on next year's
叙述 tab; the administrator sees an overdue item on the dashboard."""

import datetime
import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Assessment, RectificationItem
from assessments.rectification.forms import NOTE_REQUIRED
from assessments.services import assessment_create
from assessments.workflow import services as workflow
from tests.e2e.conftest import login

PASSWORD = "perfeval-demo-2026"
SUFFIX = {"group_leader": "leader", "unit_head": "head", "supervisor": "supervisor", "finance": "finance"}


def _finalise(assessment):
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="ft-")}
    workflow.assessment_submit(assessment=assessment, user=users["ft-preparer"])
    for step in workflow.steps_for(assessment.unit):
        assessment = Assessment.objects.get(pk=assessment.pk)
        workflow.assessment_sign(assessment=assessment, user=users[f"ft-{SUFFIX[step.code]}"], opinion="同意。")
    return Assessment.objects.get(pk=assessment.pk), users


def test_the_preparer_updates_an_items_status_and_next_year_shows_it(page, live_server, screenshot, db):
    call_command("load_demo", stdout=io.StringIO())
    assessment, users = _finalise(Assessment.objects.get(unit__name="深圳市福田区老干部活动中心", year=2021))
    first, second, _ = RectificationItem.objects.filter(assessment=assessment)
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "ft-preparer", PASSWORD)

    page.goto(f"{live_server.url}/assessments/{assessment.pk}/basic/")
    page.get_by_role("link", name="整改跟踪").click()
    expect(page.locator("#rectification-counts")).to_contain_text("共 3 项：未开始 3")
    card = page.locator(f"#item-{first.pk}")
    expect(card.locator(".rect-measure")).to_have_text("细化量化预算绩效指标")
    card.get_by_label("责任人").fill("王会计")
    card.get_by_label("完成时限").fill("2027-06-30")
    card.get_by_label("整改状态").select_option(label="整改中")
    card.get_by_label("落实情况说明").fill("已修订购置费项目的质量指标")
    card.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    expect(page.locator(f"#item-{first.pk}-status")).to_have_text("整改中")

    card = page.locator(f"#item-{second.pk}")
    card.get_by_label("整改状态").select_option(label="无法完成")
    card.get_by_role("button", name="保存").click()
    expect(page.locator(f"#item-{second.pk}")).to_contain_text(NOTE_REQUIRED)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot("rectification-1-items")
    page.locator(f"#item-{second.pk}").get_by_label("落实情况说明").fill("资产处置须待上级批复，年内无法完成")
    page.locator(f"#item-{second.pk}").get_by_role("button", name="保存").click()
    expect(page.locator(f"#item-{second.pk}-status")).to_have_text("无法完成")
    first.refresh_from_db()
    assert (first.status, first.responsible, first.due_date) == ("in_progress", "王会计", datetime.date(2027, 6, 30))

    following = assessment_create(unit=assessment.unit, year=2022, user=users["ft-preparer"])
    page.goto(f"{live_server.url}/assessments/{following.pk}/narrative/")
    panel = page.locator("#prior-rectification")
    expect(panel).to_contain_text("上年整改落实情况（2021 年度报告所列事项）")
    expect(panel).to_contain_text("已修订购置费项目的质量指标")
    expect(panel).to_contain_text("无法完成")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    screenshot("rectification-2-next-year-narrative")

    # The third item is overdue: the administrator sees it on the dashboard.
    RectificationItem.objects.filter(assessment=assessment, status="not_started").update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    page.context.clear_cookies()
    login(page, live_server, "admin", PASSWORD)
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator("#dashboard-rectification")).to_contain_text("1 个单位，共 1 项")
    page.locator("#dashboard-rectification").screenshot(path=str(screenshot("rectification-3-dashboard")))
    page.get_by_role("link", name="查看全部逾期事项").click()
    expect(page.locator("main")).to_contain_text("建立完善预算绩效管理机制")
    screenshot("rectification-4-overdue")
    assert page.requested_hosts <= {live_server.url.removeprefix("http://")}
