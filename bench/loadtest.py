"""Load test: gunicorn + PostgreSQL on 127.0.0.1, driven by locust (bench/locustfile.py), bounded in time.

Run with the project's Python (the Makefile target `loadtest` builds bench/.venv-locust first):
    .venv/bin/python bench/loadtest.py                  # the three scenarios below, about 4 minutes
    .venv/bin/python bench/loadtest.py --profile        # also samples one gunicorn worker with py-spy

It creates and migrates the PostgreSQL database perfeval_load, seeds one unit, preparer and assessment (50 indicator
rows, 5 projects × 10 rows, as bench/assessment_screens.py) per simulated user, collects the static files, starts
gunicorn with production settings and runs locust headless three times against the same server:
  mixed-think  every user waits 1–3 s between tasks (a person reading and typing);
  mixed-max    the same mix with no wait: the most the server does;
  trivial-max  GET /accounts/login/ with no wait (a template, no database): the server's ceiling for comparison.
Each run measures from the moment every user has logged in (the password hash is deliberately slow and would
otherwise dominate the first seconds). Prints a table and writes bench/out/loadtest.json.
"""

import argparse
import csv
import datetime
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = BENCH / "out"
LOCUST = BENCH / ".venv-locust" / "bin" / "locust"
PY_SPY = BENCH / ".venv-locust" / "bin" / "py-spy"
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/perfeval_load"
PASSWORD = "perfeval-load-2026"
YEAR = 2024

# Production settings, as a deployment sets them. SECURE_COOKIES is off only because the traffic is plain HTTP on
# the loopback: with secure cookies the client would never send its session back.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "perfeval.settings",
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "false",
    "SECRET_KEY": "load-test-only-" + "k" * 50,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_COOKIES": "false",
    "STATIC_ROOT": str(OUT / "staticfiles"),
    "LOG_LEVEL": "WARNING",
    # Lock-outs count failed logins per username and address; the test logs in 50 users from one address.
    "AXES_FAILURE_LIMIT": "1000",
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=60, help="measured seconds of each mixed scenario")
    parser.add_argument("--trivial-seconds", type=int, default=30, help="measured seconds of the trivial page")
    parser.add_argument("--wait", default="1,3", help="think time of mixed-think: MIN,MAX seconds")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn sync workers (nproc)")
    parser.add_argument("--no-preload", action="store_true", help="load the app in each worker, not the master")
    # 60 as deploy/perfeval.env.example sets it for production; 0 (the development default) opens a PostgreSQL
    # session, a forked backend, for every request.
    parser.add_argument("--conn-max-age", default="60", help="DB_CONN_MAX_AGE of the server (default 60)")
    parser.add_argument("--scenarios", default="mixed-think,mixed-max,trivial-max")
    parser.add_argument("--profile", action="store_true", help="py-spy one worker during mixed-max")
    parser.add_argument("--skip-seed", action="store_true", help="reuse the users and assessments already seeded")
    return parser.parse_args()


# --- the database ------------------------------------------------------------------------------------------------


