"""What each rule kind shows a finance user, in full, at and around its bounds: the points, the band, the
explanation, the warnings, and every refusal with its message and the field it points at.

Rules are built inside each test (``one`` reads a framework there, or the rule's own ``from_params`` is called): mutmut
runs a mutant's tests in a process forked after a clean run, where whatever was built at import was built by the
unmutated code (MUTATION.md, "How it runs")."""

from decimal import Decimal

import pytest

from scoring.engine import IndicatorEntry, ScoringError, score
from scoring.engine.rules import CheckRule, Context, Outcome, RateSpec, RatioRule, Settings
from scoring.engine.rules_2021 import SatisfactionBandsRule
from tests.scoring.test_rules import line, one

D = Decimal

PROCUREMENT = {
    "label": "政府采购执行率",
    "key": "procurement_rate",
    "numerator": "procurement_actual",
    "denominator": "procurement_budget",
}
ADJUSTMENT = {
    "label": "预算调整率",
    "key": "adjustment_rate",
    "numerator": "budget_adjustment",
    "denominator": "budget_initial",
}
KEY_TASKS = {
    "label": "重点工作完成率",
    "key": "completion_rate",
    "numerator": "key_tasks_completed",
    "denominator": "key_tasks_planned",
}


# A score below the weight asks for 偏差原因分析及改进措施 (domain.md §3.1) when the row gives none.
NO_REASON = ["未得满分，需填写偏差原因分析及改进措施"]


def shown(got) -> tuple:
    return got.points, got.band, got.explanation, got.missing, got.warnings


# --- ratio -----------------------------------------------------------------------------------------------------------


def test_procurement_above_its_plan_scores_nothing_and_says_it_is_above_100_percent():
    """The band of ``zero_above`` is written when the rule is built (``RatioRule.__post_init__``)."""
    rule = {"kind": "ratio", "rate": PROCUREMENT, "zero_above": "100%"}
    over = line(one(rule, weight=1), {"procurement_actual": D("172.23"), "procurement_budget": D("172.22")})
    assert shown(over) == (
        D("0.00"),
        "高于100%",
        "政府采购执行率 = 172.23 ÷ 172.22 = 100.01%，高于100% → 0 分",
        [],
        NO_REASON,
    )
    at_plan = line(one(rule, weight=1), {"procurement_actual": D("172.22"), "procurement_budget": D("172.22")})
    assert shown(at_plan) == (D("1.00"), None, "政府采购执行率 = 172.22 ÷ 172.22 = 100.00% → 1.00 分", [], [])
    below = line(one(rule, weight=1), {"procurement_actual": D("170.31"), "procurement_budget": D("172.22")})
    assert shown(below) == (D("0.99"), None, "政府采购执行率 = 170.31 ÷ 172.22 = 98.89% → 0.99 分", [], NO_REASON)


def test_a_ratio_rule_built_by_hand_names_its_zero_band():
    rule = RatioRule.from_params(D(1), {"rate": PROCUREMENT, "zero_above": "105%"}, "procurement")
    assert (rule.zero_band, rule.cap_text) == ("高于105%", "，按100%计")
    outcome = rule.evaluate(
        Context({"procurement_actual": D(106), "procurement_budget": D(100)}, Settings()), IndicatorEntry()
    )
    assert (outcome.points, outcome.band, outcome.explanation) == (
        D(0),
        "高于105%",
        "政府采购执行率 = 106.00 ÷ 100.00 = 106.00%，高于105%",
    )


# --- excess deduction ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("adjustment", "points", "explanation"),
    [
        ("10", "5.00", "预算调整率 = 10.00 ÷ 100.00 = 10.00%，不高于10% → 5.00 分"),
        (
            "12",
            "4.00",
            "预算调整率 = 12.00 ÷ 100.00 = 12.00%，超过10% 2.00 个百分点，每个百分点扣 0.5 分，扣 1.00 分 → 4.00 分",
        ),
        (
            "18",
            "1.00",
            "预算调整率 = 18.00 ÷ 100.00 = 18.00%，超过10% 8.00 个百分点，每个百分点扣 0.5 分，扣 4.00 分 → 1.00 分",
        ),
        # 20 points above would take 10, but the floor keeps 1 of the 5: 4 are taken, and the text says so.
        (
            "30",
            "1.00",
            "预算调整率 = 30.00 ÷ 100.00 = 30.00%，超过10% 20.00 个百分点，每个百分点扣 0.5 分，扣 4.00 分 → 1.00 分",
        ),
    ],
)
def test_an_excess_deduction_never_takes_the_score_below_the_floor_written_in_the_framework(
    adjustment, points, explanation
):
    rule = {"kind": "excess_deduction", "rate": ADJUSTMENT, "threshold": "10%", "per_point": "0.5", "floor": "1"}
    got = line(one(rule, weight=5), {"budget_adjustment": D(adjustment), "budget_initial": D(100)})
    band = "不高于10%" if adjustment == "10" else "高于10%"
    assert shown(got) == (D(points), band, explanation, [], NO_REASON if D(points) < 5 else [])


# --- a yes/no sub-item -----------------------------------------------------------------------------------------------


