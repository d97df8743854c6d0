"""In Chromium at 1366 px: last year's figure (上年) beside the inputs of 收支情况, and a 提示's explanation box next to
the field (or 自评表 row) it is about, saved into the same store as the 得分与检查 box; 去修改 still leads to the
highlighted field."""

import io
import re
from decimal import Decimal

from django.contrib.auth.models import User
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
    preparer = User.objects.get(username="ft-preparer")
    prior = assessment_create(unit=assessment.unit, year=assessment.year - 1, user=preparer)
    Institution.objects.filter(assessment=prior).update(income_other=Decimal("1234.5"))
    return assessment


def test_finance_shows_last_years_figure_beside_its_input_at_1366_px(page, live_server, screenshot, db):
    assessment = _futian_with_last_year()
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "ft-preparer", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/finance/")
    cell = page.locator("td", has=page.locator("#id_inst-0-income_other"))
    expect(cell.locator(".prior")).to_have_text("上年 1,234.50")
    screenshot("entry-finance-beside-1366")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


HUNAN = "430200-101"


def test_a_hint_is_explained_beside_its_field_and_the_score_tab_shows_the_same(page, live_server, screenshot, db):
    _futian_with_last_year()
    assessment = Assessment.objects.get(unit__code=HUNAN)
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "zz-preparer", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/basic-data/")
    # 公务接待费 fell by 100 % on last year's 决算: its box stands in the cell of 本年决算数.
    cell = page.locator("td", has=page.locator("#id_facts-reception_actual"))
    box = cell.locator(".hint-box")
    expect(box).to_contain_text("公务接待费本年决算数")
    key = box.get_attribute("data-finding-key")
    # Beside an input in a table cell the box is a marker; opened, its panel lies over the table.
    expect(box.locator("textarea")).to_be_hidden()
    box.locator("summary").click()
    box.locator("textarea").fill("本年未发生公务接待")
    # Typing an explanation leaves the tab's own data saved: leaving it asks nothing.
    expect(page.locator("[data-dirty-note]")).to_be_hidden()
    box.get_by_role("button", name="保存说明").click()
    page.wait_for_url(re.compile(r".*/basic-data/$"))
    expect(page.locator(".alert-success")).to_contain_text("已保存 1 条提示说明")
    assert stored_explanations(assessment)[key] == "本年未发生公务接待"
    box = page.locator(f".hint-box[data-finding-key='{key}']")
    expect(box).to_contain_text("已说明")
    box.locator("summary").click()
    expect(box.locator("textarea")).to_have_value("本年未发生公务接待")
    screenshot("entry-basic-data-hint-1366")

    # The same explanation on 得分与检查; its 去修改 leads back to the field, highlighted.
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/score/")
    hint = page.locator(f".finding-hint[data-finding-key='{key}']")
    expect(hint.locator("textarea")).to_have_value("本年未发生公务接待")
    hint.get_by_role("link", name="去修改").click()
    page.wait_for_url(re.compile(r".*/basic-data/#id_facts-reception_actual$"))
    expect(page.locator("#id_facts-reception_actual")).to_have_class(re.compile(r"field-highlight"))

    # On the 自评表 a row's 提示 (满意度 without the survey's counts) has its box in that row.
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/self-eval/")
    row = page.locator("tr[data-form-row]", has=page.locator("input[name$='-survey_responses']")).first
    explain = row.locator("xpath=following-sibling::tr[1]")
    expect(explain.locator(".hint-box")).to_contain_text("缺少有效问卷数")
    explain.locator(".hint-box").scroll_into_view_if_needed()
    screenshot("entry-self-eval-rows-hunan-1366")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_futian_self_evaluation_at_1366_px(page, live_server, screenshot, db):
    assessment = _futian_with_last_year()
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "ft-preparer", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/self-eval/")
    expect(page.locator("tr[data-form-row]").first).to_be_visible()
    screenshot("entry-self-eval-rows-1366")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
