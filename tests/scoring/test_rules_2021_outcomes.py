"""The 101号 rule kinds as a finance user sees them on a sheet, at and around every bound: points, band, the whole
explanation, what is missing and the warnings — and every refusal with its message and field.

Each framework is read inside its test (``one``): mutmut runs a mutant's tests in a process forked after a clean run,
where what was built at import was built by the unmutated code (MUTATION.md, "How it runs")."""

from decimal import Decimal

import pytest

from scoring.engine import IndicatorEntry, ScoringError
from tests.scoring.test_rules import line, one

D = Decimal
NO_REASON = ["未得满分，需填写偏差原因分析及改进措施"]
RATE = "预算执行率 = {spent} ÷ 100.00 = {rate}"


def entry(**fields) -> IndicatorEntry:
    return IndicatorEntry(code="item", **fields)


def shown(got) -> tuple:
    return got.points, got.band, got.explanation, got.missing, got.warnings


def refusal(framework, given) -> tuple[str, str | None]:
    with pytest.raises(ScoringError) as refused:
        line(framework, entry=given)
    return refused.value.message, refused.value.field


# --- 预算执行率 --------------------------------------------------------------------------------------------------------

FULL = "，项目已完成且支出未超出预算，得满分 → 10 分"
TOP = "，项目未完成，执行率80%（含）以上"
AT_100 = "（执行率达100%而项目未完成，按最高一档计）"


@pytest.mark.parametrize(
    ("spent", "completed", "points", "band", "tail"),
    [
        ("100", True, "10", "项目完成且未超预算", FULL),
        ("95", True, "10", "项目完成且未超预算", FULL),
        (
            "100.01",
            True,
            "7",
            "项目完成但超出预算",
            "，项目已完成但支出超出预算，按执行率分档：执行率80%（含）以上，得分值的 70% → 7 分",
        ),
        ("101", False, "7", "项目未完成，执行率80%（含）以上", f"{TOP}{AT_100}，得分值的 70% → 7 分"),
        ("100", False, "7", "项目未完成，执行率80%（含）以上", f"{TOP}{AT_100}，得分值的 70% → 7 分"),
        ("80", False, "7", "项目未完成，执行率80%（含）以上", f"{TOP}，得分值的 70% → 7 分"),
        (
            "79.99",
            False,
            "5",
            "项目未完成，执行率60%（含）至80%",
            "，项目未完成，执行率60%（含）至80%，得分值的 50% → 5 分",
        ),
        (
            "60",
            False,
            "5",
            "项目未完成，执行率60%（含）至80%",
            "，项目未完成，执行率60%（含）至80%，得分值的 50% → 5 分",
        ),
        ("59.99", False, "0", "项目未完成，执行率低于60%", "，项目未完成，执行率低于60%，得分值的 0% → 0 分"),
    ],
)
def test_execution_scores_full_only_for_a_finished_project_within_budget_and_otherwise_by_bands(
    spent, completed, points, band, tail
):
    got = line(
        one({"kind": "execution_completion"}),
        {"spending_actual": D(spent), "budget_full_year": D(100)},
        entry(project_completed=completed),
    )
    rate = RATE.format(spent=f"{D(spent):.2f}", rate=f"{D(spent):.2f}%")
    assert shown(got) == (D(points).quantize(D("0.01")), band, rate + tail, [], [] if points == "10" else NO_REASON)


def test_execution_without_its_inputs_names_each_one_missing():
    framework = one({"kind": "execution_completion"})
    facts = {"spending_actual": D(0), "budget_full_year": D(100)}
    assert shown(line(framework, facts)) == (
        None,
        None,
        "预算执行率 = 0.00 ÷ 100.00 = 0.00%；缺少项目是否完成",
        ["项目是否完成"],
        [],
    )
    budget_only = {"budget_full_year": D(100)}
    assert shown(line(framework, budget_only, entry(project_completed=False))) == (
        None,
        None,
        "预算执行率：缺少全年执行数",
        ["全年执行数"],
        [],
    )
    assert shown(line(framework, budget_only)) == (
        None,
        None,
        "预算执行率：缺少全年执行数",
        ["全年执行数", "项目是否完成"],
        [],
    )
    no_budget = {"spending_actual": D(1), "budget_full_year": D(0)}
    assert shown(line(framework, no_budget, entry(project_completed=True))) == (
        None,
        None,
        "预算执行率 = 1.00 ÷ 0.00，分母为零",
        [],
        ["预算执行率的分母为零，无法计算"],
    )