def test_a_check_answered_no_scores_nothing_in_the_band_not_met():
    framework = one({"kind": "check"}, weight=2)
    met = line(framework, entry=IndicatorEntry(code="item", answer=True))
    assert shown(met) == (D("2.00"), "符合", "符合 → 2 分", [], [])
    not_met = line(framework, entry=IndicatorEntry(code="item", answer=False))
    assert shown(not_met) == (D("0.00"), "不符合", "不符合 → 0 分", [], NO_REASON)
    outcome = CheckRule(D(2), "制度健全").evaluate(None, IndicatorEntry(answer=False))
    assert (outcome.points, outcome.band, outcome.explanation, outcome.literal) == (D(0), "不符合", "不符合", True)


# --- 101号 threshold completion from facts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("completed", "points", "band", "explanation"),
    [
        ("5", "0.00", "完成率低于60%", "重点工作完成率 = 5 ÷ 10 = 50.00%；完成率 50.00%，低于60%，不得分 → 0 分"),
        (
            "6",
            "0.00",
            "完成率60%（含）至100%",
            "重点工作完成率 = 6 ÷ 10 = 60.00%；按（60.00% − 60%）÷（1 − 60%）× 10 → 0.00 分",
        ),
        (
            "8",
            "5.00",
            "完成率60%（含）至100%",
            "重点工作完成率 = 8 ÷ 10 = 80.00%；按（80.00% − 60%）÷（1 − 60%）× 10 → 5.00 分",
        ),
        ("10", "10.00", "达到目标", "重点工作完成率 = 10 ÷ 10 = 100.00% → 10.00 分"),
        ("12", "10.00", "达到目标", "重点工作完成率 = 12 ÷ 10 = 120.00% → 10.00 分"),
    ],
)
def test_a_completion_rate_of_facts_scores_nothing_below_60_percent_and_linearly_above(
    completed, points, band, explanation
):
    framework = one({"kind": "threshold_completion", "rate": KEY_TASKS})
    got = line(framework, {"key_tasks_completed": D(completed), "key_tasks_planned": D(10)})
    assert shown(got) == (D(points), band, explanation, [], NO_REASON if D(points) < 10 else [])
    assert got.rates == {"completion_rate": D(completed) / D(10)}


def test_a_completion_rate_of_facts_without_a_plan_is_not_scored_and_says_why():
    framework = one({"kind": "threshold_completion", "rate": KEY_TASKS})
    nothing_planned = line(framework, {"key_tasks_completed": D(1), "key_tasks_planned": D(0)})
    assert shown(nothing_planned) == (
        None,
        None,
        "重点工作完成率 = 1 ÷ 0，分母为零",
        [],
        ["重点工作完成率的分母为零，无法计算"],
    )
    unknown_plan = line(framework, {"key_tasks_completed": D(1)})
    assert shown(unknown_plan) == (None, None, "重点工作完成率：缺少重点工作·计划数", ["重点工作·计划数"], [])


# --- 101号 satisfaction bands ---------------------------------------------------------------------------------------


def test_satisfaction_bands_not_starting_at_zero_are_refused_at_the_rule():
    with pytest.raises(ScoringError) as refused:
        SatisfactionBandsRule.from_params(D(10), {"bands": [{"min": "90%", "share": 1}]}, "recipient_satisfaction")
    assert (refused.value.message, refused.value.field) == (
        "分档未覆盖最低值（最低一档应从 0 开始）",
        "recipient_satisfaction",
    )


def test_a_direct_row_not_achieved_is_shown_with_the_framework_s_zero():
    """直接赋分 gives the framework's figures (10, 0), written as such: '→ 0 分', not a computed '→ 0.00 分'."""
    from tests.scoring.test_golden_seeds import frameworks

    def row(answer):
        return IndicatorEntry(parent="质量", name="行", weight=D(10), reason="偏差原因", answer=answer)

    sheet = score(frameworks()["mof-2021-core"], {}, [row(True), row(False)])
    assert shown(sheet.line("quality.1")) == (D("10.00"), "达成", "直接赋分：达成，得满分 → 10 分", [], [])
    assert shown(sheet.line("quality.2")) == (D("0.00"), "未达成", "直接赋分：未达成，不得分 → 0 分", [], [])


def test_a_rate_of_several_terms_is_the_sum_of_each_fact_times_its_int_sign_to_the_digit():
    # RateSpec keeps its signs as Decimals (``signed``) to multiply by; an int sign is converted to the same Decimal
    # first, so each sum is what sum((fact * int sign …), ZERO) gives: value, exponent and sign of zero alike.
    rate = RateSpec.from_params({"numerator": ["a", "b", "-c"], "denominator": ["d", "-e"]}, "here")
    assert [sign for _, sign in rate.numerator] == [1, 1, -1]
    assert [sign.__class__ for side in rate.signed for _, sign in side] == [Decimal] * 5
    awkward = [Decimal(text) for text in ("-0", "0E+3", "1E+2", "0.10", "123456789012345678901234567890", "-2.5")]
    names = ("a", "b", "c", "d", "e")
    for shift in range(len(awkward)):
        facts = {name: awkward[(index + shift) % len(awkward)] for index, name in enumerate(names)}
        top = sum((facts[name] * sign for name, sign in rate.numerator), Decimal(0))
        base = sum((facts[name] * sign for name, sign in rate.denominator), Decimal(0))
        outcome = Outcome(None)
        found = rate.evaluate(facts, outcome)
        if base == 0:
            assert found is None
        else:
            assert found.as_tuple() == (top / base).as_tuple()
