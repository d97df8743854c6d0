"""At 1366 px a preparer chooses 数据无法取得，人工评分 for a project's 预算执行率: the score and its reason appear, a
missing reason is refused next to its field, and once saved the hand score stays after a reload, marked 人工."""

import io
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import expect

from assessments.forms import MANUAL_NEEDS_REASON
from assessments.models import IndicatorRow, Project
from assessments.scores import EXECUTION_CODE
from assessments.services import assessment_create
from tests.e2e.conftest import login
from units.models import Unit

PASSWORD = "perfeval-demo-2026"
REASON = "项目资金由主管部门统一支付，执行数据无法取得，按支付台账评分"
SHORTFALL = "主管部门统一支付的部分尚未对账，下年度起按月对账"


def test_a_hand_score_of_the_projects_execution_is_chosen_saved_and_kept(page, live_server, screenshot, db):
    call_command("load_frameworks", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    unit = Unit.objects.get(name="株洲市行业办公室")
    unit.assessments.all().delete()
    assessment = assessment_create(unit=unit, year=2022, user=User.objects.get(username="zz-preparer"))
    project = Project.objects.create(
        assessment=assessment,
        position=1,
        name="离退休老干部业务专项资金",
        fiscal_budget_initial=Decimal(38),
        fiscal_budget_full_year=Decimal(38),
        fiscal_spending_actual=Decimal(38),
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "zz-preparer", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    url = f"{live_server.url}/assessments/{assessment.pk}/projects/{project.pk}/"
    page.goto(url)

    score, reason = page.locator("#id_execution-score"), page.locator("#id_execution-score_reason")
    expect(page.locator("#c-execution_points")).to_have_text("10.00")
    expect(score).to_be_hidden()
    page.select_option("#id_execution-manual", label="数据无法取得，人工评分")
    expect(score).to_be_visible()
    expect(reason).to_be_visible()
    score.fill("8")
    page.fill("#id_project-goal_planned", "按年初计划组织离退休老干部开展活动")

    # Without a reason the save is refused in Chinese beside the reason; nothing typed is lost.
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#id_execution-score_reason_error")).to_have_text(MANUAL_NEEDS_REASON)
    expect(score).to_have_value("8")
    expect(page.locator("#id_project-goal_planned")).to_have_value("按年初计划组织离退休老干部开展活动")
    assert not IndicatorRow.objects.filter(project=project, code=EXECUTION_CODE).exists()

    page.locator("#id_execution-score_reason").fill(REASON)
    page.locator("#id_execution-deviation_reason").fill(SHORTFALL)
    # With its reason, the live preview scores it by hand.
    expect(page.locator("#c-execution_points")).to_have_text("8.00 人工")
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "已保存" in page.locator(".alert-success").inner_text()

    page.reload()
    expect(page.locator("#id_execution-manual")).to_have_value("True")
    expect(score).to_have_value("8.00")
    expect(page.locator("#id_execution-score_reason")).to_have_value(REASON)
    expect(page.locator("#id_execution-deviation_reason")).to_have_value(SHORTFALL)
    expect(page.locator("#c-execution_points")).to_have_text("8.00 人工")
    expect(page.locator("#score-panel .hand-scored")).to_contain_text("人工 预算执行率 8.00 / 10")
    expect(page.locator("#score-panel .hand-scored")).to_contain_text(REASON)
    # The funds block fits the page: nothing sticks out of the table's card.
    card = page.locator("#tab-form section.card").first.bounding_box()
    for selector in (
        "#id_execution-manual",
        "#id_execution-score",
        "#id_execution-score_reason",
        "#id_execution-deviation_reason",
    ):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= card["x"] and box["x"] + box["width"] <= card["x"] + card["width"]
    screenshot("project-hand-score-1366")
    row = IndicatorRow.objects.get(project=project, code=EXECUTION_CODE)
    assert (row.manual, row.score, row.score_reason, row.deviation_reason) == (True, Decimal("8.00"), REASON, SHORTFALL)
    assert page.requested_hosts == {live_server.url.removeprefix("http://")}
