"""The rule kinds of ``rules`` as a finance user sees them on a sheet, at and around every bound: points, band, the
whole explanation, what is missing, the warnings — and every refusal with its message and field.

Each framework is read inside its test (``one``): mutmut runs a mutant's tests in a process forked after a clean run,
where what was built at import was built by the unmutated code (MUTATION.md, "How it runs")."""

from decimal import Decimal

import pytest

from scoring.engine import IndicatorEntry, ScoringError
from scoring.engine.rules import Context, Settings, build_rule
from tests.scoring.test_rules import line, one

D = Decimal
NO_REASON = ["未得满分，需填写偏差原因分析及改进措施"]
UTILISATION = {
    "label": "固定资产利用率",
    "key": "utilisation_rate",
    "numerator": "fixed_assets_in_use",
    "denominator": "fixed_assets_total",
}
# Futian 固定资产利用率 (domain.md §3.4): ≥ 90 % → 1; [75 %, 90 %) → 0.7; [60 %, 75 %) → 0.4; < 60 % → 0.
FUTIAN_BANDS = [
    {"max": "60%", "points": 0},
    {"min": "60%", "max": "75%", "points": "0.4"},
    {"min": "75%", "max": "90%", "points": "0.7"},
    {"min": "90%", "points": 1},
]


def entry(**fields) -> IndicatorEntry:
    return IndicatorEntry(code="item", **fields)


def shown(got) -> tuple:
    return got.points, got.band, got.explanation, got.missing, got.warnings


def refusal(framework, given=None, facts=None) -> tuple[str, str | None]:
    with pytest.raises(ScoringError) as refused:
        line(framework, facts, given)
    return refused.value.message, refused.value.field


# --- bands -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("in_use", "points", "band"),
    [
        ("0", "0", "低于60%"),
        ("59.99", "0", "低于60%"),
        ("60", "0.4", "60%（含）至75%以下"),
        ("74.99", "0.4", "60%（含）至75%以下"),
        ("75", "0.7", "75%（含）至90%以下"),
        ("89.99", "0.7", "75%（含）至90%以下"),
        ("90", "1", "90%及以上"),
        ("100", "1", "90%及以上"),
    ],
)
def test_fixed_asset_utilisation_scores_the_points_of_its_band(in_use, points, band):
    framework = one({"kind": "bands", "rate": UTILISATION, "bands": FUTIAN_BANDS}, weight=1)
    got = line(framework, {"fixed_assets_in_use": D(in_use), "fixed_assets_total": D(100)})
    rate = f"固定资产利用率 = {D(in_use):.2f} ÷ 100.00 = {D(in_use):.2f}%"
    expected = (
        D(points).quantize(D("0.01")),
        band,
        f"{rate}，{band} → {points} 分",
        [],
        [] if points == "1" else NO_REASON,
    )
    assert shown(got) == expected


def test_a_band_with_its_own_label_is_named_by_it_and_one_without_by_its_bounds():
    bands = [{"max": "60%", "points": 0, "label": "利用不足"}, {"min": "60%", "points": 1}]
    framework = one({"kind": "bands", "rate": UTILISATION, "bands": bands}, weight=1)
    low = line(framework, {"fixed_assets_in_use": D(50), "fixed_assets_total": D(100)})
    assert shown(low) == (
        D("0.00"),
        "利用不足",
        "固定资产利用率 = 50.00 ÷ 100.00 = 50.00%，利用不足 → 0 分",
        [],
        NO_REASON,
    )
    high = line(framework, {"fixed_assets_in_use": D(60), "fixed_assets_total": D(100)})
    assert shown(high) == (D("1.00"), "60%及以上", "固定资产利用率 = 60.00 ÷ 100.00 = 60.00%，60%及以上 → 1 分", [], [])


