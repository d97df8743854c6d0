"""The live preview of a 60-row 自评表 in the browser: every computed cell and the score panel are replaced in place,
once each, without htmx's out-of-band swap (whose events grow with the square of the cells: bench/live_score.py)."""

from decimal import Decimal

from playwright.sync_api import expect

from assessments.models import IndicatorRow
from tests.e2e.conftest import login


def test_a_60_row_self_eval_preview_replaces_every_cell_once_without_oob_events(page, live_server, assessment, alice):
    IndicatorRow.objects.bulk_create(
        IndicatorRow(
            assessment=assessment,
            group_code="quantity",
            name=f"指标{i}",
            weight=1,
            kind="quantitative",
            target_value="≥90%",
            target_comparator=">=",
            target_number=Decimal(90),
            actual_value="85%",
            actual_number=Decimal(85),
            position=i,
        )
        for i in range(60)
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "alice", "secret-pass-123")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/self-eval/")
    points = page.locator("[id^='c-row-'][id$='-points']")
    cells = points.count()
    assert cells >= 60
    # The cells as the page drew them are marked: a replaced cell comes without the mark.
    page.evaluate(
        "() => { window.oobEvents = 0;"
        " document.body.addEventListener('htmx:oobAfterSwap', () => { window.oobEvents += 1; });"
        " document.querySelectorAll('[id^=\"c-\"], #score-panel').forEach((cell) => { cell.dataset.drawn = '1'; }); }"
    )
    before = page.locator("#score-total").inner_text()

    page.fill("#id_facts-budget_full_year", "2707.46")
    page.fill("#id_facts-spending_actual", "1624.48")  # 60.00 % of the budget: 6 of the 10 points

    expect(page.locator("#c-execution_rate")).to_have_text("60.00%")
    expect(page.locator("#c-execution_points")).to_have_text("6.00")
    expect(page.locator("#score-total")).not_to_have_text(before)
    assert points.count() == cells  # each cell replaced, none lost or doubled
    assert page.locator("#score-panel").count() == 1
    expect(page.locator("[id='c-row-20-points']")).to_have_text("0.94")  # 85 % of a 90 % target, of 1 point
    expect(page.locator("[data-drawn]")).to_have_count(0)
    assert page.evaluate("() => window.oobEvents") == 0
