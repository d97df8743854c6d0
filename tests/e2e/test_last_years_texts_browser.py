"""In Chromium at 1366 px: a new year's 自评表 shows last year's choices by their labels and last year's long texts as
excerpts that open to the whole, and still fits the screen (the reason column in view, no sideways scrolling)."""

import io

from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import expect

from assessments.last_year import EXCERPT_CHARS
from assessments.models import Assessment, IndicatorRow
from assessments.services import assessment_create
from tests.e2e.conftest import login

PASSWORD = "perfeval-demo-2026"
FUTIAN = "440304-101"
REASON = (
    "部门预算已在门户网站公开，但公开时间晚于规定时限五个工作日，且未附部门预算公开说明；"
    "下一年度将在批复后二十日内公开，并由办公室专人复核公开内容和范围。"
)
GOAL = "围绕区委区政府中心工作，全面履行部门职责，完成年度重点工作任务二十项，确保预算执行率不低于百分之九十五。"


def _futian_next_year():
    """福田's demo 2021 assessment with 部门预算公开 answered 公开但不符合时限… and a long reason, and its 2022."""
    call_command("load_frameworks", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    prior = Assessment.objects.get(unit__code=FUTIAN)
    row = IndicatorRow.objects.get(assessment=prior, project=None, code="disclosure")
    row.answers = {**row.answers, "budget_disclosure": "defective"}
    row.deviation_reason = REASON
    row.save()
    Assessment.objects.filter(pk=prior.pk).update(goal_planned=GOAL)
    preparer = User.objects.get(username="ft-preparer")
    return assessment_create(unit=prior.unit, year=prior.year + 1, user=preparer)


def _inside_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_last_years_choices_and_texts_beside_the_self_evaluation_at_1366_px(page, live_server, screenshot, db):
    assessment = _futian_next_year()
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "ft-preparer", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/self-eval/")
    select = page.locator("select[name$='-ans_budget_disclosure']")
    row = page.locator("tr[data-form-row]", has=select)
    # The choice's label as its drop-down shows it, right under the drop-down; never its code.
    expect(select.locator("xpath=following-sibling::*[contains(@class,'prior')][1]")).to_have_text(
        "上年 公开但不符合时限、内容、范围等要求"
    )
    expect(row).not_to_contain_text("defective")
    # The long reason: an excerpt in the reason column, which opens to the whole text in the column's width.
    prior = row.locator("td.col-reason details.prior")
    expect(prior.locator("summary")).to_have_text(f"上年 {REASON[:EXCERPT_CHARS]}…")
    expect(prior.locator(".prior-full")).to_be_hidden()
    row.scroll_into_view_if_needed()
    screenshot("priortext-self-eval-1366")
    prior.locator("summary").click()
    expect(prior.locator(".prior-full")).to_have_text(REASON)
    screenshot("priortext-self-eval-reason-open-1366")
    for cell in ("td.indent-2", "td.col-weight >> nth=0", "td.col-weight >> nth=1", "td.col-reason"):
        assert _inside_viewport(page, row.locator(cell).first), cell
    assert _inside_viewport(page, prior.locator(".prior-full"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto(f"{live_server.url}/assessments/{assessment.pk}/basic/")
    goal = page.locator("details.prior", has=page.get_by_text(GOAL[:EXCERPT_CHARS], exact=False))
    expect(goal.locator("summary")).to_have_text(f"上年 {GOAL[:EXCERPT_CHARS]}…")
    goal.locator("summary").click()
    expect(goal.locator(".prior-full")).to_have_text(GOAL)
    screenshot("priortext-basic-1366")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


HUNAN = "430200-101"


def test_unit_written_rows_with_all_of_last_years_choices_still_fit_1366_px(page, live_server, screenshot, db):
    call_command("load_frameworks", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    prior = Assessment.objects.get(unit__code=HUNAN)
    IndicatorRow.objects.filter(assessment=prior, project=None, code="").update(
        kind="qualitative",
        outcome="partial",
        target_basis="history_last_year",
        actual_method="survey",
        data_source="business_judgement",
        evidence_types=["formal", "working", "vouchers", "statement"],
        deviation_reason=REASON,
    )
    preparer = User.objects.get(username="zz-preparer")
    assessment = assessment_create(unit=prior.unit, year=prior.year + 1, user=preparer)
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "zz-preparer", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/self-eval/")
    row = page.locator("table.indicator-table tr[data-form-row][data-kind]:not([data-kind=''])").first
    row.scroll_into_view_if_needed()
    expect(row.locator("select[name$='-outcome'] ~ .prior")).to_have_text("上年 部分达成年度指标并具有一定效果")
    row.locator("details.row-meta summary").click()
    expect(row.locator("label:has(select[name$='-actual_method']) + .prior")).to_have_text("上年 问卷调查法")
    expect(row.locator("fieldset + .prior")).to_have_text("上年 正式资料、工作资料、原始凭证、说明材料")
    row.locator("td.col-reason details.prior summary").click()
    screenshot("priortext-self-eval-hunan-1366")
    for cell in ("td.col-name", "td.col-weight >> nth=0", "td.col-weight >> nth=1", "td.col-reason"):
        assert _inside_viewport(page, row.locator(cell).first), cell
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
