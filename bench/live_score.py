"""Live score in the browser (issue #18): from the user's last keystroke in the 自评表 to the score panel showing the
new total, debounce included, in Debian's headless Chromium against gunicorn and PostgreSQL on 127.0.0.1.

    .venv/bin/python bench/live_score.py                      # seeds perfeval_live, 60 rounds
    .venv/bin/python bench/live_score.py --skip-seed --rounds 120 --database perfeval_live

It loads the demo data (manage.py load_demo) into its own PostgreSQL database, gives the demo preparer zz-preparer
(株洲市行业办公室) a draft of 2023 with the screen benchmarks' 50 unit-written indicator rows and 5 projects
(bench/common.py), collects the static files and serves the application with gunicorn and deploy/gunicorn.conf.py
(production settings, access log off). Chromium logs in at 1366 × 768 and opens that 自评表. Each round selects
全年执行数 and types a new amount key by key (40–90 ms between keys, as a person types); every amount gives another
执行率 (60 %, 61 % … 98 % of 全年预算数, in turn), so every preview changes the total. Timestamps are taken in the page
(performance.now() timebase): the last keydown; htmx sending the preview (the end of the debounce) and receiving
its response; the mutation that puts the new total into #score-total; and the next animation frame, when the
browser paints it — the figure reported (“shown”).

Baseline, in the same page and the same rounds, interleaved: fetch() of a static file (htmx), of the unit list
(/units/, a cheap page) and of the preview itself with the form's values (the preview's round trip without the
debounce or the swap). Prints p50/p95/max of each, the debounce read from the form's hx-trigger, the load average
(`uptime`) before and after, and writes bench/out/live-score-<time>.json.
"""

import argparse
import datetime
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.loadtest import OUT, ROOT, SERVER_ENV, free_port, start_deployed, stop
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # Debian's Chromium, launched as the browser tests do

UNIT, PREPARER, YEAR = "430200-101", "zz-preparer", 2023
BUDGET = 2707.46  # 全年预算数 of bench/common.py's assessment
INPUT = "#id_facts-spending_actual"  # 全年执行数
TARGET_MS = 300

# Installed once in the page: the last keydown, the preview's request and response, and the moment the score panel
# shows a total other than `before`.
PAGE_PROBE = """() => {
  const probe = window.__probe = {lastKey: 0, sent: [], received: [], finished: [], bytes: 0, oobEvents: 0};
  document.addEventListener("keydown", (e) => { probe.lastKey = e.timeStamp; }, true);
  document.body.addEventListener("htmx:beforeRequest", () => probe.sent.push(performance.now()));
  // The response is in (before htmx swaps anything); htmx:afterRequest comes only after the swap.
  document.body.addEventListener("htmx:beforeOnLoad", (e) => {
    probe.received.push(performance.now());
    probe.bytes = (e.detail.xhr.responseText || "").length;
  });
  document.body.addEventListener("htmx:afterRequest", () => probe.finished.push(performance.now()));
  document.body.addEventListener("htmx:oobAfterSwap", () => { probe.oobEvents += 1; });
  probe.arm = (before) => {
    probe.sent = []; probe.received = []; probe.finished = []; probe.oobEvents = 0;
    probe.done = new Promise((resolve) => {
      setTimeout(() => resolve({timeout: true}), 15000);
      const observer = new MutationObserver(() => {
        const total = document.getElementById("score-total");
        if (!total || total.textContent.trim() === before) return;
        observer.disconnect();
        const dom = performance.now();
        requestAnimationFrame(() => resolve({dom, frame: performance.now(), total: total.textContent.trim()}));
      });
      observer.observe(document.body, {childList: true, subtree: true, characterData: true});
    });
  };
}"""

# One fetch from the page, timed there (the baseline's round trips).
PAGE_FETCH = """async ([url, post]) => {
  const options = {cache: "no-store", credentials: "same-origin"};
  if (post) {
    const form = document.getElementById("tab-form");
    options.method = "POST";
    options.body = new URLSearchParams(new FormData(form));
    options.headers = {"HX-Request": "true", "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value};
  }
  const start = performance.now();
  const response = await fetch(url, options);
  const body = await response.text();
  return {ms: performance.now() - start, status: response.status, bytes: body.length};
}"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5, help="rounds typed first and not counted")
    parser.add_argument("--database", default="perfeval_live", help="PostgreSQL database on 127.0.0.1 (rebuilt)")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)), help="gunicorn workers")
    parser.add_argument("--skip-seed", action="store_true", help="reuse the database as the last run left it")
    parser.add_argument("--seed", type=int, default=18, help="random seed of the typing delays")
    parser.add_argument(
        "--debounce-ms", type=int, help="what-if: replace the form's hx-trigger delay in the page before typing"
    )
    parser.add_argument("--profile", type=int, default=0, help="extra rounds under the JS profiler (not timed)")
    return parser.parse_args()


def server_env(database: str) -> dict:
    return {**SERVER_ENV, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}"}


def seed(database: str) -> int:
    """The demo data, and the preparer's draft of YEAR with 50 indicator rows (rebuilt on every run)."""
    os.environ.update(server_env(database))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from assessments.models import Assessment
    from assessments.services import assessment_create
    from bench.common import ensure_database, fill_screen_assessment
    from units.models import Unit

    ensure_database()
    call_command("migrate", verbosity=0)
    call_command("createcachetable")
    call_command("load_demo", stdout=io.StringIO())
    unit = Unit.objects.get(code=UNIT)
    Assessment.objects.filter(unit=unit, year=YEAR).delete()
    assessment = assessment_create(unit=unit, year=YEAR, user=User.objects.get(username=PREPARER))
    fill_screen_assessment(assessment)
    return assessment.pk


