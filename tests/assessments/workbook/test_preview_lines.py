"""The import preview names what changes the way the screens do — the indicator by its place in the table, the field
by its label, a check-item and its answer in words, amounts with separators and 万元 — with the cell of the
downloaded workbook as a hint; a refused import's errors are worded the same way. Real workbooks from the build code,
edited the way a person edits them in Excel."""

import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Assessment, IndicatorRow, Project
from tests.assessments.workbook.test_workbook import run
from tests.assessments.workbook.workbook_helpers import edited, exported, locate


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    return {a.unit.code: a for a in Assessment.objects.select_related("unit", "framework_version")}


def lines(result) -> list[tuple[str, str, str, str]]:
    return sorted((change.name, change.where, change.old, change.new) for change in result.changes)


def at(content: bytes, target: str, field: str) -> str:
    """The address the preview must show for a cell: its sheet and A1 address in the workbook as built."""
    sheet, coordinate = locate(openpyxl.load_workbook(io.BytesIO(content)), target, field)
    return f"{sheet} {coordinate}"


def cell_value(content: bytes, where: str):
    sheet, coordinate = where.rsplit(" ", 1)
    return openpyxl.load_workbook(io.BytesIO(content))[sheet][coordinate].value


def test_a_round_trip_lists_indicators_by_name_values_readably_and_the_cells_they_came_from(demo):
    assessment = demo["430200-101"]
    visits = IndicatorRow.objects.get(assessment=assessment, project=None, name="老干住院慰问率")
    wages = IndicatorRow.objects.get(assessment=assessment, project=None, name="工资待遇按时发放")
    project = Project.objects.get(assessment=assessment, position=1)
    outings = IndicatorRow.objects.get(project=project, name="开展老干户外活动")
    original = exported(assessment)
    typed = {
        ("facts", "reception_actual"): 1234.5,
        (f"row:{visits.pk}", "actual_value"): "95%",
        (f"row:{visits.pk}", "deviation_reason"): "两名老干部住院未及时获知",
        (f"row:{wages.pk}", "outcome"): "部分达成年度指标并具有一定效果",
        (f"row:{wages.pk}", "score"): 3.5,
        ("assessment", "goal_achieved"): None,
        (f"project:{project.pk}", "fiscal_spending_actual"): "20",
        (f"row:{outings.pk}", "actual_value"): "1次",
    }
    content = edited(original, typed)
    result = run(assessment, content)
    assert result.errors == []
    visits_name = "产出指标·数量指标·老干住院慰问率"
    wages_name = "产出指标·时效指标·工资待遇按时发放"
    outings_name = "项目“离退休老干部业务专项资金”·产出指标·数量指标·开展老干户外活动"
    assert lines(result) == sorted(
        [
            (
                "基础数据表·公务接待费·本年决算数",
                at(original, "facts", "reception_actual"),
                "0.00 万元",
                "1,234.50 万元",
            ),
            (f"{visits_name}·实际完成值", at(original, f"row:{visits.pk}", "actual_value"), "100%", "95%"),
            (f"{visits_name}·完成值（数值）", at(original, f"row:{visits.pk}", "actual_number"), "100%", "95%"),
            (
                f"{visits_name}·偏差原因分析及改进措施",
                at(original, f"row:{visits.pk}", "deviation_reason"),
                "（空）",
                "两名老干部住院未及时获知",
            ),
            (
                f"{wages_name}·定性评价",
                at(original, f"row:{wages.pk}", "outcome"),
                "达成年度指标",
                "部分达成年度指标并具有一定效果",
            ),
            (f"{wages_name}·自评得分", at(original, f"row:{wages.pk}", "score"), "5 分", "3.5 分"),
            (
                "自评表·年度总体目标·实际完成情况",
                at(original, "assessment", "goal_achieved"),
                "达到预期目标",
                "（空）",
            ),
            (
                "项目“离退休老干部业务专项资金”·当年财政拨款·全年执行数",
                at(original, f"project:{project.pk}", "fiscal_spending_actual"),
                "38.00 万元",
                "20.00 万元",
            ),
            (f"{outings_name}·实际完成值", at(original, f"row:{outings.pk}", "actual_value"), "2次", "1次"),
            (f"{outings_name}·完成值（数值）", at(original, f"row:{outings.pk}", "actual_number"), "2", "1"),
        ]
    )
    # The address is the cell the user typed in, in the file as downloaded and as uploaded.
    for (target, field), value in typed.items():
        where = at(original, target, field)
        assert any(change.where == where for change in result.changes), (target, field)
        assert cell_value(content, where) == value
    assert all(re.match(r"^附件1-[123](（\d+）)? [A-R]\d+$", change.where) for change in result.changes)