def setup_django():
    os.environ.update(SERVER_ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_database():
    import psycopg

    try:
        admin = psycopg.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", autocommit=True)
    except psycopg.OperationalError as error:
        raise SystemExit(
            f"PostgreSQL on 127.0.0.1:5432 is not reachable ({error}); `pg_ctlcluster 15 main start`"
        ) from None
    if not admin.execute("SELECT 1 FROM pg_database WHERE datname = 'perfeval_load'").fetchone():
        admin.execute('CREATE DATABASE "perfeval_load"')
    admin.close()


def seed(users: int) -> list[dict]:
    """One unit, one preparer and one draft assessment per simulated user, so that no two users save the same
    assessment. Assessments are rebuilt on every run: each run starts from the same data."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import transaction

    from assessments.models import Assessment
    from assessments.services import assessment_create
    from bench.common import fill_screen_assessment
    from units.models import Membership, Region, Role, Unit

    call_command("migrate", verbosity=0)
    call_command("load_frameworks", stdout=io.StringIO())
    province, _ = Region.objects.get_or_create(code="439000", defaults={"name": "压测省", "level": "province"})
    region, _ = Region.objects.get_or_create(
        code="439001", defaults={"name": "压测市", "level": "city", "parent": province}
    )
    # One hash for every user: the same password, and 50 × PBKDF2 would add half a minute to the seed.
    encoded = make_password(PASSWORD)
    credentials = []
    for n in range(1, users + 1):
        with transaction.atomic():
            unit, _ = Unit.objects.get_or_create(
                code=f"LOAD-{n:03d}", defaults={"name": f"压测单位{n:03d}", "region": region}
            )
            user, _ = User.objects.get_or_create(username=f"load-{n:03d}")
            user.password = encoded
            user.save(update_fields=["password"])
            Membership.objects.get_or_create(user=user, unit=unit, role=Role.PREPARER)
            Assessment.objects.filter(unit=unit).delete()
            assessment = assessment_create(unit=unit, year=YEAR, user=user)
            fill_screen_assessment(assessment)
        credentials.append({"username": user.username, "password": PASSWORD, "assessment": assessment.pk})
    return credentials


def existing_credentials(users: int) -> list[dict]:
    from assessments.models import Assessment

    found = Assessment.objects.filter(unit__code__startswith="LOAD-", year=YEAR).order_by("unit__code")
    credentials = [
        {"username": f"load-{a.unit.code.removeprefix('LOAD-')}", "password": PASSWORD, "assessment": a.pk}
        for a in found.select_related("unit")[:users]
    ]
    if len(credentials) < users:
        raise SystemExit(f"only {len(credentials)} seeded assessments: run without --skip-seed")
    return credentials


# --- processes and their CPU time ---------------------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # the fields after the command name, which may hold spaces


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def cpu_seconds(pid: int, with_children: bool = True) -> float:
    """User + system CPU of a process, its finished children (cutime/cstime) and, if asked, its live children."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    total = sum(int(x) for x in fields[11:15]) / TICK
    if with_children:
        total += sum(cpu_seconds(child, with_children=False) for child in _children(pid))
    return total


def _comm(pid) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def machine_busy_seconds() -> float:
    values = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICK  # everything but idle and iowait


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(server: subprocess.Popen, port: int, *, workers: int, log, seconds: int = 60):
    """The started gunicorn once it answers the login page with all its workers forked; stopped, and the run ended
    with where its log is, when it exits or does not answer in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2) as response:
                if response.status == 200 and len(_children(server.pid)) >= workers:
                    return server
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited ({server.returncode}); see {log}")
        time.sleep(0.3)
    stop(server)
    raise SystemExit(f"gunicorn did not answer within {seconds} s")


def start_deployed(port: int, *, workers: int, env: dict, log) -> subprocess.Popen:
    """gunicorn with the deployment's configuration file (deploy/gunicorn.conf.py), persistent database connections
    as deployed; only the address, the workers and the access log (off: it would cost the server a write per
    request) are given here. `env`: the server's settings; `log`: its error log."""
    env = {
        **os.environ,
        **env,
        "DB_CONN_MAX_AGE": "60",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
    }
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "perfeval.wsgi:application",
        "-c",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--access-logfile",
        "/dev/null",
        "--error-logfile",
        str(log),
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    return wait_until_serving(server, port, workers=workers, log=log)


def start_gunicorn(port: int, args) -> subprocess.Popen:
    env = {**os.environ, **SERVER_ENV, "DB_CONN_MAX_AGE": str(args.conn_max_age)}
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "perfeval.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "sync",
        "--error-logfile",
        str(OUT / "gunicorn.log"),
    ]
    if not args.no_preload:
        command.append("--preload")
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    return wait_until_serving(server, port, workers=args.workers, log=OUT / "gunicorn.log", seconds=30)


def stop(process: subprocess.Popen | None, grace: float = 10) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


