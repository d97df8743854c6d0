"""Migration 0023 moves each stored summary's key from one text into typed columns. A line whose text key still
matched its assessment's inputs must come out fresh (a deploy must not make 60,000 lines stale at once), and a stale
one must stay stale."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import CharField, F, FilteredRelation, Q, Value
from django.db.models.functions import Cast, Coalesce

from assessments.dashboard.figures import refresh_stale
from assessments.models import Assessment, AssessmentSummary
from assessments.stored_summaries import STAFFING_FIELDS, code_version, with_summary_keys

BEFORE = [("assessments", "0022_fact_labels_from_vocabulary")]
AFTER = [("assessments", "0023_summary_key_columns")]


def _migration():
    from importlib import import_module

    return import_module("assessments.migrations.0023_summary_key_columns")


def old_keys(apps):
    """Each assessment's text key as assessments.summaries wrote it before 0023 (with_summary_keys at 31b86b6)."""
    historical = apps.get_model("assessments", "Assessment")
    parts = [Value(code_version()), F("status"), F("lock_version"), F("updated_at"), F("framework_version_id")]
    parts += [F(f"year_staffing__{name}") for name in STAFFING_FIELDS]
    return dict(
        historical.objects.annotate(
            year_staffing=FilteredRelation("unit__staffing", condition=Q(unit__staffing__year=F("year")))
        )
        .annotate(key=_migration()._Joined(*(Coalesce(Cast(part, CharField()), Value("")) for part in parts)))
        .values_list("pk", "key")
    )


@pytest.mark.django_db(transaction=True)
def test_the_key_columns_are_filled_from_the_text_key_so_that_fresh_lines_stay_fresh(frameworks):
    from scoring.models import FrameworkVersion

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    # Every other app as it stands now (their tables are), this one before 0023.
    leaves = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "assessments"]
    apps = executor.loader.project_state([*leaves, *BEFORE]).apps
    Region = apps.get_model("units", "Region")
    Unit = apps.get_model("units", "Unit")
    Staffing = apps.get_model("units", "Staffing")
    Historical = apps.get_model("assessments", "Assessment")
    Summary = apps.get_model("assessments", "AssessmentSummary")
    region = Region.objects.create(code="990000", name="迁移测试省", level="province")
    units = [Unit.objects.create(code=f"M-{n}", name=f"迁移单位{n}", region=region) for n in range(4)]
    # With and without the year's staffing (the figures come from a LEFT JOIN: absent, they are NULL).
    Staffing.objects.create(unit=units[0], year=2023, staff_quota=10, staff_actual=9, retirees=3)
    Staffing.objects.create(unit=units[1], year=2022, staff_quota=5, staff_actual=5)  # another year's
    version = FrameworkVersion.objects.order_by("pk").values_list("pk", flat=True)[0]
    # One without a framework version (an old assessment may store none: NULL in the key).
    made = [
        Historical.objects.create(unit=unit, year=2023, status="draft", framework_version_id=version if n else None)
        for n, unit in enumerate(units)
    ]
    Historical.objects.filter(pk=made[2].pk).update(status="submitted", lock_version=7)
    keys = old_keys(apps)
    for assessment in made:
        Summary.objects.create(assessment_id=assessment.pk, key=keys[assessment.pk], total="88.5", grade="良")
    # Stale before the migration: a save after the line was stored, and a line of an older release.
    Historical.objects.filter(pk=made[1].pk).update(lock_version=F("lock_version") + 1)
    Summary.objects.filter(assessment_id=made[3].pk).update(key="0123456789abcdef" + keys[made[3].pk][16:])

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    fresh = dict(with_summary_keys(Assessment.objects.all()).values_list("pk", "fresh"))
    assert fresh == {made[0].pk: True, made[1].pk: False, made[2].pk: True, made[3].pk: False}
    line = AssessmentSummary.objects.get(pk=made[0].pk)
    assert (line.key_code, line.key_status, line.key_staff_quota, line.key_staff_actual, line.key_retirees) == (
        code_version(),
        "draft",
        10,
        9,
        3,
    )
    assert AssessmentSummary.objects.get(pk=made[2].pk).key_lock_version == 7
    assert line.key_framework_version is None
    assert AssessmentSummary.objects.get(pk=made[1].pk).key_code == ""  # left empty: computed again when shown
    assert (line.total, line.grade) == ("88.5", "良")  # the figures of a fresh line are kept, not computed again
    assert refresh_stale(Assessment.objects.all()) == 2
    assert refresh_stale(Assessment.objects.all()) == 0
