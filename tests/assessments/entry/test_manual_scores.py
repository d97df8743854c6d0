"""A computed indicator whose data cannot be had is scored by hand (数据无法取得，人工评分) with a reason: the choice
is on the screen, saves never drop it, and it travels through the workbook, the report and into next year."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.forms import MANUAL_NEEDS_REASON, MANUAL_NOT_CHOSEN
from assessments.models import Assessment, IndicatorRow
from assessments.selectors import assessment_data
from assessments.services import assessment_create
from assessments.workbook.imports import parse_workbook, workbook_import
from tests.assessments.workbook.workbook_helpers import edited, exported, locate
from tests.html_forms import form_data

FUTIAN = "440304-101"
HAND_SCORED = {"budget_execution": Decimal("5.98"), "satisfaction": Decimal("6.00")}


@pytest.fixture
def futian(db, django_user_model):
    call_command("load_demo", stdout=io.StringIO())
    assessment = Assessment.objects.get(unit__code=FUTIAN)
    return assessment, django_user_model.objects.get(username="ft-preparer")


def hand_rows(assessment) -> dict:
    rows = IndicatorRow.objects.filter(assessment=assessment, project=None, code__in=HAND_SCORED)
    return {row.code: (row.manual, row.score, row.score_reason) for row in rows}


def total(assessment):
    sheet = assessment_data(Assessment.objects.get(pk=assessment.pk)).scored().sheet
    return sheet.total, sheet.grade


def self_eval(client, assessment):
    url = reverse("assessments:tab", args=[assessment.pk, "self-eval"])
    return url, form_data(client.get(url).content.decode())


def field_of(data: dict, assessment, code: str, field: str) -> str:
    pk = IndicatorRow.objects.get(assessment=assessment, project=None, code=code).pk
    prefix = next(key.removesuffix("-id") for key, value in data.items() if key.endswith("-id") and value == str(pk))
    return f"{prefix}-{field}"


def test_saving_the_self_evaluation_unchanged_keeps_the_hand_scores_their_reasons_and_the_total(client, futian):
    assessment, preparer = futian
    before, total_before = hand_rows(assessment), total(assessment)
    assert {code: score for code, (manual, score, _) in before.items()} == HAND_SCORED
    assert all(manual and reason for manual, _, reason in before.values())
    client.force_login(preparer)
    url, data = self_eval(client, assessment)
    data["facts-key_tasks_planned"] = data["facts-key_tasks_planned"]  # retyped, unchanged

    assert client.post(url, data).status_code == 302

    assert hand_rows(assessment) == before
    assert total(assessment) == total_before == (Decimal("96.97"), "优")


def test_the_hand_score_choice_is_shown_and_marked_人工_on_the_screen(client, futian):
    assessment, preparer = futian
    client.force_login(preparer)
    html = client.get(reverse("assessments:tab", args=[assessment.pk, "self-eval"])).content.decode()
    assert html.count('<option value="True" selected>数据无法取得，人工评分</option>') == 2
    assert "按规则计算" in html
    assert html.count('<span class="badge text-bg-warning" title="数据无法取得，人工评分">人工</span>') == 2
    assert 'class="small mb-1 hand-scored"' in html  # the score panel lists them


def test_choosing_hand_scoring_needs_a_reason_and_then_scores_by_hand_even_with_data(client, futian):
    assessment, preparer = futian
    client.force_login(preparer)
    url, data = self_eval(client, assessment)
    manual = field_of(data, assessment, "key_tasks", "manual")
    score, reason = (
        field_of(data, assessment, "key_tasks", "score"),
        field_of(data, assessment, "key_tasks", "score_reason"),
    )
    data |= {manual: "True", score: "3"}

    refused = client.post(url, data)
    assert refused.status_code == 200
    assert MANUAL_NEEDS_REASON in refused.content.decode()
    assert not IndicatorRow.objects.get(assessment=assessment, code="key_tasks").manual

    data[reason] = "重点工作台账未归档，按会议纪要评分"
    assert client.post(url, data).status_code == 302
    row = IndicatorRow.objects.get(assessment=assessment, code="key_tasks")
    assert (row.manual, row.score, row.score_reason) == (True, Decimal("3.00"), "重点工作台账未归档，按会议纪要评分")
    line = next(line for line in assessment_data(assessment).scored().sheet.lines if line.code == "key_tasks")
    assert line.by_hand and line.points == Decimal("3.00")
    assert "数据无法取得，按人工录入得分（理由：重点工作台账未归档" in line.explanation


def test_going_back_to_the_rule_drops_the_hand_score_and_a_score_without_the_choice_is_refused(client, futian):
    assessment, preparer = futian
    client.force_login(preparer)
    url, data = self_eval(client, assessment)
    data[field_of(data, assessment, "satisfaction", "manual")] = "False"
    assert client.post(url, data).status_code == 302
    row = IndicatorRow.objects.get(assessment=assessment, code="satisfaction")
    assert (row.manual, row.score) == (False, None)
    assert row.score_reason  # kept: it is shown again if the user chooses hand scoring once more

    url, data = self_eval(client, assessment)
    data[field_of(data, assessment, "satisfaction", "score")] = "5"
    refused = client.post(url, data)
    assert refused.status_code == 200 and MANUAL_NOT_CHOSEN in refused.content.decode()


def test_next_year_keeps_the_choice_and_reason_but_asks_for_a_new_score(futian):
    assessment, preparer = futian
    following = assessment_create(unit=assessment.unit, year=assessment.year + 1, user=preparer)
    carried = hand_rows(following)
    for code, (manual, _, reason) in hand_rows(assessment).items():
        assert carried[code] == (manual, None, reason)


def test_the_workbook_shows_the_choice_keeps_it_on_import_and_marks_人工(futian):
    assessment, preparer = futian
    content = exported(assessment)
    book = openpyxl.load_workbook(io.BytesIO(content))
    row = IndicatorRow.objects.get(assessment=assessment, code="satisfaction")
    sheet, coordinate = locate(book, f"row:{row.pk}", "manual")
    assert book[sheet][coordinate].value == "数据无法取得，人工评分"
    points_cell = book[sheet][f"G{book[sheet][coordinate].row}"]
    assert points_cell.comment is not None and points_cell.comment.text.startswith("人工评分")

    before = hand_rows(assessment)
    content = edited(content, {(f"row:{row.pk}", "score_reason"): "满意度调查未开展，按往年结果评分"})
    result = workbook_import(
        assessment=assessment,
        parsed=parse_workbook(content),
        user=preparer,
        expected_version=assessment.lock_version,
        apply=True,
    )
    assert result.errors == []
    after = hand_rows(assessment)
    assert after["satisfaction"] == (True, Decimal("6.00"), "满意度调查未开展，按往年结果评分")
    assert after["budget_execution"] == before["budget_execution"]


def test_the_report_marks_hand_scores(client, futian):
    assessment, preparer = futian
    client.force_login(preparer)
    html = client.get(reverse("assessments:report", args=[assessment.pk])).content.decode()
    assert html.count("（人工评分）") >= 2