def existing_assessment(database: str) -> int:
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=5432, user="postgres", dbname=database) as db:
        row = db.execute(
            "SELECT a.id FROM assessments_assessment a JOIN units_unit u ON u.id = a.unit_id"
            " WHERE u.code = %s AND a.year = %s",
            [UNIT, YEAR],
        ).fetchone()
    if row is None:
        raise SystemExit("no seeded assessment: run without --skip-seed")
    return row[0]


def start_gunicorn(port: int, args) -> subprocess.Popen:
    return start_deployed(port, workers=args.workers, env=server_env(args.database), log=OUT / "gunicorn-live.log")


def amounts(rounds: int):
    """全年执行数 at 60 %, 61 % … 98 % of 全年预算数 in turn: min(执行率, 100 %) × 10 points, so each amount scores 0.1
    point away from the one before it (and 98 % → 60 % when the cycle restarts)."""
    for n in range(rounds):
        yield f"{BUDGET * (60 + n % 39) / 100:.2f}"


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, env={"TZ": "UTC"}).stdout.strip()


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered), 1),
        "p95": round(ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)], 1),
        "max": round(ordered[-1], 1),
    }


def line(name: str, s: dict) -> str:
    return f"{name:<44} p50 {s['p50']:7.1f} ms   p95 {s['p95']:7.1f} ms   max {s['max']:7.1f} ms   (n={s['n']})"


def type_value(page, value: str, rng: random.Random, n: int):
    """Select 全年执行数 and type `value` key by key; wait for the score panel to show another total and for the
    preview's request to end. Returns the in-page times of the change and the probe."""
    before = page.text_content("#score-total").strip()
    page.evaluate("(before) => window.__probe.arm(before)", before)
    page.keyboard.press("Control+a")
    for key in value:
        page.keyboard.type(key)
        time.sleep(rng.uniform(0.040, 0.090))
    shown = page.evaluate("() => window.__probe.done")
    if shown.get("timeout"):
        raise SystemExit(f"round {n}: the score panel did not show a new total within 15 s (was {before})")
    # Let the preview's request finish (htmx:afterRequest) and the page settle before the next round.
    page.wait_for_function("() => __probe.finished.length >= __probe.sent.length && __probe.sent.length")
    probe = page.evaluate(
        "() => ({lastKey: __probe.lastKey, sent: __probe.sent, received: __probe.received, oob: __probe.oobEvents})"
    )
    page.wait_for_timeout(300)
    return shown, probe


