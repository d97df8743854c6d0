"""Rates of several facts (a change, a weighted satisfaction, the execution rate with or without the carry-over, a
completion rate of four facts) and 时效 rows, as a finance user sees them on a sheet: points, band, the whole
explanation, the rate kept, what is missing and the warnings.

Each framework is read inside its test (``one``): mutmut runs a mutant's tests in a process forked after a clean run,
where what was built at import was built by the unmutated code (MUTATION.md, "How it runs")."""

from decimal import Decimal

import pytest

from scoring.engine import IndicatorEntry, ScoringError
from tests.scoring.test_rules import line, one

D = Decimal
NO_REASON = ["未得满分，需填写偏差原因分析及改进措施"]
BELOW_90 = "预算执行率低于90%，需说明原因"


def shown(got) -> tuple:
    return got.points, got.band, got.explanation, got.missing, got.warnings, got.rates


# --- rates -----------------------------------------------------------------------------------------------------------

SANGONG_CHANGE = {
    "kind": "excess_deduction",
    "rate": {"label": "三公经费变动率", "key": "change_rate", "change": ["sangong_budget", "sangong_budget_prior"]},
    "threshold": "0%",
    "per_point_share": "10%",
}


def test_a_rise_of_the_sangong_budget_loses_a_tenth_of_the_weight_per_point():
    framework = one(SANGONG_CHANGE, weight=4)
    rise = line(framework, {"sangong_budget": D(105), "sangong_budget_prior": D(100)})
    assert shown(rise) == (
        D("2.00"),
        "高于0%",
        "三公经费变动率 = (105.00 − 100.00) ÷ 100.00 = 5.00%，超过0% 5.00 个百分点，每个百分点扣 0.4 分，扣 2.00 分 → 2.00 分",
        [],
        NO_REASON,
        {"change_rate": D("0.05")},
    )
    fall = line(framework, {"sangong_budget": D(95), "sangong_budget_prior": D(100)})
    assert shown(fall) == (
        D("4.00"),
        "不高于0%",
        "三公经费变动率 = (95.00 − 100.00) ÷ 100.00 = -5.00%，不高于0% → 4.00 分",
        [],
        [],
        {"change_rate": D("-0.05")},
    )
    no_prior = line(framework, {"sangong_budget": D(95), "sangong_budget_prior": D(0)})
    assert shown(no_prior) == (
        None,
        None,
        "三公经费变动率 = (95.00 − 0.00) ÷ 0.00，分母为零",
        [],
        ["三公经费变动率的分母为零，无法计算"],
        {},
    )


def test_a_weighted_satisfaction_adds_each_share_by_its_weight():
    rule = {
        "kind": "weighted_satisfaction",
        "label": "社会公众或服务对象满意度",
        "weights": {"satisfaction_recipients": "50%", "satisfaction_public": "40%", "satisfaction_staff": "10%"},
    }
    framework = one(rule, weight=6)
    got = line(
        framework, {"satisfaction_recipients": D("0.9"), "satisfaction_public": D("0.8"), "satisfaction_staff": D(1)}
    )
    assert shown(got) == (
        D("5.22"),
        None,
        "社会公众或服务对象满意度 = 90.00% × 50% + 80.00% × 40% + 100.00% × 10% = 87.00% → 5.22 分",
        [],
        NO_REASON,
        {"satisfaction_rate": D("0.87")},
    )
    partial = line(framework, {"satisfaction_recipients": D("0.9")})
    assert shown(partial) == (
        None,
        None,
        "社会公众或服务对象满意度：缺少社会公众满意度、内部员工满意度",
        ["社会公众满意度", "内部员工满意度"],
        [],
        {},
    )


@pytest.mark.parametrize(
    ("mode", "points", "explanation", "warnings", "rate"),
    [
        ("none", "9.50", "预算执行率 = 95.00 ÷ 100.00 = 95.00% → 9.50 分", NO_REASON, D("0.95")),
        (
            "net_spending",
            "8.50",
            "预算执行率 = (95.00 − 10.00) ÷ 100.00 = 85.00% → 8.50 分",
            [BELOW_90, *NO_REASON],
            D("0.85"),
        ),
        (
            "add_to_budget",
            "8.64",
            "预算执行率 = 95.00 ÷ (100.00 + 10.00) = 86.36% → 8.64 分",
            [BELOW_90, *NO_REASON],
            D(95) / D(110),
        ),
    ],
)
def test_the_execution_rate_treats_the_carry_over_as_the_framework_says(mode, points, explanation, warnings, rate):
    framework = one({"kind": "budget_execution"}, settings={"execution_carryover": mode})
    got = line(framework, {"spending_actual": D(95), "budget_full_year": D(100), "carryover_start": D(10)})
    assert shown(got) == (D(points), None, explanation, [], warnings, {"execution_rate": rate})


def test_execution_below_90_percent_asks_for_a_reason_unless_one_is_given():
    framework = one({"kind": "budget_execution"})
    below = line(framework, {"spending_actual": D(85), "budget_full_year": D(100)})
    assert below.warnings == [BELOW_90, *NO_REASON]
    at_90 = line(framework, {"spending_actual": D(90), "budget_full_year": D(100)})
    assert at_90.warnings == NO_REASON
    explained = line(
        framework,
        {"spending_actual": D(85), "budget_full_year": D(100)},
        IndicatorEntry(code="item", reason="项目延期"),
    )
    assert (explained.points, explained.warnings) == (D("8.50"), [])