def test_bands_over_a_zero_base_are_not_scored_unless_the_framework_gives_full_marks():
    framework = one({"kind": "bands", "rate": UTILISATION, "bands": FUTIAN_BANDS}, weight=1)
    got = line(framework, {"fixed_assets_in_use": D(1), "fixed_assets_total": D(0)})
    assert shown(got) == (
        None,
        None,
        "固定资产利用率 = 1.00 ÷ 0.00，分母为零",
        [],
        ["固定资产利用率的分母为零，无法计算"],
    )
    rate = {**UTILISATION, "if_no_base": "full", "no_base_label": "无固定资产"}
    framework = one({"kind": "bands", "rate": rate, "bands": FUTIAN_BANDS}, weight=1)
    got = line(framework, {"fixed_assets_in_use": D(0), "fixed_assets_total": D(0)})
    assert shown(got) == (D("1.00"), "无固定资产", "固定资产利用率：无固定资产，得满分 → 1.00 分", [], [])


def test_a_rate_below_bands_that_start_at_zero_is_refused_naming_the_rate():
    bands = [{"min": 0, "max": "60%", "points": 0}, {"min": "60%", "points": 1}]
    rule = build_rule("bands", D(1), {"rate": UTILISATION, "bands": bands}, "item")
    facts = {"fixed_assets_in_use": D(-1), "fixed_assets_total": D(100)}
    with pytest.raises(ScoringError) as refused:
        rule.evaluate(Context(facts, Settings()), entry())
    assert (refused.value.message, refused.value.field) == ("固定资产利用率 -1.00% 不在任何分档内", None)


# --- choice, manual, check -------------------------------------------------------------------------------------------

DISCLOSURE = {
    "kind": "choice",
    "options": [
        {"code": "compliant", "label": "公开且合规", "points": "1.5"},
        {"code": "defects", "label": "公开但有瑕疵", "points": 1},
        {"code": "none", "label": "未公开", "points": 0},
    ],
}


@pytest.mark.parametrize(
    ("answer", "points", "label"),
    [("compliant", "1.5", "公开且合规"), ("公开但有瑕疵", "1", "公开但有瑕疵"), ("none", "0", "未公开")],
)
def test_a_choice_is_answered_by_its_code_or_its_label_and_scores_its_points(answer, points, label):
    got = line(one(DISCLOSURE, weight=D("1.5")), entry=entry(answer=answer))
    expected = (
        D(points).quantize(D("0.01")),
        label,
        f"{label} → {points} 分",
        [],
        [] if points == "1.5" else NO_REASON,
    )
    assert shown(got) == expected


def test_a_choice_not_offered_is_refused_listing_the_options():
    framework = one(DISCLOSURE, weight=D("1.5"))
    assert refusal(framework, entry(answer="maybe")) == (
        "选项“maybe”不存在，可选：compliant（公开且合规）、defects（公开但有瑕疵）、none（未公开）",
        "item",
    )
    assert shown(line(framework, entry=entry())) == (None, None, "缺少：填报结果", ["填报结果"], [])


def test_a_manual_score_needs_its_reason_and_stays_within_the_weight():
    framework = one({"kind": "manual"}, weight=5)
    given = line(framework, entry=entry(score=D(3), reason="  现场核查  "))
    assert shown(given) == (D("3.00"), "人工评分", "人工评分 3 分（理由：现场核查） → 3.00 分", [], [])
    as_answer = line(framework, entry=entry(answer=D(5), reason="满分"))
    assert shown(as_answer) == (D("5.00"), "人工评分", "人工评分 5 分（理由：满分） → 5.00 分", [], [])
    no_reason = line(framework, entry=entry(score=D(3)))
    assert shown(no_reason) == (None, None, "人工评分须填写评分理由", ["评分理由或偏差原因"], [])
    assert shown(line(framework, entry=entry())) == (None, None, "缺少：评分", ["评分"], [])
    assert refusal(framework, entry(score=D("5.01"), reason="r")) == ("评分 5.01 应在 0 至 5 之间", "item")
    assert refusal(framework, entry(score=D(-1), reason="r")) == ("评分 -1 应在 0 至 5 之间", "item")


