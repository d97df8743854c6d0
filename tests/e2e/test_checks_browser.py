"""At 1366 px: the Excel import preview names each change by indicator and field with its workbook cell under it,
and a project page shows its findings with an explanation box beside each 提示 — what is typed in a box survives the
live preview that recomputes the table, and saving it marks the 提示 已说明."""

import io
from decimal import Decimal

from django.core.management import call_command
from playwright.sync_api import expect

from assessments.models import Assessment, FindingExplanation, IndicatorRow, Project
from tests.assessments.workbook.workbook_helpers import edited, exported, locate
from tests.e2e.conftest import login

PASSWORD = "perfeval-demo-2026"


def _demo():
    call_command("load_frameworks", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    return Assessment.objects.get(unit__code="430200-101")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_import_preview_reads_by_indicator_and_cell_at_1366(page, live_server, screenshot, tmp_path, db):
    import openpyxl

    assessment = _demo()
    visits = IndicatorRow.objects.get(assessment=assessment, project=None, name="老干住院慰问率")
    project = Project.objects.get(assessment=assessment, position=1)
    original = exported(assessment)
    filled = edited(
        original,
        {
            ("facts", "reception_actual"): 1234.5,
            (f"row:{visits.pk}", "actual_value"): "95%",
            (f"row:{visits.pk}", "deviation_reason"): "两名老干部住院未及时获知",
            (f"project:{project.pk}", "fiscal_spending_actual"): "20",
            ("assessment", "goal_achieved"): None,
        },
    )
    upload = tmp_path / "填好的工作簿.xlsx"
    upload.write_bytes(filled)
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "zz-preparer", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/excel/")
    page.set_input_files("#workbook-file", str(upload))
    page.get_by_role("button", name="上传并预览").click()
    table = page.locator("#workbook-changes")
    expect(table).to_be_visible()
    sheet, cell = locate(openpyxl.load_workbook(io.BytesIO(original)), f"row:{visits.pk}", "actual_value")
    row = table.locator("tbody tr", has_text="产出指标·数量指标·老干住院慰问率·实际完成值")
    expect(row.locator(".change-where")).to_have_text(f"{sheet} {cell}")
    expect(row.locator(".change-old")).to_have_text("100%")
    expect(row.locator(".change-new")).to_have_text("95%")
    expect(table.locator("tbody tr", has_text="基础数据表·公务接待费·本年决算数").locator(".change-new")).to_have_text(
        "1,234.50 万元"
    )
    expect(table.locator("tbody tr", has_text="年度总体目标·实际完成情况").locator(".change-new")).to_have_text(
        "（空）"
    )
    expect(table).not_to_contain_text("第")
    assert _fits(page)
    screenshot("checks13-workbook-preview-1366")


def test_a_project_hint_is_explained_beside_it_and_the_box_survives_the_live_preview(page, live_server, screenshot, db):
    assessment = _demo()
    project = Project.objects.get(assessment=assessment, position=1)
    IndicatorRow.objects.create(
        assessment=assessment,
        project=project,
        position=9,
        group_code="recipient_satisfaction",
        name="老干部满意度",
        weight=Decimal(10),
        kind=IndicatorRow.Kind.QUANTITATIVE,
        target_value="≥90%",
        actual_value="80%",
        target_comparator=">=",
        target_number=Decimal(90),
        actual_number=Decimal(80),
        deviation_reason="调查样本偏少",
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "zz-preparer", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/projects/{project.pk}/")
    findings = page.locator("#project-findings")
    hint = findings.locator(".finding-hint", has_text="缺少有效问卷数")
    expect(hint).to_contain_text("待说明")
    box = hint.locator("textarea")
    box.fill("问卷由街道代发，回收份数未统计")
    # The table is typed in: the live preview recomputes the findings around the box and keeps what it holds.
    with page.expect_response(lambda r: "/preview/" in r.url):
        page.fill("#id_project-fiscal_spending_actual", "37")
    expect(page.locator("#c-execution_rate")).to_have_text("97.37%")  # the preview has replaced the computed parts
    expect(findings.locator(".finding-hint", has_text="缺少有效问卷数").locator("textarea")).to_have_value(
        "问卷由街道代发，回收份数未统计"
    )
    assert _fits(page)
    screenshot("checks13-project-findings-1366")
    page.fill("#id_project-fiscal_spending_actual", "38")  # back as stored: nothing left unsaved in the table
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("#save-project-explanations").click()
    assert FindingExplanation.objects.get(assessment=assessment).text == "问卷由街道代发，回收份数未统计"
    expect(page.locator("#project-findings .finding-hint", has_text="缺少有效问卷数")).to_contain_text("已说明")
    expect(page.locator("#project-panel-checks")).not_to_contain_text("待说明（")
    screenshot("checks13-project-explained-1366")