# --- 满意度 ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "points", "band", "shown_rate"),
    [
        ("96%", "10", "90%（含）以上", "96.00%"),
        ("90%", "10", "90%（含）以上", "90.00%"),
        ("89.99%", "8", "80%（含）至90%", "89.99%"),
        ("80%", "8", "80%（含）至90%", "80.00%"),
        ("79.9%", "5", "60%（含）至80%", "79.90%"),
        ("60%", "5", "60%（含）至80%", "60.00%"),
        ("59%", "0", "低于60%", "59.00%"),
        ("0.95", "10", "90%（含）以上", "95.00%"),  # a fraction
        ("95", "10", "90%（含）以上", "95.00%"),  # a bare number above 1 is a percentage
        ("1", "10", "90%（含）以上", "100.00%"),
    ],
)
def test_satisfaction_of_a_row_scores_10_8_5_or_0_by_its_band(actual, points, band, shown_rate):
    got = line(one({"kind": "satisfaction_bands"}), entry=entry(actual_value=actual))
    share = {"10": "100%", "8": "80%", "5": "50%", "0": "0%"}[points]
    explanation = f"满意度 {shown_rate}，{band}，得分值的 {share} → {points} 分"
    assert shown(got) == (D(points).quantize(D("0.01")), band, explanation, [], [] if points == "10" else NO_REASON)


def test_satisfaction_typed_as_a_number_is_read_as_a_fraction_or_a_percentage():
    framework = one({"kind": "satisfaction_bands"})
    for typed in (D("0.85"), D(85)):
        got = line(framework, entry=entry(actual=typed))
        assert shown(got) == (
            D("8.00"),
            "80%（含）至90%",
            "满意度 85.00%，80%（含）至90%，得分值的 80% → 8 分",
            [],
            NO_REASON,
        )
    assert shown(line(framework, entry=entry())) == (None, None, "缺少：实际完成值", ["实际完成值"], [])


@pytest.mark.parametrize(
    ("actual", "points", "band", "share"),
    [
        ("96%", "10", "非常满意", "100%"),
        ("85%", "6", "80%（含）以上", "60%"),  # a band without a label is named by its lower bound
        ("50%", "0", "不满意", "0%"),
    ],
)
def test_satisfaction_bands_a_framework_writes_are_named_by_their_labels(actual, points, band, share):
    bands = [
        {"min": "95%", "share": 1, "label": "非常满意"},
        {"min": "80%", "share": "60%"},
        {"min": 0, "share": 0, "label": "不满意"},
    ]
    got = line(one({"kind": "satisfaction_bands", "bands": bands}), entry=entry(actual_value=actual))
    explanation = f"满意度 {D(actual[:-1]):.2f}%，{band}，得分值的 {share} → {points} 分"
    assert shown(got) == (D(points).quantize(D("0.01")), band, explanation, [], [] if points == "10" else NO_REASON)


def test_satisfaction_read_from_a_fact_is_explained_by_the_fact():
    rate = {"label": "服务对象满意度", "key": "satisfaction_rate", "fact": "satisfaction_recipients"}
    framework = one({"kind": "satisfaction_bands", "rate": rate})
    got = line(framework, {"satisfaction_recipients": D("0.9")})
    assert shown(got) == (
        D("10.00"),
        "90%（含）以上",
        "服务对象满意度 = 90.00%，90%（含）以上，得分值的 100% → 10 分",
        [],
        [],
    )
    assert got.rates == {"satisfaction_rate": D("0.9")}
    missing = line(framework, {})
    assert shown(missing) == (None, None, "服务对象满意度：缺少服务对象满意度", ["服务对象满意度"], [])


