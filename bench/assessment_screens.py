"""Server time of the assessment screens and their save, with 50 indicator rows and 5 projects.

Run against PostgreSQL (the target is measured there):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perfeval_bench .venv/bin/python bench/assessment_screens.py
It migrates that database, builds one assessment, then times each tab's GET and the 自评表 save in-process
(Django's test client: server time without network), and prints p50/p95/max in milliseconds, the median CPU time
of this process per request and, with PostgreSQL on this machine, of the database backend serving it.
"""

import io
import os
import statistics
import sys
import time
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfeval.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/perfeval_bench")
# Production settings: no template auto-reload, no debug bookkeeping.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
# Persistent database connections, as deployed (deploy/perfeval.env.example: DB_CONN_MAX_AGE=60): with 0, every
# request would start a PostgreSQL backend, whose cold caches made planning the first query 5× slower.
os.environ.setdefault("DB_CONN_MAX_AGE", "3600")

import django

from perfeval.runtime import tune_gc

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.signals import request_finished  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.common import ensure_database, fill_screen_assessment  # noqa: E402

ROUNDS = int(os.getenv("ROUNDS", "60"))
# The tab's form has no enctype and htmx posts forms urlencoded: the test client's default multipart body would
# time a parser no browser makes the server run.
FORM_ENCODED = "application/x-www-form-urlencoded"


def build():
    from django.contrib.auth.models import User

    from assessments.models import Assessment
    from assessments.services import assessment_create
    from units.models import Membership, Region, Role, Unit

    call_command("migrate", verbosity=0)
    call_command("load_frameworks", stdout=io.StringIO())
    region, _ = Region.objects.get_or_create(code="439900", defaults={"name": "基准市", "level": "city"})
    unit, _ = Unit.objects.get_or_create(code="BENCH-1", defaults={"name": "基准单位", "region": region})
    user, _ = User.objects.get_or_create(username="bench-preparer")
    Membership.objects.get_or_create(user=user, unit=unit, role=Role.PREPARER)
    Assessment.objects.filter(unit=unit).delete()
    assessment = assessment_create(unit=unit, year=2024, user=user)
    fill_screen_assessment(assessment)
    return assessment, user


# Server time ends when the response is complete: when request_finished is sent, as a WSGI server does after writing
# the body (the web processes collect garbage after that; perfeval/runtime.py). Connected before tune_gc() so that it
# runs first.
_finished: list[tuple[float, float]] = []
request_finished.connect(lambda **kwargs: _finished.append((time.perf_counter(), time.process_time())), weak=False)
# CPU time of this process per request (the application's share of a worker; PostgreSQL's is not in it): on a shared
# machine it varies far less than the wall time, which includes waiting for a core.
_cpu: list[float] = []
# CPU time of the PostgreSQL backend serving this process's connection per request (the database's share), read from
# the kernel's scheduler statistics of its process: PostgreSQL on this machine only, else not shown.
_db_cpu: list[float | None] = []


def _backend_cpu() -> tuple[int, int] | None:
    """(pid, nanoseconds on a CPU) of the connection's PostgreSQL backend, None when it cannot be read."""
    if connection.vendor != "postgresql":
        return None
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    try:
        with open(f"/proc/{pid}/schedstat") as stat:
            return pid, int(stat.read().split()[0])
    except OSError:  # PostgreSQL on another machine
        return None


def served(fn) -> float:
    """Milliseconds from the request to its complete response."""
    db = _backend_cpu()
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    _cpu.append((_finished[-1][1] - cpu) * 1000)
    after = _backend_cpu()
    same_backend = db is not None and after is not None and after[0] == db[0]
    _db_cpu.append((after[1] - db[1]) / 1e6 if same_backend else None)
    return (_finished[-1][0] - start) * 1000


def timed(fn) -> list[float]:
    for _ in range(5):
        fn()
    return [served(fn) for _ in range(ROUNDS)]


def timed_alternately(fn, baseline) -> tuple[list[float], list[float], list[float], list[float], list, list]:
    """`fn` and `baseline` one after the other, round by round, so that both meet the same load: wall times, process
    CPU and database CPU of each."""
    for _ in range(5):
        fn(), baseline()
    samples = {fn: ([], [], []), baseline: ([], [], [])}
    for _ in range(ROUNDS):
        for each in (fn, baseline):
            wall, cpu, db = samples[each]
            wall.append(served(each))
            cpu.append(_cpu[-1])
            db.append(_db_cpu[-1])
    return samples[fn], samples[baseline]


