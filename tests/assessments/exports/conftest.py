"""The annual export, the dashboard and the public page on the demo data (manage.py load_demo): three units, each
with its seed year's assessment; the Futian one can be finalised through the workflow by its demo users."""

import io

import pytest
from django.core.management import call_command
from pypdf import PdfWriter

from assessments.models import Assessment

ZHUZHOU, FUTIAN, TAOJIANG = "430200-101", "440304-101", "430922-101"


def load(pk) -> Assessment:
    return Assessment.objects.select_related(
        "unit__region__parent__parent", "unit__parent", "framework_version__framework", "updated_by"
    ).get(pk=pk)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    return {a.unit.code: load(a.pk) for a in Assessment.objects.select_related("unit")}


@pytest.fixture
def users(demo, django_user_model):
    return {u.username: u for u in django_user_model.objects.all()}


@pytest.fixture
def finalised_futian(demo, users):
    """The Futian demo signed through every step by its demo users: final, with a snapshot."""
    from assessments.workflow import services as workflow

    assessment = demo[FUTIAN]
    workflow.assessment_submit(assessment=assessment, user=users["ft-preparer"])
    suffix = {"group_leader": "leader", "unit_head": "head", "supervisor": "supervisor", "finance": "finance"}
    for step in workflow.steps_for(assessment.unit):
        workflow.assessment_sign(
            assessment=load(assessment.pk), user=users[f"ft-{suffix[step.code]}"], opinion="同意。"
        )
    assessment = load(assessment.pk)
    assert assessment.status == Assessment.Status.FINAL
    demo[FUTIAN] = assessment
    return assessment


def blank_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def fake_render(monkeypatch):
    """Replace the report renderer by a blank page per call; `calls` lists the assessments rendered, `fail` names
    unit codes whose render raises."""

    class Fake:
        calls: list[str] = []
        fail: set[str] = set()

        def __call__(self, assessment, **kwargs):
            self.calls.append(assessment.unit.code)
            if assessment.unit.code in self.fail:
                raise RuntimeError("模拟的渲染错误")
            return blank_pdf()

    fake = Fake()
    fake.calls, fake.fail = [], set()
    monkeypatch.setattr("assessments.exports.services.render_report_pdf", fake)
    return fake
