"""A preparer fills seed 001's 附件1-2 figures through the browser and sees the live score and the findings."""

import contextlib
import io
import re

from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import expect

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


def test_preparer_fills_seed_001_and_sees_live_scores_and_findings(page, live_server, screenshot, db):
    assessment = _fresh_assessment()
    base = f"{live_server.url}/assessments/{assessment.pk}"
    login(page, live_server, "zz-preparer", PASSWORD)

    page.goto(f"{base}/basic/")
    screenshot("assessment-basic")

    # 附件1-1: the 三公 rows as printed; the totals are computed as the user types.
    page.goto(f"{base}/basic-data/")
    for name, value in {
        "vehicle_operation_prior": "10.15",
        "vehicle_operation_budget": "12",
        "vehicle_operation_actual": "11.99",
        "vehicle_purchase_budget": "18",
        "reception_prior": "0.16",
        "reception_budget": "0.5",
        "reception_actual": "0",
        "procurement_budget": "96",
        "procurement_actual": "44.09",
        "public_funds_budget": "323.59",
        "public_funds_actual": "250.31",
        "public_office_actual": "236.64",
        "public_utilities_travel_actual": "12.8",
        "public_meetings_training_actual": "0.87",
    }.items():
        page.fill(f"#id_facts-{name}", value)
    expect(page.locator("#c-sangong_budget")).to_have_text("30.50")
    assert page.locator("#c-sangong_actual").inner_text() == "11.99"
    screenshot("assessment-basic-data")

    # Leaving the tab saves it (and asks nothing, since it saved).
    page.click("a[data-tab-link][href$='/self-eval/']")
    page.wait_for_url(re.compile(r".*/self-eval/$"))
    assert page.locator(".alert-success").inner_text().startswith("“基础数据表”已保存")

    # 附件1-2 funds block: 2681.55 ÷ 2707.46 = 99.04 % → 9.90, live.
    page.fill("#id_facts-budget_initial", "1661.61")
    page.fill("#id_facts-budget_full_year", "２７０７．４６")  # full-width, as typed with a Chinese IME
    page.fill("#id_facts-spending_actual", "2681.55")
    # As printed, the breakdowns add up to the spending, not to the budget.
    page.fill("#id_facts-budget_general_budget", "2681.55")
    page.fill("#id_facts-budget_basic", "2609.57")
    page.fill("#id_facts-budget_project", "71.98")
    expect(page.locator("#c-execution_points")).to_have_text("9.90")
    assert page.locator("#c-execution_rate").inner_text() == "99.04%"

    # One unit-written row: target 每月一次 (12), actual 11 → 5.50 of 6.
    page.click("button[data-group='quantity']")
    row = page.locator("tr[data-form-row]").last
    row.locator("[name$='-name']").fill("开展老干党支部学习活动")
    row.locator("input[name$='-target_value']").fill("每月一次")
    row.locator("select[name$='-target_comparator']").select_option(">=")
    row.locator("input[name$='-target_number']").fill("12")
    row.locator("input[name$='-actual_value']").fill("11次")
    row.locator("select[name$='-kind']").select_option("quantitative")
    row.locator("input[name$='-weight']").fill("6")
    prefix = row.locator("[name$='-name']").get_attribute("name").removesuffix("-name")
    expect(page.locator(f"#c-{prefix}-points")).to_have_text("5.50")
    screenshot("assessment-self-eval")
    page.click("#tab-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "“自评表”已保存" in page.content()

    # The findings the seed's own numbers trigger, each linking to its field.
    page.goto(f"{base}/score/")
    findings = page.locator("#findings").inner_text()
    assert "按收入性质分合计 2681.55 ≠ 全年预算数 2707.46" in findings
    assert "公务接待费本年决算数 0.00 较上年决算数 0.16 变动 -100.00%" in findings
    screenshot("assessment-score")

    for tab in ("finance", "narrative"):
        page.goto(f"{base}/{tab}/")
        screenshot(f"assessment-{tab}")


def test_leaving_the_page_with_unsaved_changes_asks_first(page, live_server, db):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    assessment = _fresh_assessment()
    login(page, live_server, "zz-preparer", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/basic-data/")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    # Typed by a person (a beforeunload prompt needs a user gesture on the page).
    page.click("#id_facts-reception_budget")
    page.keyboard.type("0.5")
    with contextlib.suppress(PlaywrightTimeout):  # the prompt was dismissed, so the page stays
        page.reload(timeout=3000)
    assert dialogs == ["beforeunload"]
    assert page.locator("#id_facts-reception_budget").input_value() == "0.5"