def report(name: str, samples: list[float], cpu_samples=None, db_samples=None) -> None:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    cpu = statistics.median(cpu_samples if cpu_samples is not None else _cpu[-len(samples) :])
    read = [ms for ms in (db_samples if db_samples is not None else _db_cpu[-len(samples) :]) if ms is not None]
    db = f"   DB CPU p50 {statistics.median(read):5.1f} ms" if read else ""
    print(
        f"{name:<28} p50 {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms   max {ordered[-1]:7.1f} ms"
        f"   CPU p50 {cpu:6.1f} ms{db}"
    )


def main():
    ensure_database()
    assessment, user = build()
    tune_gc()  # as perfeval/wsgi.py does for the web processes once the application is loaded
    client = Client()
    client.force_login(user)
    print(f"database: {connection.vendor}; rounds: {ROUNDS}; 50 indicator rows, 5 projects × 10 rows")
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    import perfeval.templatetags.perfeval as tags
    from assessments import access, selectors

    def beside_baseline(tabs, shown: str, baseline: str, owner, name: str, before) -> None:
        """Each tab's GET, alternately as it is and with `owner.name` as it was before a change (`before`)."""
        for tab in tabs:
            url = f"/assessments/{assessment.pk}/{tab}/"
            get = partial(client.get, url)
            bound, anew = timed_alternately(get, swapped(owner, name, before, get))
            report(f"GET {tab}{shown}", *bound)
            report(f"  {baseline}", *anew)

    # The query loading the assessment built and compiled on every request, as before perfeval.compiled.
    every_tab = ("basic", "finance", "basic-data", "self-eval", "narrative", "score")
    loader_before = lambda reads, superuser: _NOT_BOUND  # noqa: E731
    beside_baseline(every_tab, "", "loading query built anew", access, "_loader", loader_before)
    # The parts every page reads built and compiled on every request, as before selectors._part_query.
    parts_before = lambda name, with_prior: _NOT_BOUND  # noqa: E731
    beside_baseline(("basic", "self-eval"), ", parts bound", "parts built anew", selectors, "_part_query", parts_before)
    # The labelled fields written by crispy's templates, as before perfeval.widgets.labelled_field.
    beside_baseline(
        ("basic", "narrative"), ", fields labelled", "fields by crispy", tags, "labelled_field", as_crispy_field
    )

    # Session 10. The assessment parts made by Model.__init__, as before perfeval.quickload.
    from django.contrib.sessions.backends import db as database_sessions
    from django.db import models as django_models

    import perfeval.sessions
    from perfeval.compiled import CompiledQuery
    from perfeval.quickload import QuickLoad

    def made_by_init(cls, db, field_names, values, *, fetch_mode=None):
        return django_models.Model.from_db.__func__(cls, db, field_names, values, fetch_mode=fetch_mode)

    beside_baseline(
        ("basic", "self-eval"), ", parts quickly", "parts by Model.__init__", QuickLoad, "from_db",
        classmethod(made_by_init),
    )  # fmt: skip
    # The columns' converters worked out on every load, as before CompiledQuery kept them.
    converters_anew = lambda self, compiler, connection, expressions: type(compiler).get_converters(  # noqa: E731
        compiler, expressions
    )
    beside_baseline(
        ("basic", "self-eval"), ", converters kept", "converters anew", CompiledQuery, "_kept_converters",
        converters_anew,
    )  # fmt: skip
    # The session read by Django's QuerySet, as before perfeval.sessions.
    beside_baseline(
        ("basic",), ", session by statement", "session by QuerySet", perfeval.sessions.SessionStore,
        "_get_session_from_db", database_sessions.SessionStore._get_session_from_db,
    )  # fmt: skip
    # The inbox with its lists built whether their first pages hold them or not and its reminders by a query built
    # anew, as before session 10.
    from assessments.workflow import inbox as inbox_lists
    from assessments.workflow import views as inbox_views

    built_lists = {}

    def built_at_once(build, name, user, units, query):
        # The four lists built together on the first, as inbox_lists did (its 待我处理 for a preparer is now the
        # empty QuerySet at once: that part of the old cost is not in the baseline).
        if not built_lists:
            built_lists.update(inbox_lists.inbox_lists(user, units, query))
        return lambda: built_lists[name]

    def reminders_anew(user, seen, since, query=""):
        return list(inbox_lists._reminders(user, seen, since, query))

    inbox = partial(client.get, "/inbox/")
    old_inbox = swapped(
        inbox_views,
        "partial",
        built_at_once,
        swapped(inbox_views, "recent_reminders", reminders_anew, lambda: (built_lists.clear(), inbox())[1]),
    )
    bound, anew = timed_alternately(inbox, old_inbox)
    report("GET inbox (a preparer's)", *bound)
    report("  lists built at once, reminders anew", *anew)

    from django.template.loader import get_template

    import assessments.templatetags.indicator_rows as row_tag
    from assessments.models import Assessment
    from assessments.rows import ROW_TEMPLATE, forget_written_rows
    from tests.html_forms import form_data

    # The 自评表 above is read again and again, as after a save or by a reviewer: its rows are written once
    # (assessments.rows.row_html). Its first view after every row changed writes them all.
    url = f"/assessments/{assessment.pk}/self-eval/"
    report("GET self-eval, rows new", timed(lambda: (forget_written_rows(), client.get(url))))
    # The baseline: every row written by its template, nothing kept (as before assessments.rows.row_html).
    kept = row_tag.row_html
    row_tag.row_html = lambda view, writable: get_template(ROW_TEMPLATE).render({"row": view, "writable": writable})
    report("GET self-eval, rows not kept", timed(lambda: client.get(url)))
    row_tag.row_html = kept
    # The rows' inputs laid out from the stored values on every view, as before the layouts were kept
    # (assessments.rows.stored_rows), interleaved with views that reuse them.
    from assessments import rows

    laid_out_anew = swapped(rows, "_laid_out", _Forgetful(), lambda: client.get(url))

    kept_layouts, anew = timed_alternately(lambda: client.get(url), laid_out_anew)
    report("GET self-eval, layouts kept", *kept_layouts)
    report("  rows laid out anew", *anew)

    url = f"/assessments/{assessment.pk}/self-eval/"
    data = form_data(client.get(url).content.decode())

    def save():
        # Each save carries the current version, as the page a user saves from would.
        data["lock_version"] = str(Assessment.objects.values_list("lock_version", flat=True).get(pk=assessment.pk))
        responses = []
        elapsed = served(lambda: responses.append(client.post(url, urlencode(data), content_type=FORM_ENCODED)))
        assert responses[0].status_code == 302, responses[0].status_code
        return elapsed

    for _ in range(5):
        save()
    report("POST self-eval (save)", [save() for _ in range(ROUNDS)])
    preview = f"/assessments/{assessment.pk}/self-eval/preview/"
    bound, anew = timed_alternately(
        lambda: client.post(preview, urlencode(data), content_type=FORM_ENCODED),
        swapped(
            access, "_loader", loader_before, lambda: client.post(preview, urlencode(data), content_type=FORM_ENCODED)
        ),
    )
    report("POST self-eval preview", *bound)
    report("  loading query built anew", *anew)
    # Session 10: the rows posted as before validated anew, as before assessments.forms kept their validations.
    from assessments import forms as row_forms
    from perfeval.kept import Kept

    preview_post = partial(client.post, preview, urlencode(data), content_type=FORM_ENCODED)
    bound, anew = timed_alternately(preview_post, swapped(row_forms, "_validated", Kept(0), preview_post))
    report("POST self-eval preview, rows kept", *bound)
    report("  every row validated anew", *anew)


def swapped(owner, name: str, value, fn):
    """`fn` run with `owner.name` replaced by `value`: the code before a change, as the baseline timed alternately
    with the code after it."""

    def run():
        # Taken from the owner's own namespace: a classmethod read by getattr would come back bound to the owner.
        missing = object()
        kept = vars(owner).get(name, missing)
        setattr(owner, name, value)
        try:
            return fn()
        finally:
            if kept is missing:
                delattr(owner, name)
            else:
                setattr(owner, name, kept)

    return run


class _Forgetful(dict):
    """A store of row layouts that keeps none."""

    def __setitem__(self, key, value):
        pass

    def move_to_end(self, key):
        pass


class _NotBound:
    usable = False


_NOT_BOUND = _NotBound()


if __name__ == "__main__":
    main()
