"""A 10号 quantitative row as a finance user sees it, at and around each bound: higher is better (full at the target,
actual ÷ target below it, a warning from 130 %), lower is better (formula (a) and (b)), equal to (deviation and
all-or-nothing), the deviation deduction at exactly 30 %, and a row missing its target or result.

Each framework is read inside its test (``one``): mutmut runs a mutant's tests in a process forked after a clean run,
where what was built at import was built by the unmutated code (MUTATION.md, "How it runs")."""

from decimal import Decimal

import pytest

from scoring.engine import IndicatorEntry, ScoringError
from tests.scoring.test_rules import line, one

D = Decimal
NO_REASON = ["未得满分，需填写偏差原因分析及改进措施"]
OVER = "实际完成值达到目标的 130.00%，超过130%，需说明目标是否偏低"


def row(target, actual, **fields) -> IndicatorEntry:
    return IndicatorEntry(code="item", target_value=target, actual_value=actual, **fields)


def shown(got) -> tuple:
    return got.points, got.band, got.explanation, got.missing, got.warnings


@pytest.mark.parametrize(
    ("target", "actual", "points", "band", "explanation", "warnings"),
    [
        ("≥100", "100", "10.00", "达到目标", "实际 100，目标 ≥100，达到目标，得满分 → 10.00 分", []),
        ("≥100", "129", "10.00", "达到目标", "实际 129，目标 ≥100，达到目标，得满分 → 10.00 分", []),
        ("≥100", "130", "10.00", "达到目标", "实际 130，目标 ≥100，达到目标，得满分 → 10.00 分", [OVER]),
        (
            "≥100",
            "95",
            "9.50",
            "未达到目标",
            "实际 95，目标 ≥100，完成比例 = 95 ÷ 100 = 95.00% → 9.50 分",
            NO_REASON,
        ),
        (
            "≥100",
            "-5",
            "0.00",
            "未达到目标",
            "实际 -5，目标 ≥100，完成比例 = -5 ÷ 100 = 0.00% → 0.00 分",
            NO_REASON,
        ),
        (
            "100",
            "90",
            "9.00",
            "未达到目标",
            "实际 90，目标 ≥100（指标值未写比较符，按“≥”计），完成比例 = 90 ÷ 100 = 90.00% → 9.00 分",
            NO_REASON,
        ),
        ("≤5天", "5", "10.00", "控制在目标内", "实际 5，目标 ≤5，控制在目标内，得满分 → 10.00 分", []),
        (
            "≤5天",
            "6",
            "8.00",
            "超出目标",
            "实际 6，目标 ≤5，按 1 −（实际 − 目标）÷ 目标 = 80.00% → 8.00 分",
            NO_REASON,
        ),
        (
            "≤5天",
            "10",
            "0.00",
            "超出目标",
            "实际 10，目标 ≤5，按 1 −（实际 − 目标）÷ 目标 = 0.00% → 0.00 分",
            NO_REASON,
        ),
        (
            "≤5天",
            "11",
            "0.00",
            "超出目标",
            "实际 11，目标 ≤5，按 1 −（实际 − 目标）÷ 目标 = 0.00% → 0.00 分",
            NO_REASON,
        ),
        ("≤0", "1", "0.00", "超出目标", "实际 1，目标 ≤0，目标为 0 而实际超出，得 0 分 → 0.00 分", NO_REASON),
        ("=100%", "100%", "10.00", "等于目标", "实际 100%，目标 =100%，等于目标，得满分 → 10.00 分", []),
        (
            "=100%",
            "90%",
            "9.00",
            "偏离目标",
            "实际 90%，目标 =100%，按 1 − |实际 − 目标| ÷ 目标 = 90.00% → 9.00 分",
            NO_REASON,
        ),
        (
            "=100%",
            "210%",
            "0.00",
            "偏离目标",
            "实际 210%，目标 =100%，按 1 − |实际 − 目标| ÷ 目标 = 0.00% → 0.00 分",
            NO_REASON,
        ),
        ("=0", "1", "0.00", "偏离目标", "实际 1，目标 =0，不等于目标，得 0 分 → 0.00 分", NO_REASON),
    ],
)
def test_a_quantitative_row_scores_by_its_comparator(target, actual, points, band, explanation, warnings):
    got = line(one({"kind": "quantitative"}), entry=row(target, actual))
    assert shown(got) == (D(points), band, explanation, [], warnings)


