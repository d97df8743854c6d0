"""The refusals of a 直接赋分 row (101号): what a count must be, and where the refusal points when the row has no code
of its own; a sub-item answered with a word; what a 时效 row without a target lacks. Mutation testing (make mutation) showed that no test would notice these going wrong."""

from decimal import Decimal

import pytest

from scoring.engine import ScoringError
from scoring.engine.inputs import IndicatorEntry
from scoring.engine.rules_2021 import DirectRule


def refusal(rule, answer, code=None) -> tuple[str, str | None]:
    with pytest.raises(ScoringError) as refused:
        # the context is not read by a direct rule
        rule.evaluate(None, IndicatorEntry(code=code, answer=answer))
    return refused.value.message, refused.value.field


def test_a_count_without_a_stated_deduction_is_refused_at_the_answer():
    assert refusal(DirectRule(Decimal(10)), Decimal(1)) == ("直接赋分指标应填写是否达成（true 或 false）", "answer")
    assert refusal(DirectRule(Decimal(10)), Decimal(1), code="quality.1")[1] == "quality.1"


@pytest.mark.parametrize("count", [Decimal("1.5"), Decimal(-1)])
def test_a_count_that_is_not_a_whole_number_of_times_is_refused_quoting_it(count):
    rule = DirectRule(Decimal(10), per_item=Decimal(2), item_label="发生安全事故")
    assert refusal(rule, count) == (f"发生安全事故次数应为非负整数，收到 {count}", "answer")


def test_a_count_beyond_what_the_engine_handles_is_refused_however_it_is_given():
    """A Decimal count (the JSON path reads 1e20 as one) is range-checked as an integer or a text is."""
    rule = DirectRule(Decimal(10), per_item=Decimal(2), item_label="发生安全事故")
    for count in (Decimal("1E+20"), 10**20, "100000000000000000000"):
        message, field = refusal(rule, count)
        assert (message.endswith("超出可处理的范围（整数部分最多 15 位）"), field) == (True, "answer")


def test_a_sub_item_answered_with_a_word_is_refused_at_the_sub_item():
    """A sub-item (CheckRule) takes 符合/不符合 or a partial score: a word is neither."""
    from scoring.engine import score_input
    from scoring.engine.rules import CheckRule
    from tests.scoring.test_golden_seeds import frameworks

    data = {"framework": "futian-common-2021", "entries": {"预算编制合理性": {"answers": {"fits_duties": "很好"}}}}
    with pytest.raises(ScoringError) as refused:
        score_input(data, frameworks())
    assert (refused.value.message, refused.value.field) == (
        "“很好”不是数字：请只填写数字，可带“万元”或“%”",
        "fits_duties",
    )
    assert refusal(CheckRule(Decimal(1)), "很好")[1] == "answer"  # a sub-item without a code of its own


def test_a_deadline_row_without_a_target_is_missing_its_target():
    from scoring.engine import score_input
    from tests.scoring.test_golden_seeds import frameworks

    row = {"name": "完成时间", "weight": 10, "kind": "deadline", "actual_value": "8月25日完成"}
    sheet, _ = score_input({"framework": "mof-2020-selfeval", "entries": {"时效": [row]}}, frameworks())
    line = next(line for line in sheet.lines if line.name == "完成时间")
    assert (line.points, line.missing, line.explanation) == (None, ["年度指标值"], "缺少：年度指标值")


def test_an_amount_in_yuan_against_a_target_in_wan_is_explained_in_wan_with_the_conversion():
    from scoring.engine import score_input
    from tests.scoring.test_golden_seeds import frameworks

    row = {"name": "采购金额", "weight": 10, "kind": "quantitative", "target_value": "≥100万元"}
    data = {"framework": "mof-2020-selfeval", "entries": {"数量": [{**row, "actual_value": "1200000元"}]}}
    sheet, _ = score_input(data, frameworks())
    assert sheet.line("quantity.1").explanation == (
        "实际 120万元，目标 ≥100万元（1200000元 = 120万元），达到目标，得满分 → 10.00 分"
    )
