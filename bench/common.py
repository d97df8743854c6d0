"""What several benchmarks share: the PostgreSQL database they run in, and the assessment of the screen benchmarks
(50 unit-written indicator rows, 5 projects of 10 rows each). Imported after django.setup()."""

GROUPS = ["quantity", "quality", "timeliness", "cost", "social", "recipient_satisfaction"]


def ensure_database() -> None:
    """Create the configured PostgreSQL database when it does not exist yet (SQLite creates its own file)."""
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    import psycopg

    db = settings.DATABASES["default"]
    admin = psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname="postgres", autocommit=True
    )
    if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
        admin.execute(f'CREATE DATABASE "{db["NAME"]}"')
    admin.close()


def fill_screen_assessment(assessment) -> None:
    """50 unit-written indicator rows, 5 projects of 10 rows, and the funds block of seed 001."""
    from assessments.models import IndicatorRow, Project

    IndicatorRow.objects.bulk_create(
        IndicatorRow(
            assessment=assessment,
            group_code=GROUPS[i % len(GROUPS)],
            name=f"三级指标{i}",
            weight=1,
            kind="quantitative",
            target_value="≥90%",
            actual_value=f"{85 + i % 10}%",
            position=i,
        )
        for i in range(50)
    )
    for p in range(5):
        project = Project.objects.create(assessment=assessment, name=f"项目{p}", fiscal_budget_full_year=100)
        IndicatorRow.objects.bulk_create(
            IndicatorRow(assessment=assessment, project=project, group_code="quantity", name=f"项目指标{i}", weight=9)
            for i in range(10)
        )
    facts = assessment.facts
    facts.budget_full_year, facts.spending_actual = 2707.46, 2681.55
    facts.save()
