"""Import of a full workbook: 附件1-1, 附件1-2 (30 indicator rows) and five 附件1-3 projects (8 rows each).

    .venv/bin/python bench/workbook_import.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perfeval_bench .venv/bin/python bench/workbook_import.py

Builds one assessment (default: a throw-away SQLite file), exports it, changes some cells as a person would, then
times, in-process: stage 1 (parse_workbook), stage 1 + 2 preview (apply=False) and stage 1 + 2 applied (apply=True,
one new version saved each time). Prints p50/p95/max in milliseconds. Target: ≤ 1 s for the whole import.
"""

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfeval.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / 'perfeval_bench_workbook.sqlite3'}")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

ROUNDS = int(os.getenv("ROUNDS", "20"))


def build():
    from django.contrib.auth.models import User

    from assessments.models import Assessment, IndicatorRow, Project, SpecialFund
    from assessments.services import assessment_create
    from units.models import Membership, Region, Role, Unit

    call_command("migrate", verbosity=0)
    call_command("load_frameworks", stdout=io.StringIO())
    region, _ = Region.objects.get_or_create(code="439900", defaults={"name": "基准市", "level": "city"})
    unit, _ = Unit.objects.get_or_create(code="BENCH-XL", defaults={"name": "基准单位", "region": region})
    user, _ = User.objects.get_or_create(username="bench-xl-preparer")
    Membership.objects.get_or_create(user=user, unit=unit, role=Role.PREPARER)
    Assessment.objects.filter(unit=unit).delete()
    assessment = assessment_create(unit=unit, year=2024, user=user)
    groups = ["quantity", "quality", "timeliness", "cost", "social", "recipient_satisfaction"]

    def rows(project, count, weight):
        return [
            IndicatorRow(
                assessment=assessment,
                project=project,
                group_code=groups[i % len(groups)],
                name=f"三级指标{i}",
                weight=weight,
                kind="quantitative",
                target_value="≥90%",
                actual_value=f"{85 + i % 10}%",
                position=i,
            )
            for i in range(count)
        ]

    IndicatorRow.objects.bulk_create(rows(None, 30, 3))
    for p in range(5):
        project = Project.objects.create(
            assessment=assessment,
            position=p + 1,
            name=f"项目{p}",
            fiscal_budget_full_year=100,
            fiscal_spending_actual=96,
        )
        IndicatorRow.objects.bulk_create(rows(project, 8, 10))
    for i in range(3):
        SpecialFund.objects.create(assessment=assessment, position=i + 1, name=f"专项{i}", budget=20, actual=19)
    facts = assessment.facts
    facts.budget_full_year, facts.spending_actual = 2707.46, 2681.55
    facts.save()
    return assessment, user


def timed(fn) -> list[float]:
    for _ in range(3):
        fn()
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(f"{name:<34} p50 {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms   max {ordered[-1]:7.1f} ms")


def main():
    from assessments.models import Assessment
    from assessments.workbook.build import workbook_bytes
    from assessments.workbook.imports import parse_workbook, workbook_import
    from tests.assessments.workbook.workbook_helpers import edited

    assessment, user = build()
    start = time.perf_counter()
    content = workbook_bytes(assessment)
    export_ms = (time.perf_counter() - start) * 1000
    changed = edited(content, {("facts", "reception_actual"): "１．５", ("facts", "spending_q1"): 600})
    print(
        f"database: {connection.vendor}; rounds: {ROUNDS}; workbook {len(content) // 1024} KiB, "
        f"{len(parse_workbook(changed).rows)} parsed rows; export {export_ms:.0f} ms"
    )
    report("stage 1: parse_workbook", timed(lambda: parse_workbook(changed)))

    def preview():
        current = Assessment.objects.get(pk=assessment.pk)
        result = workbook_import(
            assessment=current,
            parsed=parse_workbook(changed),
            user=user,
            expected_version=current.lock_version,
            apply=False,
        )
        assert result.ok and len(result.changes) == 2, result.errors[:3]

    def apply():
        current = Assessment.objects.get(pk=assessment.pk)
        result = workbook_import(
            assessment=current,
            parsed=parse_workbook(changed),
            user=user,
            expected_version=current.lock_version,
            apply=True,
        )
        assert result.applied, result.errors[:3]

    report("parse + validate (preview)", timed(preview))
    report("parse + validate + apply", timed(apply))


if __name__ == "__main__":
    main()