# --- qualitative -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "score", "label", "band"),
    [
        ("基本达成目标", "10", "基本达成目标", "[8, 10]"),
        ("基本达成目标", "8", "基本达成目标", "[8, 10]"),
        ("达成年度指标", "9", "基本达成目标", "[8, 10]"),  # the 10号 name of the same band
        ("achieved", "9", "基本达成目标", "[8, 10]"),
        ("部分实现目标", "6", "部分实现目标", "[6, 8)"),
        ("部分实现目标", "7.99", "部分实现目标", "[6, 8)"),
        ("实现目标程度较低", "0", "实现目标程度较低", "[0, 6)"),
        ("实现目标程度较低", "5.99", "实现目标程度较低", "[0, 6)"),
    ],
)
def test_a_qualitative_score_inside_its_band_is_kept_as_given(outcome, score, label, band):
    got = line(one({"kind": "qualitative_2021"}), entry=entry(outcome=outcome, score=D(score)))
    explanation = f"定性评价：{label}，得分区间 {band}，评 {D(score).normalize():f} 分 → {D(score):.2f} 分"
    assert shown(got) == (D(score).quantize(D("0.01")), label, explanation, [], [] if score == "10" else NO_REASON)


@pytest.mark.parametrize(
    ("outcome", "score", "message"),
    [
        ("基本达成目标", "7.99", "定性指标选择“基本达成目标”时，得分应在 [8, 10] 之间，填报的是 7.99"),
        ("基本达成目标", "10.01", "定性指标选择“基本达成目标”时，得分应在 [8, 10] 之间，填报的是 10.01"),
        ("部分实现目标", "8", "定性指标选择“部分实现目标”时，得分应在 [6, 8) 之间，填报的是 8"),
        ("部分实现目标", "5.99", "定性指标选择“部分实现目标”时，得分应在 [6, 8) 之间，填报的是 5.99"),
        ("实现目标程度较低", "6", "定性指标选择“实现目标程度较低”时，得分应在 [0, 6) 之间，填报的是 6"),
        ("实现目标程度较低", "-1", "定性指标选择“实现目标程度较低”时，得分应在 [0, 6) 之间，填报的是 -1"),
        ("很好", "5", "定性评价结果“很好”不存在，可选：基本达成目标、部分实现目标、实现目标程度较低"),
    ],
)
def test_a_qualitative_score_outside_its_band_or_an_unknown_outcome_is_refused(outcome, score, message):
    framework = one({"kind": "qualitative_2021"})
    assert refusal(framework, entry(outcome=outcome, score=D(score))) == (message, "item")


@pytest.mark.parametrize(
    ("score", "message"),
    [
        (D("NaN"), "“NaN”不是数字"),
        (D("1E+20"), "“1E+20”超出可处理的范围（整数部分最多 15 位）"),
        ("九分", "“九分”不是数字：请只填写数字，可带“万元”或“%”"),
    ],
)
def test_a_qualitative_score_that_is_no_number_the_engine_handles_is_refused_at_the_score(score, message):
    framework = one({"kind": "qualitative_2021"})
    assert refusal(framework, entry(outcome="基本达成目标", score=score)) == (message, "score")


def test_a_qualitative_row_without_its_outcome_or_score_names_what_is_missing():
    framework = one({"kind": "qualitative_2021"})
    assert shown(line(framework, entry=entry())) == (
        None,
        None,
        "缺少：定性评价结果、评分",
        ["定性评价结果", "评分"],
        [],
    )
    assert shown(line(framework, entry=entry(outcome="基本达成目标"))) == (None, None, "缺少：评分", ["评分"], [])
    # A score without its outcome is a score typed in place of the rule: it needs a reason, and says what was missing.
    assert shown(line(framework, entry=entry(score=D(9)))) == (
        None,
        None,
        "缺少：定性评价结果；人工录入得分须填写理由",
        ["定性评价结果", "评分理由或偏差原因"],
        [],
    )
    assert shown(line(framework, entry=entry(score=D(9), reason="报告只印了得分"))) == (
        D("9.00"),
        "人工录入",
        "缺少定性评价结果，按人工录入得分（理由：报告只印了得分） → 9.00 分",
        [],
        ["未按规则计算：缺少定性评价结果"],
    )


