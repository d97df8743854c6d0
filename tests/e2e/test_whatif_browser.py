"""指标体系试算 in Chromium at 1366 px: a reviewer opens 桃江's 2024 project under 财预〔2021〕101号 from the assessment's
page, reads both scores side by side and downloads the Excel file; an administrator runs the whole region-year."""

import io

from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from assessments.models import Assessment
from scoring.models import FrameworkVersion
from tests.e2e.conftest import login

PASSWORD = "perfeval-demo-2026"


def _version_value(code: str) -> str:
    return str(FrameworkVersion.objects.filter(framework__code=code).order_by("-version").first().pk)


def test_a_reviewer_compares_a_project_under_101_and_downloads_it(page, live_server, screenshot, db, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    page.set_viewport_size({"width": 1366, "height": 900})
    assessment = Assessment.objects.get(unit__code="430922-101", year=2024)
    login(page, live_server, "tj-finance", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/basic/")
    expect(page.locator("#framework-notes")).to_contain_text("由 湖南省 指定")
    page.locator("#whatif-link").click()
    page.select_option("#id_project", label="项目：军转干部、退役参战人员医疗保险费")
    page.select_option("#id_version", _version_value("mof-2021-core"))
    page.locator("#whatif-run").click()
    expect(page.locator("#whatif-lines")).to_be_visible()
    expect(page.locator("#whatif-lines")).to_contain_text("缴纳医疗保险人数")
    expect(page.locator("#whatif-base-total")).to_contain_text("99.00")
    # 成本指标 under 产出 becomes 101号's 经济成本指标, with its own level-1 weights
    expect(page.locator("#whatif-notes")).to_contain_text("经济成本指标")
    screenshot("whatif-1-project")
    # no horizontal scrolling of the page at 1366 px
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    with page.expect_download() as info:
        page.locator("#whatif-download").click()
    target = tmp_path / "whatif.xlsx"
    info.value.save_as(target)
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert any(row[1] == "缴纳医疗保险人数" for row in rows)
    assert page.requested_hosts <= {live_server.url.split("//")[1]}


def test_an_administrator_runs_a_region_year(page, live_server, screenshot, db, tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "admin", PASSWORD)
    page.goto(f"{live_server.url}/whatif/")
    page.select_option("#id_region", label="湖南省")
    page.fill("#id_year", "2024")
    page.select_option("#id_form", "project")
    page.select_option("#id_version", _version_value("mof-2021-core"))
    page.get_by_role("button", name="开始试算").click()
    expect(page.locator("#whatif-progress")).to_have_attribute("data-status", "done", timeout=60_000)
    expect(page.locator("#whatif-summary")).to_be_visible()
    expect(page.locator("#whatif-shifts")).to_contain_text("指标")
    screenshot("whatif-2-region")
    with page.expect_download() as info:
        page.locator("#whatif-region-download").click()
    target = tmp_path / "region.xlsx"
    info.value.save_as(target)
    assert load_workbook(target).sheetnames == ["汇总", "逐份"]
