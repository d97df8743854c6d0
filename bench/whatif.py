"""A region-year what-if over many assessments: wall time of `region_run_start` (the batched background task, run by
the immediate backend in this process) scoring every project table of a region-year under 财预〔2021〕101号 beside the
10号 rules it is scored with, and summarising them (grade changes, the indicators that move most).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perfeval_bench_whatif \\
        .venv/bin/python bench/whatif.py --assessments 1000

It migrates that database, loads the demo (frameworks, regions, the admin) and, the first time, creates ASSESSMENTS
units under 桃江县 with a 2024 assessment each: one project table (funds block, completion, 9 unit-written rows
over 产出 / 效益 / 满意度, one of them a 10号 成本指标 row that 101号 moves to 经济成本) with actual values varied so
that grades differ. Then it times, three times each:
- the run: `assessments.whatif.services.region_run_start` (batches of 200: six queries a batch, then the engine);
- the baseline: the same comparisons made one assessment at a time as the assessment screen loads its data
  (`assessment_data`, seven queries each), then `summarise`.
It prints the medians, the per-assessment cost, and the load average before and after.
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser()
parser.add_argument("--assessments", type=int, default=int(os.getenv("ASSESSMENTS", "1000")))
parser.add_argument("--runs", type=int, default=3)
args = parser.parse_args()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfeval.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/perfeval_bench_whatif")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from bench.common import ensure_database  # noqa: E402

YEAR = 2024
PREFIX = "WIF-"
ROWS = [  # group, name, weight, kind, target, comparator
    ("quantity", "服务人次", 20, "quantitative", 1000, ">="),
    ("quality", "服务对象准确率", 10, "quantitative", 100, ">="),
    ("timeliness", "按期完成率", 10, "quantitative", 100, ">="),
    ("cost", "成本控制率", 10, "quantitative", 100, "<="),
    ("economic", "带动就业人数", 10, "quantitative", 50, ">="),
    ("social", "政策知晓率", 10, "quantitative", 90, ">="),
    ("sustainability", "长效机制建立", 10, "qualitative", None, ""),
    ("recipient_satisfaction", "服务对象满意度", 10, "quantitative", 90, ">="),
]


def build(count: int):
    from assessments.models import Assessment, Facts, IndicatorRow, Project
    from assessments.scores import project_framework_version
    from scoring.models import FrameworkVersion
    from units.models import Region, Unit

    region = Region.objects.get(code="430922")
    existing = Assessment.objects.filter(unit__code__startswith=PREFIX, year=YEAR).count()
    if existing >= count:
        return
    rng = random.Random(2026)
    overall = FrameworkVersion.objects.filter(framework__code="mof-2020-selfeval").order_by("-version").first()
    units = Unit.objects.bulk_create(
        Unit(code=f"{PREFIX}{i:05d}", name=f"试算单位{i:05d}", region=region) for i in range(existing, count)
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(unit=unit, year=YEAR, framework_version=overall, project_framework_version=overall) for unit in units
    )
    Facts.objects.bulk_create(Facts(assessment=a) for a in assessments)
    projects = Project.objects.bulk_create(
        Project(
            assessment=a,
            name="社区服务专项资金",
            fiscal_budget_full_year=Decimal(100),
            fiscal_spending_actual=Decimal(rng.choice([100, 97, 92, 85, 70])),
            completed=rng.random() < 0.7,
        )
        for a in assessments
    )
    rows = []
    for project in projects:
        spread = rng.choice([1.0, 0.97, 0.9, 0.8, 0.7])
        for position, (group, name, weight, kind, target, comparator) in enumerate(ROWS, 1):
            row = IndicatorRow(
                assessment_id=project.assessment_id,
                project=project,
                position=position,
                group_code=group,
                name=name,
                weight=Decimal(weight),
                kind=kind,
            )
            if kind == "quantitative":
                actual = Decimal(target) * Decimal(str(spread)) * Decimal(str(rng.uniform(0.95, 1.05)))
                if comparator == "<=":
                    actual = Decimal(target) * Decimal(str(rng.uniform(0.9, 1.2)))
                row.target_value = f"{'≤' if comparator == '<=' else '≥'}{target}"
                row.target_comparator, row.target_number = comparator, Decimal(target)
                row.actual_number = actual.quantize(Decimal("0.01"))
                row.actual_value = str(row.actual_number)
            else:
                row.outcome, row.score = rng.choice([("achieved", 10), ("achieved", 9), ("partial", 7), ("partial", 6)])
                row.score = Decimal(row.score)
                row.score_reason = "按完成情况评分"
            rows.append(row)
    IndicatorRow.objects.bulk_create(rows, batch_size=2000)
    assert project_framework_version(assessments[0]) == overall


def baseline(user, region, other):
    """One assessment at a time, loaded as its screen loads it."""
    from assessments.scores import project_entries, project_facts, project_framework_version
    from assessments.selectors import assessment_data
    from assessments.whatif.services import region_assessments
    from scoring.adapters import framework_spec
    from scoring.engine.whatif import compare, summarise

    other_spec = framework_spec(other)
    comparisons = []
    for assessment in region_assessments(user, region=region, year=YEAR).select_related(
        "unit__region", "project_framework_version"
    ):
        data = assessment_data(assessment)
        spec = framework_spec(project_framework_version(assessment))
        for project in data.projects:
            rows = [r for r in data.rows if r.project_id == project.pk]
            comparisons.append(
                compare(spec, other_spec, project_facts(project), project_entries(project, spec=spec, rows=rows))
            )
    return summarise(comparisons)


def main():
    from django.contrib.auth import get_user_model

    from assessments.models import WhatIfRun
    from assessments.whatif.services import region_run_start
    from scoring.models import FrameworkVersion
    from units.models import Region

    ensure_database()
    call_command("migrate", verbosity=0)
    if not get_user_model().objects.filter(username="admin").exists():
        call_command("load_demo", stdout=io.StringIO())
    started = time.perf_counter()
    build(args.assessments)
    print(f"data: {time.perf_counter() - started:.1f} s to build (0 when it was there)")
    admin = get_user_model().objects.get(username="admin")
    province = Region.objects.get(code="430000")
    other = FrameworkVersion.objects.filter(framework__code="mof-2021-core").order_by("-version").first()
    print(f"load average before: {os.getloadavg()}")
    runs, bases = [], []
    run = None
    for _ in range(args.runs):
        started = time.perf_counter()
        run = region_run_start(user=admin, region=province, year=YEAR, form="project", other=other)
        runs.append(time.perf_counter() - started)
        assert run.status == WhatIfRun.Status.DONE, run.error
        started = time.perf_counter()
        summary = baseline(admin, province, other)
        bases.append(time.perf_counter() - started)
    print(f"load average after: {os.getloadavg()}")
    result = run.result["summary"]
    assert result["count"] == summary.count, (result["count"], summary.count)
    n = run.total
    median, base = statistics.median(runs), statistics.median(bases)
    print(f"assessments: {n} (project tables compared: {result['count']}; grades changed: {result['changed']})")
    print(f"run (batched task):   median {median:.2f} s  ({1000 * median / n:.2f} ms each)  runs {runs}")
    print(f"baseline (one by one): median {base:.2f} s  ({1000 * base / n:.2f} ms each)  runs {bases}")
    print("largest mean absolute change:", [(s["name"], s["mean_abs"]) for s in result["shifts"][:3]])


main()
