"""A time limit typed as a 时效 target is read back as a time limit on the 自评表, at 1366 px, in Chromium."""

import io

from django.core.management import call_command

from assessments.models import Assessment, IndicatorRow
from tests.e2e.conftest import login

PASSWORD = "perfeval-demo-2026"


def test_a_deadline_target_reads_back_as_a_time_limit_with_its_number_fields_closed(page, live_server, screenshot, db):
    call_command("load_frameworks", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    assessment = Assessment.objects.get(unit__code="430200-101")
    IndicatorRow.objects.create(
        assessment=assessment, group_code="timeliness", name="项目完工时间", weight=0, kind="quantitative",
        target_value="2023年12月31日前", actual_value="2023年11月20日完工", position=999,
    )  # fmt: skip
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, "zz-preparer", PASSWORD)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/self-eval/")
    row = page.locator("tr[data-form-row]", has_text="项目完工时间").first
    row.scroll_into_view_if_needed()
    screenshot("entry-deadline-reading-1366")
    reading = row.locator("details.target-reading")
    assert reading.locator("summary").inner_text().strip() == "读作：时限：2023年12月31日前"
    assert reading.get_attribute("open") is None  # nothing to type: the comparator and number stay folded away
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
