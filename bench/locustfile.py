"""What a simulated preparer does, for bench/loadtest.py (which sets the variables below and reads the results).

PreparerUser logs in once through the login form, then reads the inbox, opens tabs of its own assessment and saves
the tab it is on with the form's fields and lock_version, as the browser would (POST, then the redirect's GET).
TrivialUser only fetches the login page: a template without the database, the server's ceiling for comparison.

Environment: LOAD_USERS_FILE (JSON list of username, password, assessment), LOAD_WAIT ("MIN,MAX" seconds of think
time, or "0"), LOAD_MEASURE_SECONDS (how long to measure once every user is in), LOAD_EXTRA_FILE (JSON written at
the end: the measured window and the logins, which are not in the stats), LOAD_MARK_PREFIX (files touched when the
measurement starts and stops).
"""

import itertools
import json
import os
import random
import re
import sys
import time
from pathlib import Path

import gevent
from gevent.event import Event
from locust import FastHttpUser, between, constant, events, task

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.html_forms import form_data

USERS = json.loads(Path(os.environ["LOAD_USERS_FILE"]).read_text()) if os.getenv("LOAD_USERS_FILE") else []
WAIT = [float(s) for s in os.getenv("LOAD_WAIT", "1,3").split(",")]
MEASURE_SECONDS = float(os.getenv("LOAD_MEASURE_SECONDS", "60"))
EXTRA_FILE = os.getenv("LOAD_EXTRA_FILE")
MARK_PREFIX = os.getenv("LOAD_MARK_PREFIX")  # <prefix>.start and .stop tell the orchestrator when to sample CPU

OPEN_TABS = ["basic", "finance", "basic-data", "self-eval", "projects", "narrative", "score"]
# A save changes one field, as a person typing would; the other fields go back as the page showed them.
EDITS = {
    "basic": lambda data: {"goal-goal_achieved": f"完成年度目标（第{random.randint(1, 9999)}次修改）"},
    "finance": lambda data: {"inst-0-income_other": str(random.randint(0, 500))},
    "basic-data": lambda data: {"facts-reception_actual": f"{random.randint(0, 300) / 10:.2f}"},
    "self-eval": lambda data: {f"row-{random.randint(0, 49)}-actual_value": f"{random.randint(80, 100)}%"},
    "narrative": lambda data: {"problems": f"资金支付进度偏慢（{random.randint(1, 9999)}）。"},
}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_credentials = itertools.count()
_ready = {"users": 0, "measuring_since": None, "measured_until": None}
_logins: list[dict] = []
_everyone_in = Event()


def _all_in(environment) -> None:
    """Wait until every user is logged in, then measure from zero for LOAD_MEASURE_SECONDS. Nobody works before:
    a request started during the logins (each a slow password hash) would be counted with their delay."""
    _ready["users"] += 1
    if _ready["users"] < environment.parsed_options.num_users:
        _everyone_in.wait()
        return
    environment.stats.reset_all()
    _ready["measuring_since"] = time.time()
    _mark("start")

    def stop():
        _ready["measured_until"] = time.time()
        _mark("stop")
        environment.runner.quit()

    gevent.spawn_later(MEASURE_SECONDS, stop)
    _everyone_in.set()


def _mark(what: str) -> None:
    if MARK_PREFIX:
        Path(f"{MARK_PREFIX}.{what}").touch()


@events.quitting.add_listener
def _write_extra(environment, **kwargs):
    if EXTRA_FILE:
        Path(EXTRA_FILE).write_text(json.dumps({**_ready, "logins": _logins}, ensure_ascii=False, indent=1))


def _wait():
    return constant(0) if WAIT == [0] else between(*WAIT)


class PreparerUser(FastHttpUser):
    wait_time = _wait()

    def on_start(self):
        me = USERS[next(_credentials) % len(USERS)]
        self.username, self.assessment = me["username"], me["assessment"]
        self.tab, self.form = None, None
        try:
            self.log_in(me)
        finally:
            _all_in(self.environment)
        if WAIT != [0]:
            # Users arrive over the think time, not all in the same instant.
            gevent.sleep(random.uniform(0, WAIT[1]))

    def log_in(self, me: dict) -> None:
        start = time.perf_counter()
        page = self.client.get("/accounts/login/", name="login page").text
        with self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": CSRF.search(page).group(1),
                "username": me["username"],
                "password": me["password"],
                "next": "",
            },
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            ok = response.status_code == 302 and "/accounts/login/" not in response.headers.get("Location", "")
            if not ok:
                response.failure(f"login refused: {response.status_code}")
        _logins.append({"user": self.username, "ok": ok, "ms": round((time.perf_counter() - start) * 1000, 1)})

    def open(self, tab: str, url: str | None = None) -> None:
        url = url or f"/assessments/{self.assessment}/{tab}/"
        with self.client.get(url, name=f"GET {tab}", allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
                self.tab, self.form = None, None
                return
            self.tab = tab
            self.form = form_data(response.text) if tab in EDITS else None

    @task(3)
    def inbox(self):
        with self.client.get("/inbox/", name="GET inbox", allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")

    @task(5)
    def open_tab(self):
        self.open(random.choice(OPEN_TABS))

    @task(2)
    def save(self):
        # Saving happens on the page the user is on; from a read-only tab they first go to one with a form.
        if self.form is None:
            self.open(random.choice(list(EDITS)))
            if self.form is None:
                return
        tab, data = self.tab, {**self.form, **EDITS[self.tab](self.form)}
        url = f"/assessments/{self.assessment}/{tab}/"
        with self.client.post(
            url, data=data, name=f"POST {tab}", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                location = response.headers.get("Location", "")
            elif response.status_code == 200 and 'id="stale-message"' in response.text:
                # Someone saved the same assessment in between: a legitimate refusal, counted apart from errors.
                response.request_meta["name"] = f"POST {tab} (refused)"
                self.tab, self.form = None, None  # the user reloads before saving again
                return
            else:
                invalid = "is-invalid" in response.text
                response.failure(f"{response.status_code}{' invalid form' if invalid else ''}")
                self.tab, self.form = None, None
                return
        # The browser follows the redirect to the saved tab, which carries the new lock_version.
        self.open(tab, location if location.startswith("/") else url)


class TrivialUser(FastHttpUser):
    wait_time = _wait()

    def on_start(self):
        _all_in(self.environment)

    @task
    def login_page(self):
        self.client.get("/accounts/login/", name="GET login page")
