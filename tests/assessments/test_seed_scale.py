"""manage.py seed_scale (the scale data set of bench/scale.py): a small set, with every assessment summarised and, on
PostgreSQL, planner statistics that count the summaries it wrote."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from assessments.management.commands.seed_scale import PREFIX
from assessments.models import Assessment, AssessmentSummary

pytestmark = pytest.mark.django_db


def test_a_small_scale_set_has_every_assessment_summarised(frameworks):
    call_command("seed_scale", units=6, years=2, stdout=io.StringIO())
    seeded = Assessment.objects.filter(unit__code__startswith=PREFIX)
    assert seeded.count() > 0
    assert AssessmentSummary.objects.filter(assessment__in=seeded).count() == seeded.count()
    if connection.vendor == "postgresql":
        # The statistics were taken after the summaries were written (ANALYZE ran before them too, for the rest).
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [AssessmentSummary._meta.db_table])
            (estimated,) = cursor.fetchone()
        assert estimated == AssessmentSummary.objects.count()
