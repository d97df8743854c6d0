"""ExactSum: the database sums decimal texts exactly (PostgreSQL as numeric, SQLite through a Python aggregate),
where a float sum would give 0.30000000000000004 for 0.1 + 0.2."""

from decimal import Decimal

import pytest

from assessments.models import Assessment, AssessmentSummary
from perfeval.aggregates import ExactSum
from units.models import Unit

pytestmark = pytest.mark.django_db


def summaries(totals, region):
    for number, total in enumerate(totals):
        unit = Unit.objects.create(code=f"X-{number}", name=f"单位{number}", region=region)
        AssessmentSummary.objects.create(assessment=Assessment.objects.create(unit=unit, year=2022), total=total)


def test_the_sum_is_exact_and_blank_texts_are_left_out(region):
    summaries(["0.1", "0.2", "", "99.995", "1E+1"], region)
    total = AssessmentSummary.objects.aggregate(total=ExactSum("total"))["total"]
    assert isinstance(total, str) and Decimal(total) == Decimal("110.295")


def test_nothing_to_sum_is_none(region):
    summaries(["", ""], region)
    assert AssessmentSummary.objects.aggregate(total=ExactSum("total"))["total"] is None
    assert AssessmentSummary.objects.none().aggregate(total=ExactSum("total"))["total"] is None