def test_a_partial_score_of_a_check_needs_a_reason_and_stays_within_the_weight():
    framework = one({"kind": "check"}, weight=2)
    partial = line(framework, entry=entry(answer=D("1.5")))
    assert shown(partial) == (
        D("1.50"),
        "部分符合",
        "酌情得 1.5 分 → 1.5 分",
        [],
        ["测试指标未得满分，需说明扣分原因", *NO_REASON],
    )
    explained = line(framework, entry=entry(answer="1", reason="一项制度未更新"))
    assert shown(explained) == (D("1.00"), "部分符合", "酌情得 1 分 → 1 分", [], [])
    full = line(framework, entry=entry(answer=D(2)))
    assert shown(full) == (D("2.00"), "部分符合", "酌情得 2 分 → 2 分", [], [])
    assert refusal(framework, entry(answer=D("2.01"))) == ("得分 2.01 超出分值 2", "item")
    assert refusal(framework, entry(answer=D(-1))) == ("得分 -1 超出分值 2", "item")
    assert shown(line(framework, entry=entry())) == (None, None, "缺少：填报结果", ["填报结果"], [])


# --- 10号 qualitative ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "score", "band"),
    [
        ("达成年度指标", "5", "[4, 5]"),
        ("达成年度指标", "4", "[4, 5]"),
        ("部分达成年度指标并具有一定效果", "3", "[3, 4)"),
        ("部分达成年度指标并具有一定效果", "3.99", "[3, 4)"),
        ("未达成年度指标且效果较差", "0", "[0, 3)"),
        ("未达成年度指标且效果较差", "2.99", "[0, 3)"),
    ],
)
def test_a_qualitative_10hao_score_inside_its_band_is_kept(outcome, score, band):
    got = line(one({"kind": "qualitative"}, weight=5), entry=entry(outcome=outcome, score=D(score)))
    explanation = f"定性评价：{outcome}，得分区间 {band}，评 {score} 分 → {D(score):.2f} 分"
    assert shown(got) == (D(score).quantize(D("0.01")), outcome, explanation, [], [] if score == "5" else NO_REASON)


@pytest.mark.parametrize(
    ("outcome", "score", "band"),
    [
        ("达成年度指标", "3.99", "[4, 5]"),
        ("达成年度指标", "5.01", "[4, 5]"),
        ("部分达成年度指标并具有一定效果", "4", "[3, 4)"),
        ("部分达成年度指标并具有一定效果", "2.99", "[3, 4)"),
        ("未达成年度指标且效果较差", "3", "[0, 3)"),
    ],
)
def test_a_qualitative_10hao_score_outside_its_band_is_refused(outcome, score, band):
    framework = one({"kind": "qualitative"}, weight=5)
    assert refusal(framework, entry(outcome=outcome, score=D(score))) == (
        f"定性指标选择“{outcome}”时，得分应在 {band} 之间，填报的是 {score}",
        "item",
    )


def test_an_unknown_qualitative_10hao_outcome_is_refused_listing_what_is_accepted():
    from scoring.engine.inputs import accepted_outcomes

    framework = one({"kind": "qualitative"}, weight=5)
    message, field = refusal(framework, entry(outcome="很好", score=D(1)))
    assert (message, field) == (f"定性评价结果“很好”无法识别，可填写：{accepted_outcomes()}", "item")
    assert accepted_outcomes().startswith("达成年度指标、部分达成年度指标并具有一定效果、未达成年度指标且效果较差、")


# --- proportional, item deduction, quarterly --------------------------------------------------------------------------


def test_projects_on_time_score_their_share_of_the_plan_capped_at_the_weight():
    rule = {
        "kind": "proportional",
        "done": "projects_on_time",
        "planned": "projects_planned",
        "label": "项目完成及时率",
    }
    framework = one(rule, weight=6)
    three_of_four = line(framework, {"projects_on_time": D(3), "projects_planned": D(4)})
    assert shown(three_of_four) == (D("4.50"), None, "项目完成及时率 = 3 ÷ 4 = 75.00% → 4.50 分", [], NO_REASON)
    assert three_of_four.rates == {"completion_rate": D("0.75")}
    five_of_four = line(framework, {"projects_on_time": D(5), "projects_planned": D(4)})
    assert shown(five_of_four) == (D("6.00"), None, "项目完成及时率 = 5 ÷ 4 = 125.00% → 6.00 分", [], [])
    assert five_of_four.rates == {"completion_rate": D("1.25")}
    nothing_planned = line(framework, {"projects_on_time": D(0), "projects_planned": D(0)})
    assert shown(nothing_planned) == (D("6.00"), "无计划事项", "项目完成及时率：无计划事项，得满分 → 6.00 分", [], [])
    unknown = line(framework, {"projects_on_time": D(1)})
    assert shown(unknown) == (None, None, "缺少：计划完成项目数", ["计划完成项目数"], [])


