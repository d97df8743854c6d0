"""The annual export with several task workers: two `manage.py db_worker` processes share one export and render
each unit exactly once; two exports running at once render a shared unit once (the fingerprint lock); an item left
running by a dead worker is taken up again, and the dead worker's late finish counts nothing."""

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import nullcontext
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.tasks import task_backends
from django.utils import timezone

from assessments.exports import services as exports
from assessments.models import ExportItem
from assessments.services import assessment_create
from units.models import Unit

from .conftest import blank_pdf

ROOT = Path(__file__).resolve().parents[3]
UNITS = 6

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="several processes on one database: needs DATABASE_URL=postgres://… (runs in CI)",
)


@pytest.fixture
def no_worker(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def units(frameworks, region, department, admin_user):
    """UNITS units under 甲主管部门, each with an empty 2022 draft."""
    created = []
    for number in range(1, UNITS + 1):
        unit = Unit.objects.create(code=f"W-{number:03d}", name=f"并行单位{number}", parent=department, region=region)
        created.append(assessment_create(unit=unit, year=2022, user=admin_user))
    return created


def database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(media: Path, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "MEDIA_ROOT": str(media),
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def wait_until(condition, *, timeout: float, workers=(), logs=()):
    deadline = time.monotonic() + timeout
    while not condition():
        dead = [w for w in workers if w.poll() is not None]
        if dead or time.monotonic() > deadline:
            output = "\n".join(log.read_text() for log in logs)
            pytest.fail(f"{'a worker exited' if dead else f'not done after {timeout} s'}:\n{output[-4000:]}")
        time.sleep(0.2)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_db_workers_share_an_export_and_render_each_unit_exactly_once(settings, admin_user, department, units):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    media = Path(settings.MEDIA_ROOT)
    logs = [media.parent / f"worker-{number}.log" for number in (1, 2)]
    workers = [start_worker(media, log) for log in logs]
    try:
        # Both polling before the export starts, so that neither finds the queue to itself.
        wait_until(
            lambda: all("Starting worker" in log.read_text() for log in logs), timeout=60, workers=workers, logs=logs
        )
        job = exports.export_start(user=admin_user, year=2022, scope="department", department=department)

        def finished():
            job.refresh_from_db()
            return job.finished

        wait_until(finished, timeout=180, workers=workers, logs=logs)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)

    assert (job.status, job.total, job.done, job.failed, job.reused) == ("done", UNITS, UNITS, 0, 0)
    items = list(job.items.all())
    assert sorted(item.assessment_id for item in items) == sorted(a.pk for a in units)
    assert {item.status for item in items} == {"done"}

    # Which process rendered what: every item by one of the two workers, and each worker did some.
    pids = {str(worker.pid) for worker in workers}
    by_worker = Counter(item.rendered_by.rpartition(":")[2] for item in items)
    assert set(by_worker) == pids, by_worker

    # No unit rendered twice: one render task per item ran, each returned "done", and one PDF per unit is cached.
    from django_tasks_db.models import DBTaskResult

    renders = DBTaskResult.objects.filter(task_path="assessments.exports.services.export_render_item")
    assert sorted(r.args_kwargs["args"][0] for r in renders) == sorted(item.pk for item in items)
    assert [r.return_value for r in renders] == ["done"] * UNITS
    assert all(len(r.worker_ids) == 1 for r in renders)
    assert len({r.worker_ids[0] for r in renders}) == 2
    cached = list((media / "exports" / "cache").glob("*.pdf"))
    assert sorted(p.stem for p in cached) == sorted(item.fingerprint for item in items)
    assert (media / job.combined_pdf).read_bytes().startswith(b"%PDF")


@pytest.fixture
def slow_render(monkeypatch):
    """A render that takes a while and records each call (thread-safe)."""
    calls, lock = [], threading.Lock()

    def render(assessment, **kwargs):
        with lock:
            calls.append(assessment.pk)
        time.sleep(0.5)
        return blank_pdf()

    monkeypatch.setattr("assessments.exports.services.render_report_pdf", render)
    return calls


def run_together(*functions):
    """Each function in its own thread and database connection, released together."""
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), []

    def run(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_exports_at_once_render_a_shared_unit_once_and_the_second_reuses_it(
    settings, admin_user, assessment, slow_render
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    first = exports.export_start(user=admin_user, year=2022, scope="all")
    second = exports.export_start(user=admin_user, year=2022, scope="all")
    items = [first.items.get(), second.items.get()]

    outcomes = run_together(*(lambda item=item: exports.export_render_item.call(item.pk) for item in items))

    assert slow_render == [assessment.pk]
    assert sorted(outcomes) == ["done", "reused"]
    for item in items:
        item.refresh_from_db()
    assert items[0].fingerprint == items[1].fingerprint and items[0].pdf_path == items[1].pdf_path
    assert (Path(settings.MEDIA_ROOT) / items[0].pdf_path).read_bytes().startswith(b"%PDF")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_without_the_fingerprint_lock_both_exports_would_render(
    settings, admin_user, assessment, slow_render, monkeypatch
):
    """The previous test's race is real: with the lock taken away, both render."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setattr(exports, "rendering_exclusively", lambda key: nullcontext())
    items = [exports.export_start(user=admin_user, year=2022, scope="all").items.get() for _ in range(2)]
    run_together(*(lambda item=item: exports.export_render_item.call(item.pk) for item in items))
    assert slow_render == [assessment.pk, assessment.pk]


def enqueued(name: str) -> list:
    return [r.args[0] for r in task_backends["default"].results if r.task.name == name]


def test_an_item_left_running_by_a_dead_worker_is_put_back_and_rendered(admin_user, units, no_worker, fake_render):
    job = exports.export_start(user=admin_user, year=2022, scope="all")
    dead, fresh, *_ = job.items.order_by("position")
    silent = timezone.now() - exports.STALE_AFTER - timedelta(seconds=5)
    ExportItem.objects.filter(pk=dead.pk).update(
        status="running", rendered_by="lost-host:4242", started_at=silent, heartbeat_at=silent
    )
    # Started long ago but still beating: a slow render of a live worker.
    ExportItem.objects.filter(pk=fresh.pk).update(
        status="running",
        rendered_by="busy-host:4343",
        started_at=timezone.now() - timedelta(minutes=14),
        heartbeat_at=timezone.now() - timedelta(seconds=exports.HEARTBEAT_EVERY),
    )
    task_backends["default"].clear()

    assert exports.reclaim_stale_items() == [dead.pk]
    dead.refresh_from_db()
    assert (dead.status, dead.rendered_by, dead.started_at, dead.heartbeat_at) == ("pending", "", None, None)
    assert enqueued("export_render_item") == [dead.pk]
    assert ExportItem.objects.get(pk=fresh.pk).status == "running"  # not stale yet: its worker may be alive

    assert exports.export_render_item.call(dead.pk) == "done"
    dead.refresh_from_db()
    assert dead.status == "done" and dead.rendered_by == exports.worker_name()


def test_every_render_task_reclaims_what_dead_workers_left(admin_user, units, no_worker, fake_render):
    job = exports.export_start(user=admin_user, year=2022, scope="all")
    dead, other, *_ = job.items.order_by("position")
    ExportItem.objects.filter(pk=dead.pk).update(
        status="running", started_at=timezone.now() - timedelta(hours=1), heartbeat_at=None
    )
    task_backends["default"].clear()

    assert exports.export_render_item.call(other.pk) == "done"
    assert enqueued("export_render_item") == [dead.pk]


def test_a_reclaimed_workers_late_finish_counts_nothing(admin_user, units, no_worker, fake_render, monkeypatch):
    """Worker A is thought dead while it renders; worker B takes the item over and finishes it. When A finishes
    after all, the item and the job's counters stay as B left them."""
    job = exports.export_start(user=admin_user, year=2022, scope="all")
    item = job.items.order_by("position").first()
    renders = []

    def render(assessment, **kwargs):
        renders.append(assessment.pk)
        if len(renders) == 1:  # A, mid-render: its claim goes stale, B reclaims and finishes the item
            ExportItem.objects.filter(pk=item.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
            assert exports.reclaim_stale_items() == [item.pk]
            assert exports.export_render_item.call(item.pk) == "done"
        return blank_pdf()

    monkeypatch.setattr("assessments.exports.services.render_report_pdf", render)
    assert exports.export_render_item.call(item.pk) == "reclaimed"
    item.refresh_from_db()
    job.refresh_from_db()
    assert item.status == "done" and (job.done, job.failed) == (1, 0)
    assert renders == [item.assessment_id, item.assessment_id]


def test_an_item_whose_worker_process_is_gone_is_taken_back_at_once(admin_user, units, no_worker, fake_render):
    """On the worker's own machine a killed process is seen at once, before its heartbeat goes stale."""
    job = exports.export_start(user=admin_user, year=2022, scope="all")
    item = job.items.order_by("position").first()
    gone = f"{exports.socket.gethostname()}:{_exited_pid()}"
    ExportItem.objects.filter(pk=item.pk).update(
        status="running", rendered_by=gone, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    alive = f"{exports.socket.gethostname()}:{os.getpid()}"
    other = job.items.order_by("position")[1]
    ExportItem.objects.filter(pk=other.pk).update(
        status="running", rendered_by=alive, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    assert exports.reclaim_stale_items() == [item.pk]


def _exited_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_job_page_reclaims_and_shows_the_retry(client, admin_user, units, no_worker, fake_render):
    job = exports.export_start(user=admin_user, year=2022, scope="all")
    item = job.items.order_by("position").first()
    silent = timezone.now() - exports.STALE_AFTER - timedelta(seconds=5)
    ExportItem.objects.filter(pk=item.pk).update(
        status="running", rendered_by="lost-host:1", started_at=silent, heartbeat_at=silent, attempts=1
    )
    client.force_login(admin_user)
    html = client.get(f"/exports/{job.pk}/").content.decode()
    item.refresh_from_db()
    assert item.status == "pending"
    assert "正在重新生成" in html and f"{item.assessment.unit.name}" in html and "第 2 次" in html


def test_the_dead_workers_task_is_marked_failed(admin_user, units, no_worker, fake_render):
    from django_tasks_db.models import DBTaskResult

    job = exports.export_start(user=admin_user, year=2022, scope="all")
    item = job.items.order_by("position").first()
    result = DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": [item.pk], "kwargs": {}},
        task_path=exports.export_render_item.module_path,
        backend_name="default",
        queue_name="default",
    )
    silent = timezone.now() - exports.STALE_AFTER - timedelta(seconds=5)
    ExportItem.objects.filter(pk=item.pk).update(
        status="running", rendered_by="lost-host:7", started_at=silent, heartbeat_at=silent
    )
    assert exports.reclaim_stale_items() == [item.pk]
    result.refresh_from_db()
    assert result.status == "FAILED" and "lost-host:7" in result.traceback


@postgres_only  # the beat is written from a second connection: SQLite's shared in-memory test database locks it out
@pytest.mark.django_db(transaction=True)
def test_a_rendering_worker_beats(admin_user, units, no_worker, monkeypatch):
    monkeypatch.setattr(exports, "HEARTBEAT_EVERY", 0.05)
    job = exports.export_start(user=admin_user, year=2022, scope="all")
    item = job.items.order_by("position").first()
    beats = []

    def slow_render(assessment, **kwargs):
        claimed = ExportItem.objects.get(pk=item.pk).heartbeat_at
        time.sleep(0.5)
        beats.append((claimed, ExportItem.objects.get(pk=item.pk).heartbeat_at))
        return blank_pdf()

    monkeypatch.setattr("assessments.exports.services.render_report_pdf", slow_render)
    assert exports.export_render_item.call(item.pk) == "done"
    ((claimed, later),) = beats
    assert later > claimed


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_export_finishes_when_one_of_two_workers_is_killed_mid_render(
    settings, admin_user, department, units, client
):
    """kill -9 one of two workers while it renders: the job page (as a watching administrator polls it) puts its
    unit back at once, the other worker renders it, and the export finishes within two minutes."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    media = Path(settings.MEDIA_ROOT)
    logs = [media.parent / f"worker-{number}.log" for number in (1, 2)]
    workers = [start_worker(media, log) for log in logs]
    client.force_login(admin_user)
    try:
        wait_until(
            lambda: all("Starting worker" in log.read_text() for log in logs), timeout=60, workers=workers, logs=logs
        )
        job = exports.export_start(user=admin_user, year=2022, scope="department", department=department)
        victim = workers[0]
        wait_until(
            lambda: ExportItem.objects.filter(
                job=job, status="running", rendered_by__endswith=f":{victim.pid}"
            ).exists(),
            timeout=60,
            workers=workers,
            logs=logs,
        )
        victim.kill()
        victim.wait(timeout=30)
        started = time.monotonic()

        def finished():
            client.get(f"/exports/{job.pk}/", headers={"HX-Request": "true"})
            job.refresh_from_db()
            return job.finished

        wait_until(finished, timeout=120, workers=workers[1:], logs=logs)
        assert time.monotonic() - started < 120
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)

    assert (job.status, job.done, job.failed) == ("done", UNITS, 0)
    retried = job.items.filter(attempts=2)
    assert retried.count() >= 1
    from django_tasks_db.models import DBTaskResult

    lost = DBTaskResult.objects.filter(task_path=exports.export_render_item.module_path, status="FAILED")
    assert lost.count() >= 1
