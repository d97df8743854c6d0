"""The demo assessments (manage.py load_demo) as the report tests use them, loaded the way the views load them."""

import io

import pytest
from django.core.management import call_command

from assessments.models import Assessment

ZHUZHOU, FUTIAN, TAOJIANG = "430200-101", "440304-101", "430922-101"
DEMO_UNITS = (ZHUZHOU, FUTIAN, TAOJIANG)
LAYOUTS = ("hunan", "hunan-zhou", "futian", "guangdong")


def load(pk) -> Assessment:
    """As assessments.access.get_assessment_for_user loads it."""
    return Assessment.objects.select_related(
        "unit__region__parent__parent", "unit__parent", "framework_version__framework", "updated_by"
    ).get(pk=pk)


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    return {a.unit.code: load(a.pk) for a in Assessment.objects.select_related("unit")}


@pytest.fixture
def finalised_futian(demo, django_user_model):
    """The Futian demo (no blocking findings) signed through every step by its demo users: final, with a snapshot."""
    from assessments.workflow import services as workflow

    users = {u.username: u for u in django_user_model.objects.filter(username__startswith="ft-")}
    assessment = demo[FUTIAN]
    workflow.assessment_submit(assessment=assessment, user=users["ft-preparer"])
    for step in workflow.steps_for(assessment.unit):
        suffix = {"group_leader": "leader", "unit_head": "head", "supervisor": "supervisor", "finance": "finance"}
        workflow.assessment_sign(
            assessment=load(assessment.pk),
            user=users[f"ft-{suffix[step.code]}"],
            opinion=f"{step.opinion_title}：同意。",
        )
    assessment = load(assessment.pk)
    assert assessment.status == Assessment.Status.FINAL
    return assessment


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Downloaded reports are kept under MEDIA_ROOT (assessments.reports.cache): each test starts with none."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
