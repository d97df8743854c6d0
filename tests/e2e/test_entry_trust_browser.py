"""Data entry a finance officer can trust, in Chromium: hand scores survive a save, a refused save keeps the page
unsaved (leaving warns, the typed values come back), and the 自评表 fits a 1366 px screen."""

import io
import re

from django.core.management import call_command
from playwright.sync_api import expect

from assessments.models import Assessment, IndicatorRow
from tests.e2e.conftest import login

PASSWORD = "perfeval-demo-2026"
FUTIAN = "440304-101"


def _futian():
    call_command("load_frameworks", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    return Assessment.objects.get(unit__code=FUTIAN)


def _hand_scores(assessment) -> dict:
    rows = IndicatorRow.objects.filter(assessment=assessment, code__in=["budget_execution", "satisfaction"])
    return {row.code: (row.manual, row.score, row.score_reason) for row in rows}


def test_retyping_a_value_and_saving_keeps_the_hand_scores_and_the_total(page, live_server, screenshot, db):
    assessment = _futian()
    before = _hand_scores(assessment)
    login(page, live_server, "ft-preparer", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/self-eval/")
    expect(page.locator("#score-total")).to_have_text("96.97")
    # The choice is visible, with its reason, and the score is marked 人工 on the row and in the panel.
    chosen = page.locator("select[data-manual-choice]")
    assert [chosen.nth(i).input_value() for i in range(chosen.count())].count("True") == 2
    expect(page.locator(".hand-scored")).to_have_count(2)
    planned = page.locator("#id_facts-key_tasks_planned")
    planned.fill(planned.input_value())  # retyped, unchanged
    page.click(".save-bar button[type=submit]")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    expect(page.locator("#score-total")).to_have_text("96.97")
    assert _hand_scores(assessment) == before


def test_choosing_hand_scoring_shows_the_score_and_reason_and_requires_the_reason(page, live_server, db):
    assessment = _futian()
    login(page, live_server, "ft-preparer", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/self-eval/")
    row = page.locator("tr[data-form-row]", has=page.get_by_text("重点工作完成情况", exact=False)).first
    score = row.locator("input[name$='-score']")
    expect(score).to_be_hidden()
    row.locator("select[data-manual-choice]").select_option("True")
    expect(score).to_be_visible()
    score.fill("3")
    page.click(".save-bar button[type=submit]")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".invalid-feedback", has_text="须说明数据无法取得的原因")).to_be_visible()
    row = page.locator("tr[data-form-row]", has=page.get_by_text("重点工作完成情况", exact=False)).first
    row.locator("textarea[name$='-score_reason']").fill("台账未归档，按会议纪要评分")
    page.click(".save-bar button[type=submit]")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    stored = IndicatorRow.objects.get(assessment=assessment, code="key_tasks")
    assert (stored.manual, str(stored.score), stored.score_reason) == (True, "3.00", "台账未归档，按会议纪要评分")


def _refuse_a_finance_save(page, live_server, assessment):
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/finance/")
    page.fill("#id_inst-0-income_other", "12.34")
    page.fill("#id_inst-0-spending_public", "abc")
    page.click(".save-bar button[type=submit]")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".invalid-feedback", has_text="请填写金额")).to_be_visible()
    expect(page.locator("[data-refused-note]")).to_be_visible()


def test_after_a_refused_save_leaving_by_a_tab_link_warns_and_the_values_come_back(page, live_server, screenshot, db):
    assessment = _futian()
    login(page, live_server, "ft-preparer", PASSWORD)
    _refuse_a_finance_save(page, live_server, assessment)
    screenshot("entry-refused-save")

    # Staying: the dialog is dismissed and nothing moves.
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    page.click("a[data-tab-link][href$='/basic/']")
    assert messages and "未能保存" in messages[0]
    assert page.url.endswith("/finance/")
    # Leaving anyway, then coming back: both typed values are there again, and the page is still unsaved.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("a[data-tab-link][href$='/basic/']")
    page.wait_for_url(re.compile(r".*/basic/$"))
    page.click("a[data-tab-link][href$='/finance/']")
    page.wait_for_url(re.compile(r".*/finance/$"))
    expect(page.locator("#id_inst-0-income_other")).to_have_value("12.34")
    expect(page.locator("#id_inst-0-spending_public")).to_have_value("abc")
    expect(page.locator("[data-restored-note]")).to_be_visible()
    # Corrected and saved: the valid value is stored, and the draft is gone.
    page.fill("#id_inst-0-spending_public", "1")
    page.click(".save-bar button[type=submit]")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    expect(page.locator("#id_inst-0-income_other")).to_have_value("12.34")
    page.reload()
    expect(page.locator("[data-restored-note]")).to_be_hidden()