def test_a_row_without_a_comparator_follows_its_direction():
    got = line(one({"kind": "quantitative"}), entry=row("100", "90", direction="反向指标"))
    assert shown(got) == (
        D("10.00"),
        "控制在目标内",
        "实际 90，目标 ≤100（指标值未写比较符，按指标性质“反向指标”计为“≤”），控制在目标内，得满分 → 10.00 分",
        [],
        [],
    )


def test_a_target_and_a_result_both_converted_to_wan_show_both_conversions():
    got = line(one({"kind": "quantitative"}), entry=row("≥1000000元", "900000元"))
    assert shown(got) == (
        D("9.00"),
        "未达到目标",
        "实际 90万元，目标 ≥100万元（1000000元 = 100万元；900000元 = 90万元），完成比例 = 90 ÷ 100 = 90.00% → 9.00 分",
        [],
        NO_REASON,
    )


def test_a_row_without_its_target_or_result_names_what_is_missing():
    framework = one({"kind": "quantitative"})
    assert shown(line(framework, entry=row("", "90"))) == (None, None, "缺少：年度指标值", ["年度指标值"], [])
    assert shown(line(framework, entry=row("≥100", None))) == (None, None, "缺少：实际完成值", ["实际完成值"], [])


def test_the_framework_s_other_formulas_for_lower_and_equal():
    framework = one(
        {"kind": "quantitative"}, settings={"lower_is_better_formula": "b", "equal_to_formula": "all_or_nothing"}
    )
    lower = line(framework, entry=row("≤5天", "10"))
    assert shown(lower) == (D("5.00"), "超出目标", "实际 10，目标 ≤5，按目标 ÷ 实际 = 50.00% → 5.00 分", [], NO_REASON)
    equal = line(framework, entry=row("=100", "99"))
    assert shown(equal) == (D("0.00"), "偏离目标", "实际 99，目标 =100，不等于目标，得 0 分 → 0.00 分", [], NO_REASON)


@pytest.mark.parametrize(
    ("actual", "points", "band", "explanation", "warnings"),
    [
        (
            "70",
            "5.00",
            "未达到目标",
            "实际 70，目标 ≥100，完成比例 = 70 ÷ 100 = 70.00%；偏离目标 30.00%（≥30%），扣 2 分 → 5.00 分",
            NO_REASON,
        ),
        ("71", "7.10", "未达到目标", "实际 71，目标 ≥100，完成比例 = 71 ÷ 100 = 71.00% → 7.10 分", NO_REASON),
        ("129", "10.00", "达到目标", "实际 129，目标 ≥100，达到目标，得满分 → 10.00 分", []),
        (
            "130",
            "8.00",
            "达到目标",
            "实际 130，目标 ≥100，达到目标，得满分；偏离目标 30.00%（≥30%），扣 2 分 → 8.00 分",
            [OVER, *NO_REASON],
        ),
        (
            "10",
            "0.00",
            "未达到目标",
            "实际 10，目标 ≥100，完成比例 = 10 ÷ 100 = 10.00%；偏离目标 90.00%（≥30%），扣 2 分 → 0.00 分",
            NO_REASON,
        ),
    ],
)
def test_a_result_30_percent_or_more_off_its_target_loses_two_points_when_the_framework_says_so(
    actual, points, band, explanation, warnings
):
    framework = one({"kind": "quantitative"}, settings={"deviation_deduction": True})
    got = line(framework, entry=row("≥100", actual))
    assert shown(got) == (D(points), band, explanation, [], warnings)


@pytest.mark.parametrize(
    ("fields", "message", "field"),
    [
        ({"target": D("1E+20"), "actual": D(5)}, "“1E+20”超出可处理的范围（整数部分最多 15 位）", "item"),
        ({"target": D(5), "actual": D("1E-13")}, "“1E-13”超出可处理的范围（整数部分最多 15 位）", "item"),
        ({"target": D(5), "actual": D("NaN")}, "“NaN”不是数字", "item"),
    ],
)
def test_a_target_or_result_given_as_a_number_the_engine_cannot_handle_is_refused_quoting_it(fields, message, field):
    with pytest.raises(ScoringError) as refused:
        line(one({"kind": "quantitative"}), entry=IndicatorEntry(code="item", **fields))
    assert (refused.value.message, refused.value.field) == (message, field)