def test_a_ratio_over_a_zero_base_is_not_scored_unless_the_framework_gives_full_marks():
    rate = {
        "label": "执行率",
        "key": "execution_rate",
        "numerator": "spending_actual",
        "denominator": "budget_full_year",
    }
    facts = {"spending_actual": D(0), "budget_full_year": D(0)}
    assert shown(line(one({"kind": "ratio", "rate": rate}, weight=2), facts)) == (
        None,
        None,
        "执行率 = 0.00 ÷ 0.00，分母为零",
        [],
        ["执行率的分母为零，无法计算"],
        {},
    )
    full = {**rate, "if_no_base": "full", "no_base_label": "无预算"}
    assert shown(line(one({"kind": "ratio", "rate": full}, weight=2), facts)) == (
        D("2.00"),
        "无预算",
        "执行率：无预算，得满分 → 2.00 分",
        [],
        [],
        {},
    )


def test_a_completion_rate_of_four_facts_shows_each_term_with_its_sign():
    rate = {
        "label": "预算完成率",
        "key": "completion_rate",
        "numerator": ["carryover_start", "budget_initial", "budget_added", "-carryover_end"],
        "denominator": ["carryover_start", "budget_initial", "budget_added"],
    }
    framework = one({"kind": "ratio", "rate": rate}, weight=5)
    facts = {"carryover_start": D(10), "budget_initial": D(100), "budget_added": D(20), "carryover_end": D(13)}
    assert shown(line(framework, facts)) == (
        D("4.50"),
        None,
        "预算完成率 = (10.00 + 100.00 + 20.00 − 13.00) ÷ (10.00 + 100.00 + 20.00) = 90.00% → 4.50 分",
        [],
        NO_REASON,
        {"completion_rate": D("0.9")},
    )
    assert shown(line(framework, {"carryover_start": D(10)})) == (
        None,
        None,
        "预算完成率：缺少年初预算数、本年追加预算、年末结转和结余",
        ["年初预算数", "本年追加预算", "年末结转和结余"],
        [],
        {},
    )


# --- 时效 ------------------------------------------------------------------------------------------------------------


def deadline_row(target, actual=None, **fields) -> IndicatorEntry:
    return IndicatorEntry(code="item", target_value=target, actual_value=actual, **fields)


@pytest.mark.parametrize(
    ("target", "actual", "points", "band", "explanation", "warnings"),
    [
        ("9月底前", "8月25日完成", "10.00", "按期完成", "时限 9月底前；实际 8月25日，按期完成，得满分 → 10.00 分", []),
        (
            "9月底前",
            "10月8日完成",
            "0.00",
            "未按期完成",
            "时限 9月底前；实际 10月8日，晚于时限，按0%计分 → 0.00 分",
            NO_REASON,
        ),
        (
            "9月底前",
            "已完成",
            "10.00",
            "按期完成",
            "时限 9月底前；实际“已完成”，按期完成计，得满分 → 10.00 分",
            ["实际完成值未写完成时间，按期完成计，请补写完成时间"],
        ),
        (
            "3个工作日内",
            "2个工作日",
            "10.00",
            "按期完成",
            "时限 3个工作日内；实际 2个工作日，在时限内，得满分 → 10.00 分",
            [],
        ),
    ],
)
def test_a_timeliness_row_is_met_or_missed(target, actual, points, band, explanation, warnings):
    got = line(one({"kind": "deadline"}), entry=deadline_row(target, actual))
    assert shown(got) == (D(points), band, explanation, [], warnings, {})


def test_a_number_typed_for_a_duration_is_in_the_limit_s_unit_and_a_late_row_earns_the_framework_s_share():
    late = line(one({"kind": "deadline"}), entry=deadline_row("3个工作日内", actual=D(4)))
    assert shown(late) == (
        D("0.00"),
        "未按期完成",
        "时限 3个工作日内；实际 4个工作日，超出时限，按0%计分 → 0.00 分",
        [],
        NO_REASON,
        {},
    )
    half = line(
        one({"kind": "deadline"}, settings={"deadline_late_share": "50%"}), entry=deadline_row("9月底前", "10月8日完成")
    )
    assert shown(half) == (
        D("5.00"),
        "未按期完成",
        "时限 9月底前；实际 10月8日，晚于时限，按50%计分 → 5.00 分",
        [],
        NO_REASON,
        {},
    )


def test_a_timeliness_row_without_a_time_in_its_result_or_a_limit_in_its_target():
    framework = one({"kind": "deadline"})
    vague = line(framework, entry=deadline_row("9月底前", "正在推进"))
    assert shown(vague) == (
        None,
        None,
        "缺少：实际完成值",
        ["实际完成值"],
        ["实际完成值“正在推进”未写明完成时间（如“8月25日”“2个工作日”“按时完成”）"],
        {},
    )
    assert shown(line(framework, entry=deadline_row("9月底前"))) == (
        None,
        None,
        "缺少：实际完成值",
        ["实际完成值"],
        [],
        {},
    )
    with pytest.raises(ScoringError) as refused:
        line(framework, entry=deadline_row("按计划", "8月"))
    assert (refused.value.message, refused.value.field) == (
        "时效指标值“按计划”不是时限：请写作“9月底前”“6月30日前”“3个工作日内”等",
        "item",
    )
