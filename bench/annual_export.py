"""The annual export of many units: wall time from the request to the finished ZIP, with the immediate backend (one
process renders everything) or with N `manage.py db_worker` processes (django_tasks_db on PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perfeval_bench_export \\
        .venv/bin/python bench/annual_export.py --units 200 --workers 0     # immediate backend: 1 worker
    ... --workers 2                                                           # 2 db_worker processes

It migrates that database, loads the demo and clones the 株洲 demo assessment (10-page Hunan report, three projects)
into UNITS units under one 主管部门, empties the PDF cache (every report is rendered) and exports that department's
year. It prints the total, the per-unit render time and the assembly time (cover + summary, pypdf merge, ZIP, Excel).
"""

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser()
parser.add_argument("--units", type=int, default=int(os.getenv("UNITS", "200")))
parser.add_argument("--workers", type=int, default=0, help="0: immediate backend in this process")
args = parser.parse_args()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfeval.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/perfeval_bench_export")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
os.environ.setdefault("MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "perfeval-bench-export-media"))
if args.workers:
    os.environ["TASK_BACKEND"] = "django_tasks_db.DatabaseBackend"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench.common import ensure_database  # noqa: E402


def clone(source, unit):
    """A copy of `source` (facts, institutions, special funds, projects and their rows, narrative) for `unit`."""
    from assessments.models import (
        Assessment,
        EvaluationMember,
        Facts,
        IndicatorRow,
        Institution,
        NarrativeSection,
        Project,
        SpecialFund,
    )
    from units.models import Staffing

    copy = Assessment.objects.create(
        unit=unit,
        year=source.year,
        framework_version=source.framework_version,
        goal_planned=source.goal_planned,
        goal_achieved=source.goal_achieved,
    )

    def copy_rows(model, **extra):
        rows = []
        for row in model.objects.filter(assessment=source):
            row.pk = None
            row.assessment = copy
            for name, value in extra.items():
                setattr(row, name, value(row))
            rows.append(row)
        return rows

    facts = Facts.objects.get(assessment=source)
    facts.pk, facts.assessment = None, copy
    facts.save()
    Institution.objects.bulk_create(copy_rows(Institution))
    SpecialFund.objects.bulk_create(copy_rows(SpecialFund))
    NarrativeSection.objects.bulk_create(copy_rows(NarrativeSection))
    EvaluationMember.objects.bulk_create(copy_rows(EvaluationMember))
    projects = {}
    for project in Project.objects.filter(assessment=source):
        old = project.pk
        project.pk, project.assessment = None, copy
        project.save()
        projects[old] = project.pk
    IndicatorRow.objects.bulk_create(copy_rows(IndicatorRow, project_id=lambda row: projects.get(row.project_id)))
    staffing = Staffing.objects.filter(unit=source.unit, year=source.year).first()
    if staffing is not None:
        staffing.pk, staffing.unit = None, unit
        staffing.save()


def build(units: int):
    from assessments.models import Assessment
    from units.models import Region, Unit

    call_command("migrate", verbosity=0)
    if not Unit.objects.filter(code="430200-101").exists():
        call_command("load_demo", stdout=io.StringIO())
    region = Region.objects.get(code="430200")
    # One 主管部门 per size, so that runs of different sizes share the database.
    department, _ = Unit.objects.get_or_create(
        code=f"B{units}-000", defaults={"name": f"基准主管部门{units}", "kind": Unit.Kind.DEPARTMENT, "region": region}
    )
    source = Assessment.objects.select_related("unit").get(unit__code="430200-101")
    have = Unit.objects.filter(parent=department).count()
    for number in range(have, units):
        unit = Unit.objects.create(
            code=f"B{units}-{number + 1:04d}",
            name=f"基准单位{number:04d}",
            parent=department,
            region=region,
            contact_phone="0731-12345678",
            functions=source.unit.functions,
            internal_structure=source.unit.internal_structure,
        )
        clone(source, unit)
    return department


def wait_for(job, started: float, timeout: float = 3600):
    from assessments.models import ExportJob

    last = None
    while True:
        job.refresh_from_db()
        line = f"{job.done + job.failed}/{job.total} {job.get_status_display()}"
        if line != last:
            print(f"  {time.perf_counter() - started:7.1f} s  {line}", flush=True)
            last = line
        if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            return
        if time.perf_counter() - started > timeout:
            raise SystemExit("timed out")
        time.sleep(0.5)


def main():
    from django.contrib.auth import get_user_model
    from django.db.models import Max

    from assessments.exports import services as exports
    from assessments.models import ExportJob

    ensure_database()
    department = build(args.units)
    user = get_user_model().objects.get(username="admin")
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "exports", ignore_errors=True)
    # Tasks left queued by an interrupted run would be rendered by these workers first (filling the cache this run
    # empties, and timed as its own): this database is the benchmark's alone.
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()

    workers = []
    env = {**os.environ, "TASK_BACKEND": "django_tasks_db.DatabaseBackend", "PYTHONUNBUFFERED": "1"}
    for number in range(args.workers):
        workers.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(Path(tempfile.gettempdir()) / f"perfeval-bench-worker-{number}.log", "w"),  # noqa: SIM115
            )
        )
    time.sleep(2 if workers else 0)  # the workers' Django start-up is not part of the export
    try:
        started = time.perf_counter()
        print(f"exporting {args.units} units with {args.workers or 'the immediate backend (1)'} worker(s)")
        job = exports.export_start(user=user, year=2022, scope=ExportJob.Scope.DEPARTMENT, department=department)
        wait_for(job, started)
        total = time.perf_counter() - started
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)

    items = list(job.items.all())
    renders = sorted((i.finished_at - i.started_at).total_seconds() for i in items if i.finished_at and i.started_at)
    last_item = job.items.aggregate(last=Max("finished_at"))["last"]
    assembly = (job.finished_at - last_item).total_seconds() if job.finished_at and last_item else None
    combined = Path(settings.MEDIA_ROOT) / job.combined_pdf if job.combined_pdf else None
    print(f"status {job.status}, {job.done} done, {job.failed} failed, {job.reused} reused")
    print(f"total {total:.1f} s for {job.total} units ({total / max(job.total, 1):.2f} s per unit)")
    if renders:
        print(
            f"per-unit render: median {renders[len(renders) // 2]:.2f} s, best {renders[0]:.2f} s, "
            f"worst {renders[-1]:.2f} s"
        )
    if assembly is not None:
        print(f"assembly (cover, merge, ZIP, Excel): {assembly:.1f} s")
    if combined and combined.exists():
        from pypdf import PdfReader

        print(f"combined PDF: {len(PdfReader(combined).pages)} pages, {combined.stat().st_size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