# --- 直接赋分 with a stated deduction ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "points", "band", "explanation"),
    [
        (D(0), "10", "发生安全事故 0 次", "直接赋分：发生安全事故 0 次，每次扣 2.5 分 → 10 分"),
        ("2", "5", "发生安全事故 2 次", "直接赋分：发生安全事故 2 次，每次扣 2.5 分 → 5 分"),
        (D(4), "0", "发生安全事故 4 次", "直接赋分：发生安全事故 4 次，每次扣 2.5 分 → 0 分"),
        (D(5), "0", "发生安全事故 5 次", "直接赋分：发生安全事故 5 次，每次扣 2.5 分 → 0 分"),
        (True, "10", "达成", "直接赋分：达成，得满分 → 10 分"),
        (False, "0", "未达成", "直接赋分：未达成，不得分 → 0 分"),
    ],
)
def test_a_direct_row_with_a_stated_deduction_takes_it_per_failure_down_to_zero(answer, points, band, explanation):
    framework = one({"kind": "direct", "per_item": "2.5", "item_label": "发生安全事故"})
    got = line(framework, entry=entry(answer=answer))
    assert shown(got) == (D(points).quantize(D("0.01")), band, explanation, [], [] if points == "10" else NO_REASON)


def test_a_direct_row_without_an_answer_is_missing_it():
    got = line(one({"kind": "direct"}), entry=entry())
    assert shown(got) == (None, None, "缺少：填报结果", ["填报结果"], [])


@pytest.mark.parametrize(
    ("mode", "formula", "rate"),
    [
        ("none", "预算执行率 = 95.00 ÷ 100.00 = 95.00%", D("0.95")),
        ("net_spending", "预算执行率 = (95.00 − 10.00) ÷ 100.00 = 85.00%", D("0.85")),
        ("add_to_budget", "预算执行率 = 95.00 ÷ (100.00 + 10.00) = 86.36%", D(95) / D(110)),
    ],
)
def test_the_101_execution_rate_is_kept_as_the_execution_rate_and_treats_the_carry_over_as_the_framework_says(
    mode, formula, rate
):
    """The default rate is the execution rate (key execution_rate): the carry-over setting reads that key."""
    framework = one({"kind": "execution_completion"}, settings={"execution_carryover": mode})
    facts = {"spending_actual": D(95), "budget_full_year": D(100), "carryover_start": D(10)}
    got = line(framework, facts, entry(project_completed=False))
    explanation = f"{formula}{TOP}，得分值的 70% → 7 分"
    assert shown(got) == (D("7.00"), "项目未完成，执行率80%（含）以上", explanation, [], NO_REASON)
    assert got.rates == {"execution_rate": rate}


def test_a_framework_may_give_the_101_execution_rule_its_own_rate():
    rate = {
        "label": "项目资金执行率",
        "key": "execution_rate",
        "numerator": "project_funds_actual",
        "denominator": "project_funds_budget",
    }
    framework = one({"kind": "execution_completion", "rate": rate})
    got = line(
        framework, {"project_funds_actual": D(75), "project_funds_budget": D(100)}, entry(project_completed=False)
    )
    assert shown(got) == (
        D("5.00"),
        "项目未完成，执行率60%（含）至80%",
        "项目资金执行率 = 75.00 ÷ 100.00 = 75.00%，项目未完成，执行率60%（含）至80%，得分值的 50% → 5 分",
        [],
        NO_REASON,
    )
    assert got.rates == {"execution_rate": D("0.75")}


def test_a_101_row_worth_nothing_is_banded_by_how_far_it_got():
    from scoring.engine import score
    from tests.scoring.test_golden_seeds import frameworks

    def zero_weight(actual):
        row = IndicatorEntry(parent="数量", name="零分值", weight=D(0), target_value="≥100", actual_value=actual)
        return score(frameworks()["mof-2021-core"], {}, [row]).line("quantity.1")

    half = zero_weight("50")
    assert (half.points, half.band, half.explanation, half.rates) == (
        D("0.00"),
        "完成率低于60%",
        "实际 50，目标 ≥100，完成比例 = 50 ÷ 100 = 50.00%；完成率 50.00%，低于60%，不得分 → 0 分",
        {"completion_rate": D("0.5")},
    )
    met = zero_weight("100")
    assert (met.points, met.band, met.explanation) == (
        D("0.00"),
        "达到目标",
        "实际 100，目标 ≥100，达到目标，得满分 → 0.00 分",
    )