@pytest.mark.parametrize(
    ("completed", "points", "failures"),
    [("4", "6.00", "1"), ("6", "8.00", "0"), ("5", "8.00", "0"), ("0", "0.00", "5")],
)
def test_unfinished_key_tasks_are_deducted_per_task_down_to_zero(completed, points, failures):
    rule = {
        "kind": "item_deduction",
        "per_item": 2,
        "planned": "key_tasks_planned",
        "completed": "key_tasks_completed",
        "item_label": "未完成",
    }
    got = line(one(rule, weight=8), {"key_tasks_planned": D(5), "key_tasks_completed": D(completed)})
    explanation = f"计划 5 项，完成 {completed} 项，未完成 {failures} 项，每项扣 2 分 → {points} 分"
    assert shown(got) == (D(points), f"未完成 {failures} 项", explanation, [], [] if points == "8.00" else NO_REASON)


def test_item_deduction_from_the_units_count_is_refused_unless_a_whole_number():
    framework = one({"kind": "item_deduction", "per_item": "0.5"}, weight=3)
    two = line(framework, entry=entry(answer=D(2)))
    assert shown(two) == (D("2.00"), "不符合 2 项", "不符合 2 项，每项扣 0.5 分 → 2.00 分", [], NO_REASON)
    seven = line(framework, entry=entry(answer=D(7)))
    assert shown(seven) == (D("0.00"), "不符合 7 项", "不符合 7 项，每项扣 0.5 分 → 0.00 分", [], NO_REASON)
    assert refusal(framework, entry(answer=D("1.5"))) == ("不符合项数应为非负整数，收到 1.5", "answer")
    assert refusal(framework, entry(answer=D(-1))) == ("不符合项数应为非负整数，收到 -1", "answer")
    assert shown(line(framework, entry=entry())) == (None, None, "缺少：填报结果", ["填报结果"], [])
    missing = line(
        one({"kind": "item_deduction", "planned": "key_tasks_planned", "completed": "key_tasks_completed"}, weight=3),
        {"key_tasks_planned": D(5)},
    )
    assert shown(missing) == (None, None, "缺少：重点工作·完成数", ["重点工作·完成数"], [])


QUARTERS = {
    "spending_q1": D(20),
    "spending_q2": D(55),
    "spending_q3": D(70),
    "spending_q4": D(95),
    "budget_full_year": D(100),
}


def test_quarterly_progress_is_each_quarter_against_time_capped_plus_twice_the_average():
    got = line(one({"kind": "quarterly_progress"}, weight=6), QUARTERS)
    assert shown(got) == (
        D("5.52"),
        None,
        "季度支出进度：Q1 20.00%÷25%=80.00%；Q2 55.00%÷50%=100.00%；Q3 70.00%÷75%=93.33%；Q4 95.00%÷100%=95.00%；"
        "平均 92.08% → 5.52 分",
        [],
        NO_REASON,
    )
    uncapped = line(one({"kind": "quarterly_progress"}, weight=6, settings={"quarterly_cap": False}), QUARTERS)
    assert (uncapped.points, uncapped.rates["q2_ratio"]) == (D("5.67"), D("1.1"))
    assert uncapped.explanation.startswith("季度支出进度：Q1 20.00%÷25%=80.00%；Q2 55.00%÷50%=110.00%；")


def test_quarterly_progress_without_a_budget_or_its_quarters_is_not_scored():
    framework = one({"kind": "quarterly_progress"}, weight=6)
    no_budget = line(framework, {**QUARTERS, "budget_full_year": D(0)})
    assert shown(no_budget) == (None, None, "全年预算数为零", [], ["全年预算数为零，无法计算季度执行率"])
    missing = ["第二季度末累计支出", "第三季度末累计支出", "第四季度末累计支出", "全年预算数"]
    assert shown(line(framework, {"spending_q1": D(1)})) == (None, None, "缺少：" + "、".join(missing), missing, [])