# --- one locust run ------------------------------------------------------------------------------------------------


class Backends:
    """CPU of the PostgreSQL sessions of perfeval_load (their process title names the database). A session that
    ends (the server recycles its connection after DB_CONN_MAX_AGE) takes its counters with it, so each session
    is read every half second and counted up to its last reading."""

    def __init__(self):
        self.first, self.last, self.next_poll, self.polled = {}, {}, 0.0, False

    def poll(self, force: bool = False) -> None:
        if not force and time.monotonic() < self.next_poll:
            return
        self.next_poll = time.monotonic() + 0.5
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or _comm(entry.name) != "postgres":
                continue
            try:
                title = Path(f"/proc/{entry.name}/cmdline").read_bytes()
            except OSError:
                continue
            if b" perfeval_load " in title:
                pid = int(entry.name)
                # CPU only grows: a session that ended between the two reads gives 0 and is kept at its last value.
                self.last[pid] = max(self.last.get(pid, 0.0), cpu_seconds(pid, with_children=False))
                self.first.setdefault(pid, self.last[pid] if not self.polled else 0.0)
        self.polled = True

    def total(self) -> float:
        """CPU since the first poll (a session that started later counts from zero)."""
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


class Sampler:
    def __init__(self, server: subprocess.Popen):
        self.server, self.backends = server, None

    def sample(self, locust: subprocess.Popen) -> dict:
        if self.backends is None:
            self.backends = Backends()
        self.backends.poll(force=True)
        return {
            "time": time.monotonic(),
            "gunicorn": cpu_seconds(self.server.pid),
            "locust": cpu_seconds(locust.pid),
            "postgres": self.backends.total(),
            "machine": machine_busy_seconds(),
            "load": os.getloadavg(),
        }


def run_locust(name: str, user_class: str, wait: str, seconds: int, port: int, args, server, profile=False) -> dict:
    prefix = OUT / name
    marks = {"start": OUT / f"{name}.start", "stop": OUT / f"{name}.stop"}
    for path in [*marks.values(), OUT / f"{name}.extra.json", *OUT.glob(f"{name}_*.csv")]:
        path.unlink(missing_ok=True)
    env = {
        **os.environ,
        "LOAD_USERS_FILE": str(OUT / "load-users.json"),
        "LOAD_WAIT": wait,
        "LOAD_MEASURE_SECONDS": str(seconds),
        "LOAD_EXTRA_FILE": str(OUT / f"{name}.extra.json"),
        "LOAD_MARK_PREFIX": str(OUT / name),
    }
    # The logins (each a deliberately slow password hash) come before the measurement; this only bounds the run.
    bound = seconds + 120
    command = [
        str(LOCUST),
        "-f",
        str(BENCH / "locustfile.py"),
        "--headless",
        "-u",
        str(args.users),
        "-r",
        str(args.spawn_rate),
        "--run-time",
        f"{bound}s",
        "--stop-timeout",
        "5",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        user_class,
    ]
    print(f"\n== {name}: {args.users} users, wait {wait_label(wait)}, {seconds} s measured", flush=True)
    sampler = Sampler(server)
    with open(OUT / f"{name}.log", "w") as log:  # the child keeps its own copy of the descriptor
        locust = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    samples, spy = {}, None
    try:
        deadline = time.monotonic() + bound + 30
        while locust.poll() is None and time.monotonic() < deadline:
            for mark, path in marks.items():
                if mark not in samples and path.exists():
                    samples[mark] = sampler.sample(locust)
                    if mark == "start" and profile:
                        spy = start_profile(name, server, seconds)
            if "start" in samples and "stop" not in samples:
                sampler.backends.poll()
            time.sleep(0.1)
        if locust.poll() is None:
            raise SystemExit(f"locust did not finish within {bound + 30} s")
    finally:
        stop(locust, grace=5)
        stop(spy, grace=15)
    if set(samples) != {"start", "stop"}:
        raise SystemExit(f"{name}: the measurement never started; see {OUT / (name + '.log')}")
    result = parse_stats(prefix)
    extra = json.loads((OUT / f"{name}.extra.json").read_text())
    result.update(
        scenario=name,
        users=args.users,
        wait=wait_label(wait),
        measured_seconds=round(extra["measured_until"] - extra["measuring_since"], 1),
        cpu=cpu_use(samples["start"], samples["stop"], result["requests"]),
        load_average={"start": samples["start"]["load"], "stop": samples["stop"]["load"]},
        logins=summarise_logins(extra["logins"]),
    )
    if profile:
        result["profile"] = summarise_profile(OUT / f"{name}.pyspy.txt")
    return result


