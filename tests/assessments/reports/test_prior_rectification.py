"""上年整改落实情况: the next year's report prints last year's items with their outcome — as they stand while the report
is a draft, as they stood at its signature once it is final."""

import datetime
import subprocess

import pytest
from django.utils import timezone

from assessments.models import RectificationItem, Snapshot
from assessments.reports.render import render_report_html, render_report_pdf, report_context
from assessments.services import assessment_create
from tests.assessments.reports.conftest import load
from tests.assessments.workflow.conftest import people, submit_and_sign_to  # noqa: F401 (fixture)

# The demo is finalised long after 2022: the default due date is the end of this year, not one already past.
DUE = datetime.date(timezone.localdate().year, 12, 31)
TITLE = "上年整改落实情况"


@pytest.fixture
def next_year(finalised_futian, django_user_model):
    preparer = django_user_model.objects.get(username="ft-preparer")
    created = assessment_create(unit=finalised_futian.unit, year=finalised_futian.year + 1, user=preparer)
    return load(created.pk)


def test_the_next_years_report_prints_last_years_items_and_their_status(finalised_futian, next_year):
    first = RectificationItem.objects.filter(assessment=finalised_futian).first()
    first.status, first.note, first.responsible = RectificationItem.Status.DONE, "已修订指标模板", "王会计"
    first.save()
    context = report_context(next_year)
    rows = context["prior_rectification"]
    assert len(rows) == 3
    assert rows[0]["status_label"] == "已完成" and rows[0]["due_date"] == DUE
    assert [row["status_label"] for row in rows[1:]] == ["未开始", "未开始"]
    html = render_report_html(next_year, context=context)
    assert TITLE in html and "2021 年度绩效自评报告列出的问题及整改措施" in html
    assert "细化量化预算绩效指标" in html and "已修订指标模板" in html and "王会计" in html
    assert 'href="#prior-rectification"' in html  # Futian's 目录 names it


def test_a_report_without_items_last_year_prints_no_such_section(finalised_futian):
    assert report_context(finalised_futian)["prior_rectification"] == []
    assert TITLE not in render_report_html(finalised_futian)


def test_the_pdf_prints_the_section(finalised_futian, next_year, tmp_path):
    pdf = render_report_pdf(next_year)
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert TITLE in text and "建立完善预算绩效管理机制" in text


def test_a_final_report_keeps_the_items_as_they_stood_at_its_signature(assessment, people):  # noqa: F811
    last_year = assessment_create(unit=assessment.unit, year=assessment.year - 1, user=people["alice"])
    item = RectificationItem.objects.create(
        assessment=last_year, problem="会议费超预算", measure="严格会议审批", status="in_progress"
    )
    final = submit_and_sign_to(assessment, people, "none")
    assert final.status == "final"
    frozen = Snapshot.objects.get(assessment=final).data["prior_rectification"]
    assert [(row["problem"], row["status_label"]) for row in frozen] == [("会议费超预算", "整改中")]
    item.status = RectificationItem.Status.DONE
    item.save()
    rows = report_context(load(final.pk))["prior_rectification"]
    assert [row["status_label"] for row in rows] == ["整改中"]


@pytest.mark.parametrize("layout", ["hunan", "hunan-zhou", "futian", "guangdong"])
def test_every_layout_prints_the_section_once(finalised_futian, next_year, layout):
    html = render_report_html(next_year, layout=layout)
    assert html.count('id="prior-rectification"') == 1 and "建立完善预算绩效管理机制" in html
