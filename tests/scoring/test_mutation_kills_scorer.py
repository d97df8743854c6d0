"""What the scorer makes of a sheet: a stated score for a block with no rows, a number typed beside a deadline, and
where an empty number is refused. Mutation testing (make mutation) showed that no test would notice these going
wrong."""

import copy
from decimal import Decimal

import pytest

from scoring.engine import ScoringError
from scoring.engine.numbers import parse_number
from tests.scoring.test_real_tables import COMPLETE, messages, scored, with_rows

D = Decimal


def test_a_stated_score_for_a_block_without_rows_is_above_the_nothing_it_can_reach():
    data = copy.deepcopy(COMPLETE)
    data["entries"]["社会效益"] = []  # no row at all under 效益指标
    data["stated"] = {"items": {"效益指标": "30"}}
    sheet, findings = scored(data)
    assert sheet.stated_groups == [("benefit", "效益指标", D(30), D(0))]
    assert messages(findings, "stated_above_attainable") == [
        "效益指标：报告所列 30.00 分，高于按规则最多可得的 0.00 分"
    ]


@pytest.mark.parametrize("kind", [None, "quantitative"])
def test_a_number_typed_beside_a_deadline_that_is_not_its_own_makes_the_row_a_quantity(kind):
    """'9月前' with 12 typed as its number: the unit means 12 of something, not September (``row_deadline``)."""
    row = {"name": "完成时间", "weight": 10, "target_value": "9月前", "target": 12, "actual_value": "10"}
    line = scored(with_rows("时效", [{**row, "kind": kind}]))[0].line("完成时间")
    assert (line.kind, line.points) == ("quantitative", D("8.33"))
    assert line.explanation == "实际 10，目标 ≥12（指标值未写比较符，按“≥”计），完成比例 = 10 ÷ 12 = 83.33% → 8.33 分"


@pytest.mark.parametrize("text", ["%", "万元", "  "])
def test_a_number_that_is_only_a_unit_is_refused_at_its_field(text):
    with pytest.raises(ScoringError) as refused:
        parse_number(text, field="actual")
    assert (refused.value.message, refused.value.field) == (f"“{text}”不是数字", "actual")