def test_after_a_refused_save_leaving_for_the_inbox_warns_before_unload(page, live_server, db):
    assessment = _futian()
    login(page, live_server, "ft-preparer", PASSWORD)
    _refuse_a_finance_save(page, live_server, assessment)
    kinds = []
    page.once("dialog", lambda dialog: (kinds.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="我的待办").click()
    page.wait_for_timeout(300)  # the beforeunload dialog is answered; the page must not have moved
    assert kinds == ["beforeunload"]
    assert page.url.endswith("/finance/")
    expect(page.locator("#id_inst-0-spending_public")).to_have_value("abc")


def _inside_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_the_self_evaluation_fits_1366_px_with_name_weight_score_and_reason_together(page, live_server, screenshot, db):
    assessment = _futian()
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "ft-preparer", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/self-eval/")
    screenshot("entry-self-eval-1366")
    table = page.locator("table.indicator-table")
    headers = table.locator("thead th")
    shown = [headers.nth(i).inner_text().strip() for i in range(headers.count())]
    assert {"指标", "分值", "得分", "偏差原因分析及改进措施"} <= set(shown)
    # Every table of the tab has column headers.
    assert page.evaluate("[...document.querySelectorAll('#tab-form table')].every(t => t.querySelector('thead th'))")
    row = table.locator("tr[data-form-row]", has=page.get_by_text("重点工作完成情况", exact=False)).first
    row.scroll_into_view_if_needed()
    for cell in ("td.col-name, td.indent-2", "td.col-weight >> nth=0", "td.col-weight >> nth=1", "td.col-reason"):
        assert _inside_viewport(page, row.locator(cell).first), cell
    # No table scrolls sideways, nor does the page.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(
        "[...document.querySelectorAll('.table-responsive')].every(e => e.scrollWidth <= e.clientWidth + 1)"
    )
    # Every drop-down shows its full text (its chosen option's text, measured in its font, fits inside it).
    assert page.evaluate(CUT_SELECTS) == []
    # The header stays in view while the table scrolls by.
    row.scroll_into_view_if_needed()
    page.mouse.wheel(0, 600)
    header = table.locator("thead th").first.bounding_box()
    assert 0 <= header["y"] < 60


# The visible drop-downs of the tab whose chosen text is wider than the room inside them (padding and arrow excluded).
CUT_SELECTS = """() => {
  const context = document.createElement("canvas").getContext("2d");
  return [...document.querySelectorAll("#tab-form select")].filter((s) => s.offsetParent).filter((s) => {
    const style = getComputedStyle(s);
    context.font = `${style.fontSize} ${style.fontFamily}`;
    const text = s.options[s.selectedIndex] ? s.options[s.selectedIndex].text : "";
    const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return context.measureText(text).width > room + 1;
  }).map((s) => `${s.name}: ${s.options[s.selectedIndex].text}`);
}"""


def test_the_unit_page_does_not_scroll_sideways_at_1366_px(page, live_server, screenshot, db):
    assessment = _futian()
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "ft-preparer", PASSWORD)
    page.goto(f"{live_server.url}/units/{assessment.unit.pk}/")
    screenshot("entry-unit-1366")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_hunan_self_evaluation_with_unit_written_rows_fits_1366_px(page, live_server, screenshot, db):
    _futian()
    assessment = Assessment.objects.get(unit__code="430200-101")
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "zz-preparer", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/self-eval/")
    screenshot("entry-self-eval-hunan-1366")
    rows = page.locator("table.indicator-table tr[data-form-row][data-kind]:not([data-kind=''])")
    assert rows.count() > 0
    row = rows.first
    row.scroll_into_view_if_needed()
    for cell in ("td.col-name", "td.col-weight >> nth=0", "td.col-weight >> nth=1", "td.col-reason"):
        assert _inside_viewport(page, row.locator(cell).first), cell
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The longest text a unit-written row's drop-down can show, chosen.
    qualitative = page.locator("table.indicator-table tr[data-form-row][data-kind='qualitative']").first
    qualitative.locator("select[name$='-outcome']").select_option(label="部分达成年度指标并具有一定效果")
    assert page.evaluate(CUT_SELECTS) == []


def test_a_save_refused_because_another_tab_saved_first_shows_their_change_and_applies_both(page, live_server, db):
    assessment = _futian()
    login(page, live_server, "ft-preparer", PASSWORD)
    url = f"{live_server.url}/assessments/{assessment.pk}/basic-data/"
    page.goto(url)
    other = page.context.new_page()
    other.goto(url)
    other.fill("#id_facts-reception_budget", "12.50")
    other.click(".save-bar button[type=submit]")
    other.wait_for_load_state("networkidle")
    expect(other.locator(".alert-success")).to_contain_text("已保存")
    other.close()

    page.fill("#id_facts-austerity_measures", "压减会议费")
    page.click(".save-bar button[type=submit]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#conflict-theirs")).to_contain_text("基础数据表·公务接待费·本年预算数")
    expect(page.locator("#conflict-theirs")).to_contain_text("→ 12.50")
    expect(page.locator("#conflict-merged")).to_be_visible()
    expect(page.locator("#id_facts-austerity_measures")).to_have_value("压减会议费")
    expect(page.locator("#id_facts-reception_budget")).to_have_value("12.50")
    page.click(".save-bar button[type=submit]")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    facts = Assessment.objects.get(pk=assessment.pk).facts
    assert (str(facts.reception_budget), facts.austerity_measures) == ("12.50", "压减会议费")


def test_a_save_after_the_session_ended_loses_nothing_typed(page, live_server, db):
    """Hours of typing, then 保存 after the idle timeout ended the session: the login page comes, and back on the tab
    after signing in again every typed value is there, still unsaved, and nothing was written meanwhile."""
    from django.contrib.sessions.models import Session

    assessment = _futian()
    login(page, live_server, "ft-preparer", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/finance/")
    page.fill("#id_inst-0-income_other", "12.34")
    page.fill("#id_inst-0-spending_public", "56.78")
    page.wait_for_timeout(500)  # the draft is kept 300 ms after the last keystroke
    Session.objects.all().delete()  # what the idle timeout does on the server
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(".save-bar button[type=submit]")
    page.wait_for_url(re.compile(r".*/login/.*"))
    page.fill("#id_username", "ft-preparer")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/finance/$"))
    expect(page.locator("#id_inst-0-income_other")).to_have_value("12.34")
    expect(page.locator("#id_inst-0-spending_public")).to_have_value("56.78")
    expect(page.locator("[data-restored-note]")).to_be_visible()
    institution = assessment.institutions.get()
    assert str(institution.income_other or "") != "12.34"
