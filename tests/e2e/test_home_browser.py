import io
from urllib.parse import urlparse

import yaml
from django.core.management import call_command

from assessments.management.commands.load_demo import DEMO_FILE
from tests.e2e.conftest import login


def test_demo_preparer_logs_in_and_sees_their_unit_in_chinese(page, live_server, screenshot, db):
    call_command("load_demo", stdout=io.StringIO())
    password = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))["demo_password"]

    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "登录 perfeval 绩效自评"
    screenshot("login")

    login(page, live_server, "zz-preparer", password)
    assert page.locator("h1").inner_text() == "我的单位"
    assert page.get_by_role("link", name="株洲市行业办公室").is_visible()
    assert "深圳市福田区老干部活动中心" not in page.content()
    # Bootstrap came from our own static files: the navbar is styled.
    assert page.locator("nav.navbar").evaluate("e => getComputedStyle(e).display") == "flex"
    screenshot("home-preparer")

    page.get_by_role("link", name="株洲市行业办公室").click()
    page.wait_for_load_state("networkidle")
    assert "96.15%" in page.content()
    screenshot("unit-detail")

    test_server = urlparse(live_server.url).netloc
    assert page.requested_hosts == {test_server}
