"""A preparer downloads seed 001's workbook, fills it offline (here: openpyxl stands in for Excel), uploads it, reads
the preview of what will change and applies it; a wrong file is refused with its reason and changes nothing."""

import io
from decimal import Decimal

from django.core.management import call_command
from playwright.sync_api import expect

from assessments.models import Assessment, Facts, SpecialFund
from tests.assessments.workbook.workbook_helpers import edited
from tests.e2e.conftest import login

PASSWORD = "perfeval-demo-2026"


def test_preparer_downloads_fills_uploads_previews_and_applies_the_workbook(
    page, live_server, screenshot, settings, tmp_path, db
):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_frameworks", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    assessment = Assessment.objects.get(unit__code="430200-101")
    login(page, live_server, "zz-preparer", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/assessments/{assessment.pk}/basic-data/")
    page.click("#workbook-link")
    expect(page.get_by_role("heading", name="下载 Excel 工作簿")).to_be_visible()
    screenshot("workbook-page")
    with page.expect_download() as info:
        page.click("#workbook-download-button")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        content = handle.read()

    # Filled offline: two amounts (one with full-width digits), a new special fund, the goal.
    filled = edited(
        content,
        {
            ("facts", "reception_actual"): "０．３",
            ("facts", "spending_q4"): 2681.55,
            ("fund:new:1", "name"): "老干部活动中心维修专项",
            ("fund:new:1", "budget"): 15,
            ("fund:new:1", "actual"): 14.2,
            ("assessment", "goal_achieved"): "全面完成年度目标",
        },
    )
    upload = tmp_path / "填好的工作簿.xlsx"
    upload.write_bytes(filled)

    page.set_input_files("#workbook-file", str(upload))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#workbook-changes")).to_be_visible()
    rows = page.locator("#workbook-changes tbody tr")
    expect(rows).to_have_count(6)
    expect(page.locator("#workbook-changes")).to_contain_text("公务接待费·本年决算数")
    expect(page.locator("#workbook-changes")).to_contain_text("老干部活动中心维修专项")
    screenshot("workbook-preview")
    assert Facts.objects.get(assessment=assessment).reception_actual == Decimal("0")

    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url(f"{live_server.url}/assessments/{assessment.pk}/basic-data/")
    expect(page.locator(".alert-success")).to_contain_text("已导入 Excel 工作簿：6 项修改已保存")
    screenshot("workbook-applied")
    facts = Facts.objects.get(assessment=assessment)
    assert (facts.reception_actual, facts.spending_q4) == (Decimal("0.30"), Decimal("2681.55"))
    assert SpecialFund.objects.filter(assessment=assessment, name="老干部活动中心维修专项").exists()

    # A file that is not a workbook: refused with its reason, nothing saved.
    wrong = tmp_path / "旧表.xls"
    wrong.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    version = Assessment.objects.get(pk=assessment.pk).lock_version
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/excel/")
    page.set_input_files("#workbook-file", str(wrong))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#workbook-refusal")).to_contain_text("Excel 97-2003")
    screenshot("workbook-refused")
    assert Assessment.objects.get(pk=assessment.pk).lock_version == version
    assert page.requested_hosts == {live_server.url.removeprefix("http://")}
