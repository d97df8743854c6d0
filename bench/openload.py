"""Open-model load test: requests arrive at a fixed rate whatever the server's speed (a province's preparers do not
wait for each other), against gunicorn with deploy/gunicorn.conf.py on 127.0.0.1 and PostgreSQL.

    .venv/bin/python bench/openload.py                              # seeds 50 preparers (bench/loadtest.py's seed)
    .venv/bin/python bench/openload.py --skip-seed --rates 10,25,50 --seconds 20

Only the standard library (asyncio and raw HTTP/1.1 over a new connection per request, as gunicorn's sync workers
close each one), so it runs where locust is not installed. In one run, against one server:
  open mix        at each rate: arrivals every 1/rate s; each arrival is one of the project's actions for an idle
                  preparer, weighted as bench/locustfile.py weights them (inbox 3, open a tab 5, save 2 — a save is
                  the POST and the browser's GET of the redirect, so the mix is 5 reads : 2 saves of a tab);
  open unit list  the same rates of GET /units/ (the baseline: a 7-query list page);
  closed mix / unit list / 自评表  --concurrency loops with no wait: the saturation throughput of each (the 自评表
                  GET alone: its share of the unit list's throughput, a target of issue #18);
  closed think    --users preparers, each waiting 1–3 s after an action (the project's closed think-time mix).
Latency is from the arrival's scheduled time (a late start is counted against the server: no coordinated omission)
to the end of the response body. Errors: no response, a 5xx, or an unexpected status; a save refused as stale is
counted apart. gunicorn's CPU per request (the master and its workers, /proc) is printed beside each figure: it
carries over to a quiet machine when the latencies do not. Prints a table and writes bench/out/openload-<time>.json.
"""

import argparse
import asyncio
import datetime
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.loadtest import (
    OUT,
    ROOT,
    SERVER_ENV,
    cpu_seconds,
    existing_credentials,
    free_port,
    seed,
    setup_django,
    start_deployed,
    stop,
)
from tests.html_forms import form_data

