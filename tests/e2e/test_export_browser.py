"""The administrator exports every demo unit's report from the browser, watches the progress reach 100 % and
downloads the combined PDF; then opens the dashboard and, logged out, the public page."""

import io
import shutil
import subprocess
from pathlib import Path

from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, login

PASSWORD = "perfeval-demo-2026"


def test_an_administrator_exports_all_years_and_downloads_the_combined_pdf(
    page, live_server, screenshot, db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", stdout=io.StringIO())
    finalise_futian()
    login(page, live_server, "admin", PASSWORD)

    page.get_by_role("link", name="年度导出").first.click()
    page.select_option("#id_year", "all")
    page.select_option("#id_scope", "all")
    expect(page.locator("#id_counted")).to_have_value("final")  # 仅已定稿 unless asked for the drafts too
    page.select_option("#id_counted", "all")
    screenshot("export-1-form")
    page.get_by_role("button", name="开始导出").click()

    progress = page.locator("#export-progress")
    expect(progress).to_have_attribute("data-status", "done", timeout=120_000)
    expect(page.locator("#export-percent")).to_have_text("100")
    expect(page.locator("#export-count")).to_contain_text("3 / 3")
    screenshot("export-2-done")

    with page.expect_download() as info:
        page.locator("#download-pdf").click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    assert download.suggested_filename == "全部年度部门整体支出绩效自评报告汇编（全部单位）.pdf"

    # The first pages as images, for a person to look at (artifacts/screenshots/export-pdf-*.png).
    if shutil.which("pdftoppm"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "4", str(target), str(SCREENSHOTS / "export-pdf")],
            check=True,
        )
        assert sorted(Path(SCREENSHOTS).glob("export-pdf-*.png"))

    page.get_by_role("link", name="管理看板").first.click()
    page.goto(f"{live_server.url}/dashboard/?year=all")
    expect(page.locator("#dashboard-units tbody tr")).to_have_count(3)
    expect(page.locator("#chart-grades")).to_be_visible()
    screenshot("export-3-dashboard")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#public-link").click()
    expect(page.locator("h1")).to_contain_text("绩效自评报告公开")
    expect(page.locator("#public-2021")).to_contain_text("0755-****1534")
    expect(page.locator("#public-2021")).not_to_contain_text("83301534")
    screenshot("export-4-public")
    assert page.requested_hosts <= {urlparse_host(live_server.url)}


def finalise_futian():
    """The Futian demo signed through every step by its demo users (as tests/assessments/exports/conftest.py does)."""
    from django.contrib.auth import get_user_model

    from assessments.models import Assessment
    from assessments.workflow import services as workflow

    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="ft-")}
    assessment = Assessment.objects.select_related("unit__region", "unit__parent").get(unit__code="440304-101")
    workflow.assessment_submit(assessment=assessment, user=users["ft-preparer"])
    suffix = {"group_leader": "leader", "unit_head": "head", "supervisor": "supervisor", "finance": "finance"}
    for step in workflow.steps_for(assessment.unit):
        assessment = Assessment.objects.select_related("unit__region", "unit__parent").get(pk=assessment.pk)
        workflow.assessment_sign(assessment=assessment, user=users[f"ft-{suffix[step.code]}"], opinion="同意。")


def urlparse_host(url: str) -> str:
    from urllib.parse import urlparse

    return urlparse(url).netloc
