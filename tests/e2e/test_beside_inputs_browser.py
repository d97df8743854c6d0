"""In Chromium at 1366 px: last year's figure (上年) beside the inputs of 收支情况, and a 提示's explanation box next to
the field it is about, saved into the same store as the 得分与检查 box; 去修改 still leads to the highlighted field."""

import io
import re
from decimal import Decimal

from django.core.management import call_command
from playwright.sync_api import expect

from assessments.explanations import stored_explanations
from assessments.models import Assessment, Institution
from assessments.services import assessment_create
from tests.e2e.conftest import login

PASSWORD = "perfeval-demo-2026"
FUTIAN = "440304-101"


def _futian_with_last_year():
    call_command("load_frameworks", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    assessment = Assessment.objects.get(unit__code=FUTIAN)
    prior = assessment_create(unit=assessment.unit, year=assessment.year - 1, user=assessment.created_by)
    Institution.objects.filter(assessment=prior).update(income_other=Decimal("1234.5"))
    return assessment


def test_finance_shows_last_year_and_a_hint_is_explained_beside_its_field(page, live_server, screenshot, db):
    assessment = _futian_with_last_year()
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "ft-preparer", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/finance/")
    cell = page.locator("td", has=page.locator("#id_inst-0-income_other"))
    expect(cell.locator(".prior")).to_have_text("上年 1,234.50")
    box = page.locator(".hint-box").first
    expect(box).to_be_visible()
    screenshot("entry-finance-beside-1366")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The box stands in the cell of the field it is about.
    key = box.get_attribute("data-finding-key")
    field_cell = box.locator("xpath=ancestor::td[1]")
    expect(field_cell.locator("input.form-control").first).to_be_visible()

    # Typing an explanation does not make the tab's own data unsaved; its button saves it.
    box.locator("textarea").fill("公用经费含年中追加的办公用房维修")
    box.get_by_role("button", name="保存说明").click()
    page.wait_for_url(re.compile(r".*/finance/$"))
    expect(page.locator(".alert-success")).to_contain_text("已保存 1 条提示说明")
    assert stored_explanations(assessment)[key] == "公用经费含年中追加的办公用房维修"
    expect(page.locator(f".hint-box[data-finding-key='{key}'] textarea")).to_have_value(
        "公用经费含年中追加的办公用房维修"
    )

    # The same explanation on 得分与检查; its 去修改 leads back to the field, highlighted.
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/score/")
    hint = page.locator(f".finding-hint[data-finding-key='{key}']")
    expect(hint.locator("textarea")).to_have_value("公用经费含年中追加的办公用房维修")
    hint.get_by_role("link", name="去修改").click()
    page.wait_for_url(re.compile(r".*/finance/#id_.*"))
    target = page.url.split("#", 1)[1]
    expect(page.locator(f"#{target}")).to_have_class(re.compile(r"field-highlight"))


def test_the_self_evaluation_rows_at_1366_px(page, live_server, screenshot, db):
    assessment = _futian_with_last_year()
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "ft-preparer", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/self-eval/")
    expect(page.locator("tr[data-form-row]").first).to_be_visible()
    screenshot("entry-self-eval-rows-1366")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Explanation boxes of the rows' 提示 sit in the row's explanation line.
    boxes = page.locator("tr.explain-row .hint-box")
    if boxes.count():
        expect(boxes.first.locator("textarea")).to_be_visible()