OPEN_TABS = ["basic", "finance", "basic-data", "self-eval", "projects", "narrative", "score"]
EDITS = {
    "basic": lambda: {"goal-goal_achieved": f"完成年度目标（第{random.randint(1, 9999)}次修改）"},
    "finance": lambda: {"inst-0-income_other": str(random.randint(0, 500))},
    "basic-data": lambda: {"facts-reception_actual": f"{random.randint(0, 300) / 10:.2f}"},
    "self-eval": lambda: {f"row-{random.randint(0, 49)}-actual_value": f"{random.randint(80, 100)}%"},
    "narrative": lambda: {"problems": f"资金支付进度偏慢（{random.randint(1, 9999)}）。"},
}
ACTIONS = ["inbox"] * 3 + ["tab"] * 5 + ["save"] * 2
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Its own database (bench/loadtest.py's perfeval_load may be in use by another run on the machine).
DATABASE = os.getenv("OPENLOAD_DB", "perfeval_openload")
SERVER_ENV["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"


def ensure_database():
    import psycopg

    admin = psycopg.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", autocommit=True)
    if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    admin.close()


# --- a minimal HTTP/1.1 client -----------------------------------------------------------------------------------


class Response:
    def __init__(self, status: int, headers: list[tuple[str, str]], body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key == name), "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


async def http(port: int, method: str, path: str, cookies: dict, data: dict | None = None) -> Response:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        body = urlencode(data, doseq=True).encode() if data is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if data is not None:
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = []
    for line in header_lines:
        key, _, value = line.partition(":")
        headers.append((key.strip().lower(), value.strip()))
    if any(k == "transfer-encoding" and "chunked" in v for k, v in headers):
        payload = _unchunk(payload)
    for key, value in headers:
        if key == "set-cookie":
            name, _, rest = value.partition("=")
            cookies[name] = rest.split(";", 1)[0]
    return Response(int(status_line.split()[1]), headers, payload)


def _unchunk(payload: bytes) -> bytes:
    out, rest = [], payload
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out.append(rest[:size])
        rest = rest[size + 2 :]
    return b"".join(out)


# --- a preparer ------------------------------------------------------------------------------------------------


class Preparer:
    def __init__(self, port: int, me: dict):
        self.port, self.username, self.password, self.assessment = (
            port,
            me["username"],
            me["password"],
            me["assessment"],
        )
        self.cookies: dict = {}
        self.tab, self.page, self.form = None, None, None
        self.busy = False

    def current_form(self) -> dict:
        """The fields of the tab last opened, read from its page when a save needs them. A browser reads its page on
        the user's machine; reading every page here (the 自评表 is about 200 KiB of HTML) took this generator more CPU
        than the server spent on it, on the same two cores, and the closed loops measured that instead of the
        server."""
        if self.form is None:
            self.form = form_data(self.page.text)
        return self.form

    async def log_in(self):
        page = await http(self.port, "GET", "/accounts/login/", self.cookies)
        token = CSRF.search(page.text).group(1)
        data = {"csrfmiddlewaretoken": token, "username": self.username, "password": self.password, "next": ""}
        response = await http(self.port, "POST", "/accounts/login/", self.cookies, data)
        if response.status != 302 or "/accounts/login/" in response.header("location"):
            raise SystemExit(f"login of {self.username} refused: {response.status}")


class Recorder:
    def __init__(self):
        self.samples: list[tuple[str, float, str]] = []  # (name, ms, outcome: ok | error:… | refused)

    def add(self, name: str, started: float, outcome: str):
        self.samples.append((name, (time.perf_counter() - started) * 1000, outcome))


async def timed(recorder: Recorder, name: str, started: float, coroutine, expect=(200,)):
    """One request; `started` is when it was due (the arrival), so a late start counts against the server."""
    try:
        response = await coroutine
    except OSError as error:
        recorder.add(name, started, f"error:{type(error).__name__}")
        return None
    outcome = "ok" if response.status in expect else f"error:{response.status}"
    recorder.add(name, started, outcome)
    return response if outcome == "ok" else None


async def open_tab(user: Preparer, recorder: Recorder, tab: str, started: float, url: str | None = None):
    url = url or f"/assessments/{user.assessment}/{tab}/"
    response = await timed(recorder, f"GET {tab}", started, http(user.port, "GET", url, user.cookies))
    if response is None:
        user.tab, user.page, user.form = None, None, None
        return
    user.tab, user.page, user.form = tab, (response if tab in EDITS else None), None


async def action(user: Preparer, recorder: Recorder, kind: str, started: float):
    user.busy = True
    try:
        if kind == "unit-list":
            await timed(recorder, "GET units", started, http(user.port, "GET", "/units/", user.cookies))
        elif kind == "self-eval":  # the heaviest page alone, for its share of the unit list's throughput
            await open_tab(user, recorder, "self-eval", started)
        elif kind == "inbox":
            await timed(recorder, "GET inbox", started, http(user.port, "GET", "/inbox/", user.cookies))
        elif kind == "tab":
            await open_tab(user, recorder, random.choice(OPEN_TABS), started)
        else:  # save: from a read-only tab the user first opens one with a form
            if user.page is None:
                await open_tab(user, recorder, random.choice(list(EDITS)), started)
                if user.page is None:
                    return
                started = time.perf_counter()
            tab = user.tab
            url = f"/assessments/{user.assessment}/{tab}/"
            data = {**user.current_form(), **EDITS[tab]()}
            try:
                response = await http(user.port, "POST", url, user.cookies, data)
            except OSError as error:
                recorder.add(f"POST {tab}", started, f"error:{type(error).__name__}")
                return
            if response.status == 302:
                recorder.add(f"POST {tab}", started, "ok")
                location = response.header("location")
                await open_tab(user, recorder, tab, time.perf_counter(), location if location.startswith("/") else url)
            elif response.status == 200 and 'id="stale-message"' in response.text:
                recorder.add(f"POST {tab}", started, "refused")
                user.tab, user.page, user.form = None, None, None
            else:
                recorder.add(f"POST {tab}", started, f"error:{response.status}")
                user.tab, user.page, user.form = None, None, None
    finally:
        user.busy = False


# --- scenarios ------------------------------------------------------------------------------------------------


async def open_model(users: list[Preparer], rate: float, seconds: float, kinds: list[str]) -> tuple[Recorder, dict]:
    """Arrivals every 1/rate s for `seconds`; each goes to an idle preparer (none idle: counted as dropped)."""
    recorder, tasks, dropped = Recorder(), [], 0
    loop_start = time.perf_counter()
    for n in range(int(rate * seconds)):
        due = loop_start + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        idle = [u for u in users if not u.busy]
        if not idle:
            dropped += 1
            continue
        user = random.choice(idle)
        user.busy = True
        tasks.append(asyncio.create_task(action(user, recorder, random.choice(kinds), due)))
    await asyncio.gather(*tasks)
    return recorder, {"dropped": dropped, "elapsed": time.perf_counter() - loop_start}


async def closed_model(users: list[Preparer], seconds: float, kinds: list[str], think=(0, 0)) -> tuple[Recorder, dict]:
    recorder = Recorder()
    deadline = time.perf_counter() + seconds
    start = time.perf_counter()

    async def loop(user):
        if think[1]:
            await asyncio.sleep(random.uniform(0, think[1]))
        while time.perf_counter() < deadline:
            await action(user, recorder, random.choice(kinds), time.perf_counter())
            if think[1]:
                await asyncio.sleep(random.uniform(*think))

    await asyncio.gather(*(loop(u) for u in users))
    return recorder, {"dropped": 0, "elapsed": time.perf_counter() - start}


def summarise(name: str, recorder: Recorder, extra: dict, cpu: float, offered: float | None) -> dict:
    times = sorted(ms for _, ms, outcome in recorder.samples if outcome == "ok")
    errors = [outcome for _, _, outcome in recorder.samples if outcome.startswith("error")]
    refused = sum(1 for _, _, outcome in recorder.samples if outcome == "refused")
    count = len(recorder.samples)

    def pct(p):
        return round(times[min(len(times) - 1, int(p * len(times)))], 1) if times else None

    by_name = {}
    for label in sorted({n for n, _, _ in recorder.samples}):
        mine = sorted(ms for n, ms, o in recorder.samples if n == label and o == "ok")
        if mine:
            by_name[label] = (len(mine), round(mine[len(mine) // 2], 1), round(mine[int(0.95 * len(mine))], 1))
    return {
        "scenario": name,
        "offered_per_s": offered,
        "requests": count,
        "req_per_s": round(count / extra["elapsed"], 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": round(times[-1], 1) if times else None,
        "mean_ms": round(statistics.fmean(times), 1) if times else None,
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "refused": refused,
        "dropped_arrivals": extra["dropped"],
        "gunicorn_cpu_ms_per_request": round(cpu * 1000 / count, 1) if count else None,
        "load_average": round(os.getloadavg()[0], 2),
        "by_request": by_name,
    }


def start_server(port: int, workers: int) -> subprocess.Popen:
    return start_deployed(port, workers=workers, env=SERVER_ENV, log=OUT / "gunicorn-openload.log")


async def run(args, port: int, server) -> list[dict]:
    credentials = json.loads((OUT / "load-users.json").read_text())
    users = [Preparer(port, me) for me in credentials]
    for user in users:
        await user.log_in()
    results = []

    async def measure(name, scenario, offered=None):
        before = cpu_seconds(server.pid)
        recorder, extra = await scenario
        result = summarise(name, recorder, extra, cpu_seconds(server.pid) - before, offered)
        results.append(result)
        print(_line(result), flush=True)
        await asyncio.sleep(args.pause)

    # Warm every worker (templates, framework caches) before measuring.
    await closed_model(users[:4], 5, ACTIONS)
    for rate in [float(r) for r in args.rates.split(",")]:
        await measure("open unit list", open_model(users, rate, args.seconds, ["unit-list"]), rate)
        await measure("open mix", open_model(users, rate, args.seconds, ACTIONS), rate)
    if args.concurrency:
        few = users[: args.concurrency]
        await measure("closed unit list, no wait", closed_model(few, args.seconds, ["unit-list"]))
        await measure("closed 自评表 GET, no wait", closed_model(few, args.seconds, ["self-eval"]))
        await measure("closed mix, no wait", closed_model(few, args.seconds, ACTIONS))
    if args.think_seconds:
        await measure("closed mix, think 1–3 s", closed_model(users, args.think_seconds, ACTIONS, think=(1, 3)))
    return results


def _line(r: dict) -> str:
    offered = f"{r['offered_per_s']:>5.0f}/s" if r["offered_per_s"] else "   max "
    return (
        f"{r['scenario']:<28} offered {offered} got {r['req_per_s']:>6.1f} req/s  p50 {r['p50_ms']} p95 {r['p95_ms']} "
        f"p99 {r['p99_ms']} ms  errors {r['errors']} refused {r['refused']} dropped {r['dropped_arrivals']}  "
        f"gunicorn CPU {r['gunicorn_cpu_ms_per_request']} ms/req  load {r['load_average']}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rates", default="10,25,50", help="offered requests per second, comma-separated")
    parser.add_argument("--seconds", type=float, default=20, help="measured seconds of each open or closed run")
    parser.add_argument("--concurrency", type=int, default=4, help="closed loops for saturation (0: skip)")
    parser.add_argument("--think-seconds", type=float, default=0, help="length of the closed think-time run")
    parser.add_argument("--pause", type=float, default=3, help="seconds between runs")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    setup_django()
    ensure_database()
    credentials = existing_credentials(args.users) if args.skip_seed else seed(args.users)
    (OUT / "load-users.json").write_text(json.dumps(credentials))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        check=True,
    )
    port = free_port()
    uptime_before = subprocess.run(["uptime"], capture_output=True, text=True, env={"TZ": "UTC"}).stdout.strip()
    print(f"before: {uptime_before}", flush=True)
    server = start_server(port, args.workers)
    try:
        results = asyncio.run(run(args, port, server))
    finally:
        stop(server)
    uptime_after = subprocess.run(["uptime"], capture_output=True, text=True, env={"TZ": "UTC"}).stdout.strip()
    print(f"after: {uptime_after}")
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    (OUT / f"openload-{stamp}.json").write_text(
        json.dumps(
            {"args": vars(args), "uptime_before": uptime_before, "uptime_after": uptime_after, "results": results},
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