def profile_summary(profile: dict, top: int = 15) -> list[tuple[float, str]]:
    """Self time by function (ms) from a CDP CPU profile, largest first."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    self_ms: dict[str, float] = {}
    for node_id, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        frame = nodes[node_id]["callFrame"]
        name = f"{frame['functionName'] or '(anonymous)'} {frame['url'].rsplit('/', 1)[-1]}:{frame['lineNumber'] + 1}"
        self_ms[name] = self_ms.get(name, 0.0) + delta / 1000
    return sorted(((ms, name) for name, ms in self_ms.items()), reverse=True)[:top]


def measure(base: str, assessment: int, args) -> dict:
    from playwright.sync_api import sync_playwright

    rng = random.Random(args.seed)
    page_url = f"{base}/assessments/{assessment}/self-eval/"
    preview_url = f"{page_url}preview/"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", PREPARER)
        page.fill("#id_password", "perfeval-demo-2026")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        page.goto(page_url)
        page.wait_for_load_state("networkidle")
        trigger = page.get_attribute("#tab-form", "hx-trigger")
        rows = page.locator("input[name$='-actual_value']").count()
        static_url = page.get_attribute("script[src*='htmx']", "src")
        if args.debounce_ms is not None:
            # htmx re-reads an element's triggers when htmx.process() finds its attributes changed.
            trigger = page.evaluate(
                """(ms) => { const form = document.getElementById("tab-form");
                  const trigger = form.getAttribute("hx-trigger").replace(/delay:\\d+ms/, `delay:${ms}ms`);
                  form.setAttribute("hx-trigger", trigger); htmx.process(form); return trigger; }""",
                args.debounce_ms,
            )
        page.evaluate(PAGE_PROBE)
        field = page.locator(INPUT)
        field.scroll_into_view_if_needed()
        field.click()

        live, parts, baseline = [], {"debounce": [], "request": [], "swap": [], "paint": []}, {}
        extra_requests, oob_events = 0, []
        values = list(amounts(args.warmup + args.rounds + args.profile))
        for n, value in enumerate(values[: args.warmup + args.rounds]):
            shown, probe = type_value(page, value, rng, n)
            if n < args.warmup:
                continue
            live.append(shown["frame"] - probe["lastKey"])
            sent, received = probe["sent"][-1], probe["received"][-1]
            parts["debounce"].append(sent - probe["lastKey"])
            parts["request"].append(received - sent)
            parts["swap"].append(shown["dom"] - received)
            parts["paint"].append(shown["frame"] - shown["dom"])
            extra_requests += len(probe["sent"]) - 1
            oob_events.append(probe["oob"] / len(probe["sent"]))
            for name, url, post in (
                ("fetch static file (htmx)", static_url, False),
                ("fetch unit list /units/", f"{base}/units/", False),
                ("fetch preview POST, no debounce", preview_url, True),
            ):
                result = page.evaluate(PAGE_FETCH, [url, post])
                if result["status"] != 200:
                    raise SystemExit(f"{name}: HTTP {result['status']}")
                baseline.setdefault(name, []).append(result["ms"])
        bytes_seen = page.evaluate("() => __probe.bytes")
        profile = None
        if args.profile:
            # Extra rounds under Chromium's sampling profiler, not counted above (the profiler slows the page).
            cdp = context.new_cdp_session(page)
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 200})
            cdp.send("Profiler.start")
            for n, value in enumerate(values[args.warmup + args.rounds :]):
                type_value(page, value, rng, n)
            profile = cdp.send("Profiler.stop")["profile"]
        context.close()
        browser.close()
    return {
        "hx_trigger": trigger,
        "indicator_inputs": rows,
        "preview_bytes": bytes_seen,
        "extra_previews_while_typing": extra_requests,
        "oob_after_swap_events_per_preview": round(statistics.median(oob_events)),
        "live": summary(live),
        "parts": {k: summary(v) for k, v in parts.items()},
        "baseline": {k: summary(v) for k, v in baseline.items()},
        "samples_ms": [round(x, 1) for x in live],
        "profile": profile,
    }


def main():
    args = parse_args()
    OUT.mkdir(exist_ok=True)
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    assessment = existing_assessment(args.database) if args.skip_seed else seed(args.database)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **server_env(args.database)},
        check=True,
    )
    port = free_port()
    before = uptime()
    print(f"before: {before}", flush=True)
    server = start_gunicorn(port, args)
    try:
        result = measure(f"http://127.0.0.1:{port}", assessment, args)
    finally:
        stop(server)
    after = uptime()
    print(f"after:  {after}")
    print(
        f"自评表 of assessment {assessment}: {result['indicator_inputs']} indicator rows; hx-trigger "
        f"“{result['hx_trigger']}” (the debounce, included below); {args.rounds} rounds after {args.warmup} warm-up; "
        f"preview response {result['preview_bytes']:,} characters; previews sent while typing: "
        f"{result['extra_previews_while_typing']}; htmx:oobAfterSwap events per preview: "
        f"{result['oob_after_swap_events_per_preview']:,}"
    )
    print(line("last keystroke → new total shown (live)", result["live"]))
    for name, label in (
        ("debounce", "  of which: keystroke → request sent"),
        ("request", "            request sent → response in"),
        ("swap", "            response in → swapped (total in the DOM)"),
        ("paint", "            DOM → next frame"),
    ):
        print(line(label, result["parts"][name]))
    print("baseline, same page, same rounds:")
    for name, s in result["baseline"].items():
        print(line("  " + name, s))
    profile = result.pop("profile")
    if profile:
        (OUT / "live-score.cpuprofile").write_text(json.dumps(profile))
        print(f"page CPU profile of {args.profile} more rounds, self time (bench/out/live-score.cpuprofile):")
        for ms, name in profile_summary(profile):
            print(f"  {ms:8.1f} ms  {name}")
    met = result["live"]["p95"] <= TARGET_MS
    print(f"target p95 ≤ {TARGET_MS} ms: {'met' if met else 'NOT met'} ({result['live']['p95']} ms)")
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = OUT / f"live-score-{stamp}.json"
    path.write_text(
        json.dumps({"args": vars(args), "uptime_before": before, "uptime_after": after, **result}, indent=1)
    )
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