def wait_label(wait: str) -> str:
    return "none" if wait == "0" else f"between({wait.replace(',', ', ')}) s"


def cpu_use(start: dict, stop: dict, requests: int) -> dict:
    elapsed = stop["time"] - start["time"]
    use = {"seconds": round(elapsed, 1)}
    for key in ("gunicorn", "postgres", "locust", "machine"):
        spent = stop[key] - start[key]
        use[f"{key}_cores"] = round(spent / elapsed, 2)
        use[f"{key}_ms_per_request"] = round(spent * 1000 / requests, 2) if requests else None
    return use


def summarise_logins(logins: list[dict]) -> dict:
    times = sorted(login["ms"] for login in logins)
    return {
        "count": len(logins),
        "failed": sum(not login["ok"] for login in logins),
        "p50_ms": times[len(times) // 2] if times else None,
        "max_ms": times[-1] if times else None,
    }


def parse_stats(prefix: Path) -> dict:
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))

    def figures(row):
        return {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": round(float(row["Requests/s"]), 1),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "p99_ms": float(row["99%"]),
            "max_ms": round(float(row["Max Response Time"]), 1),
        }

    total = next(row for row in rows if row["Name"] == "Aggregated")
    by_name = {row["Name"]: figures(row) for row in rows if row["Name"] != "Aggregated" and row["Request Count"] != "0"}
    failures = []
    failures_csv = Path(f"{prefix}_failures.csv")
    if failures_csv.exists():
        with open(failures_csv, newline="") as f:
            failures = [
                {"name": r["Name"], "error": r["Error"], "count": int(r["Occurrences"])} for r in csv.DictReader(f)
            ]
    result = figures(total)
    result.update(
        errors=result.pop("failures"),
        refusals=sum(v["requests"] for k, v in by_name.items() if k.endswith("(refused)")),
        by_name=by_name,
        failure_messages=failures,
    )
    return result


# --- profiling -----------------------------------------------------------------------------------------------------


