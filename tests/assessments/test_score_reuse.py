"""A score sheet is computed once for the same framework and inputs, and reused by later tabs and requests
(assessments/scores.py, issue #18) — but never for inputs that differ in any figure, row or framework."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments import scores
from assessments.models import Facts, IndicatorRow, Project
from assessments.selectors import assessment_data
from scoring.adapters import framework_spec
from scoring.engine import IndicatorEntry


@pytest.fixture
def engine_calls(monkeypatch):
    """How many times the engine scored a sheet."""
    calls = []
    real = scores.score

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(scores, "score", counted)
    return calls


def _spend(assessment, amount: str) -> None:
    Facts.objects.update_or_create(
        assessment=assessment, defaults={"budget_full_year": Decimal(100), "spending_actual": Decimal(amount)}
    )


def test_an_unchanged_assessment_is_scored_once_for_every_request(assessment, engine_calls):
    _spend(assessment, "90")
    first = assessment_data(assessment).scored()
    second = assessment_data(assessment).scored()  # another request: the rows and facts read again
    assert len(engine_calls) == 1
    assert second.sheet is first.sheet
    assert second.findings == first.findings


def test_a_changed_figure_is_scored_again(assessment, engine_calls):
    _spend(assessment, "90")
    before = assessment_data(assessment).scored()
    _spend(assessment, "80")
    after = assessment_data(assessment).scored()
    assert len(engine_calls) == 2
    assert after.sheet is not before.sheet
    assert after.sheet.to_dict() != before.sheet.to_dict()


def test_the_same_amount_typed_with_another_scale_is_scored_again():
    """90 and 90.00 score alike, but an explanation prints the figure as typed."""
    spec = object()
    plain = scores._Inputs(spec, {"spending_actual": Decimal("90")}, [])
    scaled = scores._Inputs(spec, {"spending_actual": Decimal("90.00")}, [])
    assert plain != scaled
    assert scores._Inputs(spec, {"spending_actual": Decimal("90")}, []) == plain


def test_another_framework_or_another_row_is_another_sheet():
    spec, other = object(), object()
    row = IndicatorEntry(code="r1", parent="output", name="完成数", weight=Decimal(10), actual=Decimal(5))
    assert scores._Inputs(spec, {}, [row]) != scores._Inputs(other, {}, [row])
    assert scores._Inputs(spec, {}, [row]) != scores._Inputs(spec, {}, [])
    changed = IndicatorEntry(code="r1", parent="output", name="完成数", weight=Decimal(10), actual=Decimal(6))
    assert scores._Inputs(spec, {}, [row]) != scores._Inputs(spec, {}, [changed])
    answered = IndicatorEntry(code="r1", answers={"a": True, "b": False})
    reordered = IndicatorEntry(code="r1", answers={"b": False, "a": True})
    assert scores._Inputs(spec, {}, [answered]) != scores._Inputs(spec, {}, [reordered])  # a miss, never a wrong hit


def test_a_project_table_is_scored_once_and_again_after_a_change(assessment, engine_calls):
    project = Project.objects.create(assessment=assessment, position=1, name="项目甲")
    row = IndicatorRow.objects.create(
        assessment=assessment, project=project, position=1, group_code="quantity", name="完成数", weight=Decimal(10)
    )
    spec = framework_spec(scores.project_framework_version(assessment))
    first = scores.score_project(project, spec=spec, rows=[row])
    assert scores.score_project(project, spec=spec, rows=[row]).sheet is first.sheet
    assert len(engine_calls) == 1
    row.name = "完成数量"
    renamed = scores.score_project(project, spec=spec, rows=[row])
    assert len(engine_calls) == 2
    assert renamed.sheet is not first.sheet
    assert "完成数量" in [line.name for line in renamed.sheet.lines]
    assert "完成数量" not in [line.name for line in first.sheet.lines]


def test_a_refused_input_is_refused_again_rather_than_remembered(assessment, engine_calls):
    IndicatorRow.objects.create(assessment=assessment, position=1, group_code="quantity", name="无分值", weight=None)
    for _ in range(2):
        with pytest.raises(ValidationError) as refused:
            assessment_data(assessment).scored()
        assert "无分值" in " ".join(refused.value.messages)
    assert len(engine_calls) == 2


def test_the_findings_handed_out_are_the_callers_own_list(assessment):
    _spend(assessment, "90")
    first = assessment_data(assessment).scored()
    count = len(first.findings)
    first.findings.clear()
    assert len(assessment_data(assessment).scored().findings) == count