def test_check_items_and_hand_scores_read_as_their_chinese_labels_and_answers(demo):
    futian = demo["440304-101"]
    reasonableness = IndicatorRow.objects.get(assessment=futian, code="budget_reasonableness")
    compliance = IndicatorRow.objects.get(assessment=futian, code="budget_compliance")
    key_tasks = IndicatorRow.objects.get(assessment=futian, code="key_tasks")
    original = exported(futian)
    content = edited(
        original,
        {
            (f"row:{reasonableness.pk}", "ans_special_funds_detail"): "符合（1 分）",
            (f"row:{compliance.pk}", "ans_answer"): 2,
            (f"row:{key_tasks.pk}", "manual"): "数据无法取得，人工评分",
            (f"row:{key_tasks.pk}", "score"): 6,
            (f"row:{key_tasks.pk}", "score_reason"): "重点工作台账遗失，按会议纪要评分",
        },
    )
    result = run(futian, content)
    assert result.errors == []
    key_tasks_name = "部门绩效·效率性·重点工作完成情况"
    assert lines(result) == sorted(
        [
            (
                "部门决策·预算编制·预算编制合理性·专项资金预算编制细化程度合理",
                at(original, f"row:{reasonableness.pk}", "ans_special_funds_detail"),
                "部分符合（0.5 分）",
                "符合（1 分）",
            ),
            (
                "部门决策·预算编制·预算编制规范性·预算编制规范性：不符合的项数",
                at(original, f"row:{compliance.pk}", "ans_answer"),
                "0 项",
                "2 项",
            ),
            (
                f"{key_tasks_name}·评分方式",
                at(original, f"row:{key_tasks.pk}", "manual"),
                "按规则计算",
                "数据无法取得，人工评分",
            ),
            (f"{key_tasks_name}·人工评分", at(original, f"row:{key_tasks.pk}", "score"), "（空）", "6 分"),
            (
                f"{key_tasks_name}·数据无法取得的原因及评分依据",
                at(original, f"row:{key_tasks.pk}", "score_reason"),
                "（空）",
                "重点工作台账遗失，按会议纪要评分",
            ),
        ]
    )
    assert not any(re.search(r"[a-z_]{4,}", change.name + change.old + change.new) for change in result.changes)


def test_a_refused_import_names_each_error_by_indicator_and_cell(demo):
    assessment = demo["430200-101"]
    project = Project.objects.get(assessment=assessment, position=1)
    outings = IndicatorRow.objects.get(project=project, name="开展老干户外活动")
    wages = IndicatorRow.objects.get(assessment=assessment, project=None, name="工资待遇按时发放")
    original = exported(assessment)
    content = edited(
        original,
        {
            ("facts", "reception_budget"): "五百",
            (f"row:{outings.pk}", "weight"): "很多",
            (f"row:{wages.pk}", "score"): 99,
        },
    )
    result = run(assessment, content, apply=True)
    assert not result.applied
    outings_weight = f"项目“离退休老干部业务专项资金”·产出指标·数量指标·开展老干户外活动·分值（{at(original, f'row:{outings.pk}', 'weight')}）"
    assert sorted(result.errors) == sorted(
        [
            f"基础数据表·公务接待费·本年预算数（{at(original, 'facts', 'reception_budget')}）：请填写金额（万元），如 1,234.56。",
            f"{outings_weight}：请填写数字，如 4.5。",
            f"{outings_weight}：请填写分值。",  # the form's own rule, as on the screen: a row needs its 分值
            f"产出指标·时效指标·工资待遇按时发放·自评得分（{at(original, f'row:{wages.pk}', 'score')}）：得分不能超过分值 5。",
        ]
    )


@pytest.mark.parametrize("code", ["430200-101"])
def test_the_preview_page_shows_the_names_and_the_cells_never_a_row_number(client, demo, code):
    assessment = demo[code]
    visits = IndicatorRow.objects.get(assessment=assessment, project=None, name="老干住院慰问率")
    original = exported(assessment)
    content = edited(original, {("facts", "reception_actual"): 1234.5, (f"row:{visits.pk}", "actual_value"): "95%"})
    client.force_login(assessment.updated_by)
    upload = io.BytesIO(content)
    upload.name = "填好的.xlsx"
    response = client.post(reverse("assessments:workbook_upload", args=[assessment.pk]), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "产出指标·数量指标·老干住院慰问率" in html and "实际完成值" in html
    assert at(original, f"row:{visits.pk}", "actual_value") in html
    assert "1,234.50 万元" in html and "0.00 万元" in html
    assert not re.search(r"第\d+行", html)