def start_profile(name: str, server: subprocess.Popen, seconds: int) -> subprocess.Popen:
    """Sample one gunicorn worker (the two share the work evenly) for most of the measured window."""
    worker = _children(server.pid)[0]
    duration = max(5, seconds - 10)
    with open(OUT / f"{name}.pyspy.log", "w") as log:
        return subprocess.Popen(
            [
                str(PY_SPY),
                "record",
                "--pid",
                str(worker),
                "--duration",
                str(duration),
                "--rate",
                "200",
                "--format",
                "raw",
                "--nonblocking",
                "--output",
                str(OUT / f"{name}.pyspy.txt"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


# Where a sample's time goes: the deepest frame of the stack that falls under one of these, in this order.
KINDS = [
    ("psycopg/", "PostgreSQL: waiting for it and the driver"),
    ("django/db/", "ORM: building SQL, reading rows into models"),
    ("django/forms/", "forms and widgets"),
    ("assessments/forms.py", "forms and widgets"),
    ("perfeval/renderers", "forms and widgets"),
    ("perfeval/widgets", "forms and widgets"),
    ("django/template/", "templates and HTML"),
    ("jinja2/", "templates and HTML"),
    ("markupsafe/", "templates and HTML"),
    ("perfeval/templatetags/", "templates and HTML"),
    ("perfeval/jinja", "templates and HTML"),
    ("scoring/", "scoring engine"),
    ("django/contrib/sessions/", "sessions, authentication, middleware"),
    ("django/contrib/auth/", "sessions, authentication, middleware"),
    ("django/middleware/", "sessions, authentication, middleware"),
    ("axes/", "sessions, authentication, middleware"),
    ("whitenoise/", "sessions, authentication, middleware"),
    ("gunicorn/", "gunicorn: reading the request, writing the response"),
    ("assessments/", "application code"),
    ("units/", "application code"),
    ("django/", "other Django"),
]


def summarise_profile(path: Path, top: int = 15) -> dict:
    """py-spy's collapsed stacks as shares of the samples: by view (inclusive), by kind of work, by function (self)."""
    if not path.exists():
        return {"error": f"no profile at {path}"}
    views, steps, kinds, selves, total = {}, {}, {}, {}, 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        count, frames = int(count), stack.split(";")
        total += count
        view, step = "outside a request", None
        for k, frame in enumerate(frames[:-1]):
            if frame.startswith("BaseHandler._get_response "):
                view = _function(frames[k + 1])
                step = f"{view.split(' (')[0]} → {_function(frames[k + 2])}" if k + 2 < len(frames) else None
        views[view] = views.get(view, 0) + count
        if step:
            steps[step] = steps.get(step, 0) + count
        kind = next(
            (name for frame in reversed(frames) for prefix, name in KINDS if f"({prefix}" in frame),
            "other (standard library)",
        )
        kinds[kind] = kinds.get(kind, 0) + count
        leaf = _function(frames[-1])
        selves[leaf] = selves.get(leaf, 0) + count

    def share(counts, limit=None):
        ranked = sorted(counts.items(), key=lambda item: -item[1])[:limit]
        return [{"name": name, "percent": round(100 * n / total, 1)} for name, n in ranked]

    return {
        "samples": total,
        "by_view": share(views),
        "by_step": share(steps, top),
        "by_kind": share(kinds),
        "self": share(selves, top),
    }


def _function(frame: str) -> str:
    """'name (path:line)' without the line."""
    return frame.rsplit(":", 1)[0] + ")"


# --- the whole run -------------------------------------------------------------------------------------------------


def machine() -> dict:
    return {
        "nproc": os.cpu_count(),
        "free_h": subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip(),
        "python": sys.version.split()[0],
        "locust": subprocess.run([str(LOCUST), "--version"], capture_output=True, text=True).stdout.strip(),
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "load_average_at_start": os.getloadavg(),
    }


def print_table(results: list[dict]) -> None:
    header = f"{'scenario':<12} {'users':>5} {'wait':<17} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>6} "
    print("\n" + header + f"{'refusals':>8}  {'gunicorn ms CPU/req':>19}  {'load avg':>9}")
    for r in results:
        print(
            f"{r['scenario']:<12} {r['users']:>5} {r['wait']:<17} {r['rps']:>7.1f} {r['p50_ms']:>6.0f} "
            f"{r['p95_ms']:>6.0f} {r['p99_ms']:>6.0f} {r['errors']:>6} {r['refusals']:>8}  "
            f"{r['cpu']['gunicorn_ms_per_request'] or 0:>19.2f}  {r['load_average']['stop'][0]:>9.2f}"
        )
    for r in results:
        if r["logins"]["count"]:
            logins = r["logins"]
            print(
                f"{r['scenario']}: {logins['count']} logins before the measurement, {logins['failed']} failed, "
                f"p50 {logins['p50_ms'] / 1000:.1f} s, max {logins['max_ms'] / 1000:.1f} s"
            )
    for r in results:
        if r["scenario"].startswith("mixed"):
            print(f"\n{r['scenario']} by request (ms):")
            for name, v in sorted(r["by_name"].items()):
                print(
                    f"  {name:<28} {v['requests']:>6}  p50 {v['p50_ms']:>5.0f}  p95 {v['p95_ms']:>5.0f}  p99 {v['p99_ms']:>5.0f}"
                )
        if r.get("failure_messages"):
            print(f"\n{r['scenario']} errors: {r['failure_messages']}")
        if r.get("profile", {}).get("samples"):
            print(f"\n{r['scenario']}: one gunicorn worker sampled by py-spy, {r['profile']['samples']} samples")
            for part, title in (
                ("by_view", "by view"),
                ("by_step", "by step of a view"),
                ("by_kind", "by kind of work"),
                ("self", "by function (self)"),
            ):
                print(f"  {title}:")
                for line in r["profile"][part]:
                    print(f"    {line['percent']:>5.1f} %  {line['name']}")


def verdict(results: list[dict]) -> dict:
    by = {r["scenario"]: r for r in results}
    targets = {}
    for name in ("mixed-think", "mixed-max"):
        if name in by:
            targets[f"{name}: p95 <= 150 ms"] = by[name]["p95_ms"] <= 150
            targets[f"{name}: 0 errors"] = by[name]["errors"] == 0 and by[name]["logins"]["failed"] == 0
    if "mixed-max" in by and "trivial-max" in by:
        ratio = by["mixed-max"]["rps"] / by["trivial-max"]["rps"]
        targets[f"mixed-max >= 40 % of trivial-max req/s (is {100 * ratio:.1f} %)"] = ratio >= 0.4
    return targets


def main():
    args = parse_args()
    if not LOCUST.exists():
        raise SystemExit(
            f"{LOCUST} is missing: run `make loadtest`, which builds it from bench/requirements-locust.txt"
        )
    OUT.mkdir(exist_ok=True)
    setup_django()
    ensure_database()
    started = time.monotonic()
    credentials = existing_credentials(args.users) if args.skip_seed else seed(args.users)
    (OUT / "load-users.json").write_text(json.dumps(credentials))
    print(f"seeded {len(credentials)} preparers and assessments in {time.monotonic() - started:.1f} s", flush=True)
    shutil.rmtree(OUT / "staticfiles", ignore_errors=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        check=True,
    )
    info = machine()
    scenarios = {
        "mixed-think": ("PreparerUser", args.wait, args.seconds),
        "mixed-max": ("PreparerUser", "0", args.seconds),
        "trivial-max": ("TrivialUser", "0", args.trivial_seconds),
    }
    port, server, results = free_port(), None, []
    try:
        server = start_gunicorn(port, args)
        print(
            f"gunicorn on 127.0.0.1:{port}: {args.workers} sync workers, preload {not args.no_preload}, "
            f"DB_CONN_MAX_AGE={args.conn_max_age}",
            flush=True,
        )
        for name in args.scenarios.split(","):
            user_class, wait, seconds = scenarios[name]
            results.append(
                run_locust(
                    name, user_class, wait, seconds, port, args, server, profile=args.profile and name == "mixed-max"
                )
            )
    finally:
        stop(server)
    targets = verdict(results)
    print_table(results)
    print()
    for target, met in targets.items():
        print(f"{'met    ' if met else 'MISSED '} {target}")
    summary = {
        "machine": info,
        "server": {
            "gunicorn_workers": args.workers,
            "preload": not args.no_preload,
            "db_conn_max_age": args.conn_max_age,
            "database": "PostgreSQL perfeval_load on 127.0.0.1",
        },
        "results": results,
        "targets": targets,
        "total_seconds": round(time.monotonic() - started, 1),
    }
    text = json.dumps(summary, ensure_ascii=False, indent=1)
    # The latest run under a fixed name, and every run under its start time so that none is overwritten.
    (OUT / "loadtest.json").write_text(text)
    (OUT / f"loadtest-{info['date'][:19].replace(':', '')}.json").write_text(text)
    print(f"\nwritten {OUT / 'loadtest.json'} ({summary['total_seconds']} s in all)")


if __name__ == "__main__":
    main()
