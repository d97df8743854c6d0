"""A preparer fills seed 001's 附件1-3 项目支出绩效自评表 in the browser — rows added under their group, moved and
scored live — then attaches a 佐证材料 file and deletes the project through its confirmation dialog."""

import io
import re

from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import expect

from assessments.models import Evidence, IndicatorRow, Project
from assessments.services import assessment_create
from tests.e2e.conftest import login
from units.models import Unit

PASSWORD = "perfeval-demo-2026"


def _fresh_assessment():
    call_command("load_frameworks", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    unit = Unit.objects.get(name="株洲市行业办公室")
    unit.assessments.all().delete()
    return assessment_create(unit=unit, year=2022, user=User.objects.get(username="zz-preparer"))


def _fill_row(page, index, **values):
    for name, value in values.items():
        page.fill(f"#id_row-{index}-{name}", value)


def test_preparer_fills_a_project_table_and_attaches_evidence(page, live_server, screenshot, settings, tmp_path, db):
    settings.MEDIA_ROOT = tmp_path
    assessment = _fresh_assessment()
    base = f"{live_server.url}/assessments/{assessment.pk}"
    login(page, live_server, "zz-preparer", PASSWORD)

    page.wait_for_url(f"{live_server.url}/")  # logged in (the login page sends the user home)
    page.goto(f"{base}/projects/")
    assert page.locator("#id_project-supervising_department").input_value() == "株洲市人民政府"
    page.fill("#id_project-name", "离退休老干部业务专项资金")
    page.get_by_role("button", name="添加项目").click()
    page.wait_for_url(re.compile(r".*/projects/\d+/$"))

    # The funds block: full-width digits are fine; the 年度资金总额 row, 执行率 and 得分 follow as the user types.
    for name in ("fiscal_budget_initial", "fiscal_budget_full_year"):
        page.fill(f"#id_project-{name}", "38")
    page.fill("#id_project-fiscal_spending_actual", "３８")
    expect(page.locator("#c-funds-spending_actual")).to_have_text("38.00")
    expect(page.locator("#c-execution_rate")).to_have_text("100.00%")
    expect(page.locator("#c-execution_points")).to_have_text("10.00")
    page.fill("#id_project-goal_planned", "按年初计划组织离退休老干部开展活动")
    page.fill("#id_project-goal_achieved", "达到预期目标")

    # Two rows under 数量指标, added in the page; the second is scored 11 ÷ 12 × 10.
    page.click("button[data-group=quantity]")
    _fill_row(page, 0, name="开展老干户外活动", target_value="≥2次", actual_value="2次", weight="10")
    page.click("button[data-group=quantity]")
    _fill_row(
        page,
        1,
        name="开展老干党支部学习活动",
        target_value="每月一次",
        target_number="12",
        actual_value="11次",
        weight="10",
        deviation_reason="疫情影响未能开展活动",
    )
    expect(page.locator("#c-row-1-points")).to_have_text("9.17")
    expect(page.locator("#c-row-0-points")).to_have_text("10.00")
    expect(page.locator("#c-sub-quantity")).to_have_text("19.17")
    # Moved up, the second row takes its explanation with it and stays in its group.
    page.locator("#id_row-1-name").locator("xpath=ancestor::tr").locator("[data-move=up]").click()
    explanation = page.locator("#id_row-1-name").locator("xpath=ancestor::tr/following-sibling::tr[1]")
    expect(explanation).to_contain_text("11 ÷ 12")
    screenshot("project-table")

    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert "已保存" in page.locator(".alert-success").inner_text()
    project = Project.objects.get(assessment=assessment)
    rows = list(IndicatorRow.objects.filter(project=project))
    assert [(row.name, row.group_code) for row in rows] == [
        ("开展老干党支部学习活动", "quantity"),
        ("开展老干户外活动", "quantity"),
    ]
    assert project.fiscal_spending_actual == 38

    page.click("a[data-tab-link][href$='/projects/']")
    page.wait_for_url(re.compile(r".*/projects/$"))
    expect(page.locator(".project-list")).to_contain_text("100.00%")
    expect(page.locator(".project-list")).to_contain_text("29.17")
    screenshot("project-list")

    # 佐证材料: a PDF attached to the row just written.
    page.click("a[data-tab-link][href$='/evidence/']")
    page.set_input_files(
        "#id_file",
        files=[{"name": "学习活动签到表.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}],
    )
    page.select_option("#id_attached_to", label="数量指标 · 开展老干党支部学习活动")
    page.fill("#id_description", "2022年各月签到表")
    page.get_by_role("button", name="上传").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".evidence-list")).to_contain_text("学习活动签到表.pdf")
    expect(page.locator(".evidence-list")).to_contain_text(
        "项目：离退休老干部业务专项资金 · 数量指标 · 开展老干党支部学习活动"
    )
    assert Evidence.objects.get(assessment=assessment).indicator_code == f"row-{rows[0].pk}"
    screenshot("evidence-list")

    # Deleting a project asks first.
    page.goto(f"{base}/projects/")
    page.locator(".project-list").get_by_role("button", name="删除").click()
    dialog = page.locator(".modal.show")
    expect(dialog).to_contain_text("确定删除项目“离退休老干部业务专项资金”")
    page.wait_for_timeout(400)  # the dialog's fade-in, for the screenshot
    screenshot("project-delete-confirm")
    dialog.get_by_role("button", name="删除").click()
    page.wait_for_load_state("networkidle")
    assert "已删除项目" in page.locator(".alert-success").inner_text()
    assert not Project.objects.filter(assessment=assessment).exists()
    assert page.requested_hosts == {live_server.url.removeprefix("http://")}
