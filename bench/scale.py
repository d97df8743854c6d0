"""Server time of the list pages on the scale data set (issue #8): 5,000 units × 3 years = 15,000 assessments.

Run against PostgreSQL (the target is measured there):
    .venv/bin/python bench/scale.py                      # DATABASE_URL defaults to …/perfeval_scale
    .venv/bin/python bench/scale.py --units 5000 --years 3 --rounds 30
It creates and migrates the database when missing, runs `manage.py seed_scale` unless the data set is there, then
times each page in-process with Django's test client (server time without network; production settings, the web
processes' garbage-collector setting) and prints p50/p95/max in milliseconds, with the number of queries of one
request and the load average (other work on the machine shows there).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfeval.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/perfeval_scale")
# Production settings: no template auto-reload, no debug bookkeeping.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")

import django

from perfeval.runtime import tune_gc

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.common import ensure_database  # noqa: E402

TARGET_MS = 300


def seed(units: int, years: int) -> None:
    from assessments.management.commands.seed_scale import PREFIX
    from units.models import Unit

    call_command("migrate", verbosity=0)
    if Unit.objects.filter(code__startswith=f"{PREFIX}-U").count() == units:
        print(f"scale data set present ({units:,} units); `manage.py seed_scale --reset` builds it again")
        return
    started = time.perf_counter()
    call_command("seed_scale", units=units, years=years, reset=True, stdout=sys.stdout)
    print(f"seed_scale: {time.perf_counter() - started:.1f} s")


def timed(client: Client, url: str, rounds: int, warm_ups: int) -> tuple[list[float], int, int]:
    """Samples in ms, the status and the number of queries of one request."""
    for _ in range(warm_ups):
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    count = len(queries)  # now: the next request empties the connection's query log
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    return samples, status, count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=int(os.getenv("ROUNDS", "30")))
    parser.add_argument("--warm-ups", type=int, default=3)
    parser.add_argument("--only", default="", help="time only the pages whose name contains this")
    args = parser.parse_args()

    ensure_database()
    seed(args.units, args.years)

    from assessments.management.commands.seed_scale import USER_PREFIX
    from assessments.models import Assessment
    from assessments.overview.selectors import current_assessment_year
    from units.access import visible_units

    # The superuser, an administrator of one city's 主管部门, the finance reviewer of every 主管部门, one supervisor
    # and one preparer (manage.py seed_scale).
    names = ("admin", "c1-admin", "finance", "d001-supervisor", "u00001-preparer")
    users = {name: get_user_model().objects.get(username=f"{USER_PREFIX}{name}") for name in names}
    year = current_assessment_year()
    pages = [
        ("inbox · finance (all 主管部门)", "finance", "/inbox/"),
        ("inbox · supervisor (1 主管部门)", "d001-supervisor", "/inbox/"),
        ("inbox · preparer (1 unit)", "u00001-preparer", "/inbox/"),
        ("unit list · superuser", "admin", "/units/"),
        ("unit list · finance", "finance", "/units/"),
        ("unit list · supervisor", "d001-supervisor", "/units/"),
        ("unit list · preparer", "u00001-preparer", "/units/"),
        ("dashboard · superuser", "admin", "/dashboard/"),
        ("dashboard · regional admin", "c1-admin", "/dashboard/"),
        (f"annual summary {year - 1} · superuser", "admin", f"/dashboard/?year={year - 1}"),
        ("annual summary all years · superuser", "admin", "/dashboard/?year=all"),
        (f"annual summary {year - 1} · regional admin", "c1-admin", f"/dashboard/?year={year - 1}"),
        ("export index · superuser", "admin", "/exports/"),
        ("export index · regional admin", "c1-admin", "/exports/"),
        ("public list · anonymous", None, "/public/"),
        (f"public list {year - 1} · anonymous", None, f"/public/?year={year - 1}"),
    ]
    tune_gc()  # as perfeval/wsgi.py does for the web processes once the application is loaded
    clients = {}
    for _, who, _ in pages:
        if who not in clients:
            clients[who] = Client()
            if who is not None:
                clients[who].force_login(users[who])
    for who, user in users.items():
        units = visible_units(user)
        print(
            f"{who:<18} sees {units.count():>5,} units, {Assessment.objects.filter(unit__in=units).count():>6,} assessments"
        )
    load = os.getloadavg()
    print(
        f"database: {connection.vendor}; rounds: {args.rounds} after {args.warm_ups} warm-ups; load average {load[0]:.2f}"
    )
    print()
    print(f"| page | URL | queries | p50 ms | p95 ms | max ms | ≤ {TARGET_MS} ms p95 |")
    print("|---|---|---|---|---|---|---|")
    for name, who, url in pages:
        if args.only not in name:
            continue
        samples, status, queries = timed(clients[who], url, args.rounds, args.warm_ups)
        assert status == 200, (url, who, status)
        ordered = sorted(samples)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        verdict = "yes" if p95 <= TARGET_MS else "**no**"
        print(
            f"| {name} | `{url}` | {queries} | {statistics.median(ordered):.1f} | {p95:.1f} | {ordered[-1]:.1f} |"
            f" {verdict} |"
        )
    end = os.getloadavg()
    print(f"\nload average at the end: {end[0]:.2f} {end[1]:.2f} {end[2]:.2f} (on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
