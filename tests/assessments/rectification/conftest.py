"""The finalised Futian demo (tests/assessments/reports/conftest.py), whose report names two problems and three
measures, and its users by username."""

import pytest

from tests.assessments.reports.conftest import demo, finalised_futian  # noqa: F401 (fixtures)


@pytest.fixture
def users(demo, django_user_model):  # noqa: F811
    return {u.username: u for u in django_user_model.objects.all()}
