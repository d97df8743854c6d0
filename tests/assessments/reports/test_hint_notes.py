"""The report's appendix 提示及说明 (live and from the final snapshot), Futian's 偏差原因 column, and the workbook's
提示及说明 sheet."""

import io

from openpyxl import load_workbook

from assessments.explanations import explanations_save, finding_key
from assessments.models import FindingExplanation, IndicatorRow
from assessments.reports.render import render_report_html
from assessments.selectors import assessment_data
from assessments.workbook.build import SHEET_HINT_NOTES, workbook_bytes
from tests.assessments.reports.conftest import FUTIAN, TAOJIANG, load


def explain_first_hint(assessment, user, text):
    scored = assessment_data(assessment).scored()
    hint = next(f for f in scored.findings if f.severity == "warning")
    explanations_save(
        assessment=assessment, user=user, posted={finding_key(hint): ("", text)}, findings=scored.findings
    )
    return hint


def preparer(django_user_model, prefix):
    return django_user_model.objects.get(username=f"{prefix}-preparer")


def test_the_report_prints_every_hint_with_its_explanation_in_an_appendix(demo, django_user_model):
    assessment = demo[TAOJIANG]
    hint = explain_first_hint(assessment, preparer(django_user_model, "tj"), "年中新增社区活动场地")
    html = render_report_html(load(assessment.pk))
    appendix = html[html.index('id="hint-notes"') :]
    assert "提示及说明" in appendix
    assert hint.message in appendix and "年中新增社区活动场地" in appendix
    assert "（未说明）" in appendix  # the other hints are printed too, marked as unexplained


def test_a_final_report_prints_the_explanations_frozen_in_its_snapshot(finalised_futian):
    notes = FindingExplanation.objects.filter(assessment=finalised_futian)
    assert not notes.exists()
    html = render_report_html(load(finalised_futian.pk))
    if 'id="hint-notes"' in html:
        assert "（未说明）" in html[html.index('id="hint-notes"') :]
    assert "explanations" in finalised_futian.snapshots.get().data["assessment"]


def test_the_futian_score_sheet_prints_the_deviation_reasons(demo):
    assessment = demo[FUTIAN]
    row = IndicatorRow.objects.filter(assessment=assessment, project=None).exclude(code="").first()
    row.deviation_reason = "疫情影响，部分活动改为线上，下年度加强计划管理"
    row.save()
    html = render_report_html(load(assessment.pk))
    sheet = html[html.index('id="annex-score"') :]
    assert "偏差原因分析及改进措施" in sheet
    assert "疫情影响，部分活动改为线上，下年度加强计划管理" in sheet


def test_the_workbook_has_a_sheet_of_hints_and_explanations(demo, django_user_model):
    assessment = demo[TAOJIANG]
    explain_first_hint(assessment, preparer(django_user_model, "tj"), "=年中新增社区活动场地")
    book = load_workbook(io.BytesIO(workbook_bytes(load(assessment.pk))))
    sheet = book[SHEET_HINT_NOTES]
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert any(row[2] == "=年中新增社区活动场地" for row in values)  # typed text stays text, never a formula
    assert any(row[2] == "（未说明）" for row in values)


def test_the_futian_report_never_prints_two_different_totals(demo):
    from assessments.models import NarrativeSection

    assessment = demo[FUTIAN]
    typed = NarrativeSection.objects.filter(assessment=assessment, body__contains="96.98")
    assert typed.exists()  # the seed's narrative types 96.98 where the rules give 96.97
    html = render_report_html(load(assessment.pk))
    total = assessment_data(assessment).scored().sheet.total
    report, appendix = html[: html.index('id="hint-notes"')], html[html.index('id="hint-notes"') :]
    assert "96.98" not in report and f"{total}" in report
    assert "写总体得分 96.98" in appendix
