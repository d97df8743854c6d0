"""财预〔2021〕101号 (mof-2021-core): its rules, its weights, the shipped framework and a real project table."""

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import IndicatorEntry, ScoringError, framework_from_dict, load_json, run_checks, score, score_input
from scoring.engine.rules import Context, QuantitativeRule, Settings
from scoring.engine.rules_2021 import ExecutionCompletionRule, SatisfactionBandsRule, ThresholdCompletionRule

D = Decimal
ZERO_POINTS = D(0)
ROOT = Path(__file__).resolve().parents[2]


def raw(code: str) -> dict:
    return yaml.safe_load((ROOT / "fixtures" / "frameworks" / f"{code}.yaml").read_text(encoding="utf-8"))


MOF2021 = framework_from_dict(raw("mof-2021-core"))
MOF2020 = framework_from_dict(raw("mof-2020-selfeval"))
FRAMEWORKS = {MOF2021.code: MOF2021, MOF2020.code: MOF2020}


def row(parent, name="行", weight=10, **fields):
    return IndicatorEntry(parent=parent, name=name, weight=D(weight), reason="偏差原因", **fields)


def execution(completed=None):
    return IndicatorEntry(code="budget_execution", project_completed=completed)


def rate_facts(rate: str) -> dict:
    return {"budget_full_year": D(100), "spending_actual": D(rate)}


# --- the framework ---------------------------------------------------------------------------------------------------


def test_level_one_is_execution_cost_output_benefit_satisfaction():
    assert [(i.name, i.weight) for i in MOF2021.indicators] == [
        ("预算执行率", 10),
        ("成本指标", 20),
        ("产出指标", 40),
        ("效益指标", 20),
        ("满意度指标", 10),
    ]


def test_level_two_groups_follow_101():
    groups = {i.name: [c.name for c in i.children] for i in MOF2021.indicators if i.children}
    assert groups == {
        "成本指标": ["经济成本指标", "社会成本指标", "生态环境成本指标"],
        "产出指标": ["数量指标", "质量指标", "时效指标"],
        "效益指标": ["经济效益指标", "社会效益指标", "生态效益指标"],
        "满意度指标": ["服务对象满意度指标"],
    }
    assert "可持续影响指标" not in {i.name for i in MOF2021.walk()}


# --- quantitative rows: the golden figures of the issue --------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "under_2021", "under_2020"),
    [("95", "8.75", "9.50"), ("80", "5.00", "8.00"), ("60", "0.00", "6.00"), ("55", "0.00", "5.50")],
)
def test_completion_on_a_weight_of_ten_under_both_frameworks(actual, under_2021, under_2020):
    entry = row("数量", kind="quantitative", target_value="≥100", actual_value=actual)
    assert score(MOF2021, {}, [entry]).line("quantity.1").points == D(under_2021)
    assert score(MOF2020, {}, [entry]).line("quantity.1").points == D(under_2020)


def test_completion_explains_the_60_percent_formula():
    sheet = score(MOF2021, {}, [row("数量", kind="quantitative", target_value="≥100", actual_value="95")])
    line = sheet.line("quantity.1")
    assert line.kind == "threshold_completion"
    assert line.explanation == (
        "实际 95，目标 ≥100，完成比例 = 95 ÷ 100 = 95.00%；按（95.00% − 60%）÷（1 − 60%）× 10 → 8.75 分"
    )


def test_completion_below_60_percent_says_it_scores_nothing():
    line = score(MOF2021, {}, [row("数量", kind="quantitative", target=D(100), actual=D("59.99"))]).line("quantity.1")
    assert line.points == D("0.00")
    assert "低于60%，不得分" in line.explanation


def test_a_lower_is_better_row_uses_the_framework_formula_as_its_completion():
    # formula (a): 1 − (110 − 100) ÷ 100 = 90 % → (90 % − 60 %) ÷ 40 % × 10 = 7.50
    entry = row("经济成本", kind="quantitative", target_value="≤100万元", actual_value="110")
    assert score(MOF2021, {}, [entry]).line("economic_cost.1").points == D("7.50")


def test_a_met_target_scores_full_marks():
    entry = row("数量", kind="quantitative", target_value="≥50个", actual_value="52")
    assert score(MOF2021, {}, [entry]).line("quantity.1").points == D("10.00")


# --- 预算执行率 --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spent", "completed", "points"),
    [
        ("95", False, "7"),
        ("95", True, "10"),
        ("70", True, "10"),  # finished below budget: within budget
        ("100", True, "10"),
        ("80", False, "7"),
        ("79.99", False, "5"),
        ("60", False, "5"),
        ("59.99", False, "0"),
        ("100", False, "7"),  # unfinished at 100 %: the top band of an unfinished project
        ("105", True, "7"),  # finished but over budget: not “within budget”
    ],
)
def test_execution_bands(spent, completed, points):
    line = score(MOF2021, rate_facts(spent), [execution(completed)]).line("budget_execution")
    assert line.points == D(points)


def test_execution_95_percent_unfinished_gives_7_and_says_why():
    line = score(MOF2021, rate_facts("95"), [execution(False)]).line("budget_execution")
    assert line.explanation == (
        "预算执行率 = 95.00 ÷ 100.00 = 95.00%，项目未完成，执行率80%（含）以上，得分值的 70% → 7 分"
    )
    assert line.kind_label == "预算执行率（完成情况分档）"


def test_execution_without_completion_is_not_scored_and_names_what_is_missing():
    sheet = score(MOF2021, rate_facts("95"), [])
    line = sheet.line("budget_execution")
    assert line.points is None
    assert line.missing == ["项目是否完成"]
    assert sheet.total is None


def test_execution_with_neither_fact_nor_completion_lists_all_three():
    line = score(MOF2021, {}, []).line("budget_execution")
    assert len(line.missing) == 3 and "项目是否完成" in line.missing


# --- 直接赋分, qualitative, 满意度 ----------------------------------------------------------------------------------------


def test_direct_rows_score_full_or_nothing():
    sheet = score(MOF2021, {}, [row("质量", answer=True), row("质量", answer=False)])
    assert sheet.line("quality.1").points == D(10)
    assert sheet.line("quality.2").points == D(0)
    assert sheet.line("quality.1").kind == "direct"


def test_direct_with_a_stated_deduction_deducts_per_failure():
    data = raw("mof-2021-core")
    data["row_rules"]["direct"] = {"kind": "direct", "per_item": 2, "item_label": "发生安全事故"}
    framework = framework_from_dict(data)
    line = score(framework, {}, [row("质量", kind="direct", answer=D(3))]).line("quality.1")
    assert line.points == D(4)
    assert line.explanation == "直接赋分：发生安全事故 3 次，每次扣 2 分 → 4 分"
    assert score(framework, {}, [row("质量", kind="direct", answer=D(9))]).line("quality.1").points == D(0)


def test_direct_without_a_stated_deduction_refuses_a_count():
    with pytest.raises(ScoringError, match="应填写是否达成"):
        score(MOF2021, {}, [row("质量", kind="direct", answer=D(1))])


@pytest.mark.parametrize(
    ("outcome", "points", "allowed"),
    [
        ("基本达成目标", "8", True),
        ("基本达成目标", "10", True),
        ("基本达成目标", "7.99", False),
        ("部分实现目标", "6", True),
        ("部分实现目标", "7.99", True),
        ("部分实现目标", "8", False),
        ("实现目标程度较低", "5.99", True),
        ("实现目标程度较低", "6", False),
        ("达成年度指标", "9", True),  # the 10号 name of the same band
    ],
)
def test_qualitative_three_bands(outcome, points, allowed):
    entry = row("社会效益", kind="qualitative", outcome=outcome, score=D(points))
    if allowed:
        line = score(MOF2021, {}, [entry]).line("social.1")
        assert line.points == D(points)
        assert line.kind == "qualitative_2021"
    else:
        with pytest.raises(ScoringError, match="得分应在"):
            score(MOF2021, {}, [entry])


@pytest.mark.parametrize(
    ("actual", "weight", "points"),
    [
        ("96%", 10, "10"),
        ("90%", 10, "10"),
        ("89.99%", 10, "8"),
        ("80%", 10, "8"),
        ("79.9%", 10, "5"),
        ("60%", 10, "5"),
        ("59%", 10, "0"),
        ("85%", 20, "16"),  # scaled to the weight
        ("85%", 5, "4"),
        ("0.95", 10, "10"),  # a fraction
        ("95", 10, "10"),  # a bare percentage
    ],
)
def test_satisfaction_bands_scaled_to_the_weight(actual, weight, points):
    entry = row("服务对象满意度", weight=weight, kind="quantitative", target_value="≥90%", actual_value=actual)
    assert score(MOF2021, {}, [entry]).line("recipient_satisfaction.1").points == D(points)


# --- level-1 weights -------------------------------------------------------------------------------------------------


def _weights(sheet):
    return {line.code: line.weight for line in sheet.lines if line.level == 1}


def test_with_cost_rows_the_weights_are_20_40_20_10():
    entries = [row("经济成本", weight=20, answer=True), row("数量", weight=40, answer=True)]
    entries += [row("社会效益", weight=20, answer=True), row("服务对象满意度", answer=True)]
    sheet = score(MOF2021, rate_facts("100"), [execution(True), *entries])
    assert _weights(sheet) == {"budget_execution": 10, "cost": 20, "output": 40, "benefit": 20, "satisfaction": 10}
    assert sheet.total == D(100) and sheet.warnings == []
    assert sheet.adjustments == [
        "一级指标分值按“设成本指标”：预算执行率 10、成本指标 20、产出指标 40、效益指标 20、满意度指标 10"
    ]


def test_without_cost_rows_the_weights_are_50_30_10():
    entries = [row("数量", weight=50, answer=True), row("社会效益", weight=30, answer=True)]
    entries.append(row("服务对象满意度", answer=True))
    sheet = score(MOF2021, rate_facts("100"), [execution(True), *entries])
    assert _weights(sheet) == {"budget_execution": 10, "cost": 0, "output": 50, "benefit": 30, "satisfaction": 10}
    assert sheet.warnings == []


def test_without_satisfaction_its_ten_points_go_to_benefit():
    entries = [row("经济成本", weight=20, answer=True), row("数量", weight=40, answer=True)]
    entries.append(row("社会效益", weight=30, answer=True))
    sheet = score(MOF2021, rate_facts("100"), [execution(True), *entries])
    assert _weights(sheet)["benefit"] == 30 and _weights(sheet)["satisfaction"] == 0
    assert sheet.warnings == []
    assert sheet.adjustments[-1] == (
        "未设满意度指标，其分值并入效益指标：预算执行率 10、成本指标 20、产出指标 40、效益指标 30"
    )


def test_rows_that_do_not_add_up_to_the_scheme_are_reported():
    entries = [row("经济成本", weight=10, answer=True), row("数量", weight=50, answer=True)]
    entries += [row("社会效益", weight=20, answer=True), row("服务对象满意度", answer=True)]
    sheet = score(MOF2021, rate_facts("100"), [execution(True), *entries])
    assert "“成本指标”下各三级指标分值之和为 10，应为 20" in sheet.warnings
    assert "“产出指标”下各三级指标分值之和为 50，应为 40" in sheet.warnings


# --- the 10号 table with 成本指标 under 产出, scored by 101号 rules --------------------------------------------------------


def cost_under_output() -> dict:
    """A region that keeps the 10号 table, adds 成本指标 as a level 2 of 产出 and scores by 101号."""
    data = raw("mof-2021-core")
    data.update(code="cost-under-output", name="10号表式加成本指标（101号计分）")
    for key in ("weight_schemes", "row_group_map"):
        del data[key]
    data["indicators"] = [i for i in data["indicators"] if i["code"] != "cost"]
    output = next(i for i in data["indicators"] if i["code"] == "output")
    output["weight"] = 50
    output["children"].append({"code": "cost", "name": "成本指标", "aliases": ["成本"], "unit_rows": True})
    next(i for i in data["indicators"] if i["code"] == "benefit")["weight"] = 30
    return data


def test_a_framework_may_put_cost_under_output():
    framework = framework_from_dict(cost_under_output())
    assert [c.name for c in framework.by_code["output"].children] == ["数量指标", "质量指标", "时效指标", "成本指标"]
    entries = [
        execution(True),
        row("成本", kind="quantitative", target_value="≤90万元", actual_value="120"),
        row("数量", weight=40, answer=True),
        row("社会效益", weight=30, answer=True),
        row("服务对象满意度", actual_value="92%", kind="quantitative"),
    ]
    sheet = score(framework, rate_facts("100"), entries)
    cost = sheet.line("cost.1")
    assert cost.parent == "cost" and sheet.line("cost").parent == "output"
    # 120 against ≤ 90: 1 − 30 ÷ 90 = 66.67 % completion → (66.67 % − 60 %) ÷ 40 % × 10 = 1.67
    assert cost.points == D("1.67") and cost.kind == "threshold_completion"
    assert _weights(sheet) == {"budget_execution": 10, "output": 50, "benefit": 30, "satisfaction": 10}
    assert sheet.warnings == [] and sheet.total == D("91.67")


# --- loading refuses what would make the 101号 weights or rules wrong ------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["weight_schemes"][0]["weights"].update(cost=25), "分值之和为 105，应为 100"),
        (lambda d: d["weight_schemes"][1]["weights"].pop("cost"), "应为每个一级指标列出分值"),
        (lambda d: d["weight_schemes"][0].update(when={"nope": True}), "条件应为"),
        (lambda d: d["absent_moves"][0].update(to="nope"), "不是一级指标"),
        (lambda d: d["absent_moves"][0].update(to="budget_execution"), "没有可填写的三级指标"),
        (
            lambda d: d["weight_schemes"][1]["weights"].update(budget_execution=20, output=40),
            "不能改变“预算执行率”的分值",
        ),
        (lambda d: d["row_group_map"].update(cost="output"), "不是可填写三级指标的二级指标"),
        (lambda d: d["row_rules"].update(quantitative={"kind": "magic"}), "未知的评分规则类型“magic”"),
        (lambda d: d["row_rules"].update(checklist={"kind": "direct"}), "未知的三级指标类型“checklist”"),
        (lambda d: d["row_rules"].update(quantitative={"kind": "threshold_completion", "threshold": "100%"}), "门槛"),
        (lambda d: d["indicators"][1].update(row_rules={"direct": "direct"}), "只有可填写三级指标"),
        (lambda d: d.update(required_metadata=["佐证"]), "未知的指标信息项“佐证”"),
    ],
)
def test_a_broken_101_definition_is_refused(change, message):
    data = copy.deepcopy(raw("mof-2021-core"))
    change(data)
    with pytest.raises(ScoringError, match=message):
        framework_from_dict(data)


def test_a_framework_with_row_rules_pickles_and_scores_the_same():
    import pickle

    copied = pickle.loads(pickle.dumps(MOF2021))
    entry = IndicatorEntry(parent="数量", name="行", weight=D(10), target_value="≥100", actual_value="95", reason="r")
    assert score(copied, {}, [entry]).line("quantity.1").points == D("8.75")
    assert copied.layout == MOF2021.layout


def test_satisfaction_bands_must_start_at_zero():
    data = raw("mof-2021-core")
    group = data["indicators"][4]["children"][0]
    group["row_rules"]["quantitative"] = {"kind": "satisfaction_bands", "bands": [{"min": "90%", "share": 1}]}
    with pytest.raises(ScoringError, match="最低一档应从 0 开始"):
        framework_from_dict(data)


# --- a real project table --------------------------------------------------------------------------------------------

EXAMPLE = ROOT / "fixtures" / "examples" / "tangxi-2022-weituo-mof2021.json"


def test_the_rearranged_tangxi_example_says_it_is_ours_and_not_a_published_101_table():
    data = load_json(EXAMPLE.read_text(encoding="utf-8"))
    assert data["constructed"].startswith("perfeval 的示例，不是公开的 101号 表")
    assert "此处按 101号 表式重排" in data["source"] and "各行分值由本项目按 101号 分值方案重新分配" in data["source"]


def test_the_tangxi_example_rearranged_into_101_blocks_scores_100():
    data = load_json(EXAMPLE.read_text(encoding="utf-8"))
    assert "anthempetcare.com/upload_cz/download?id=502364" in data["source"]
    sheet, findings = score_input(data, FRAMEWORKS)
    assert findings == []
    assert sheet.total == D("100.00") and sheet.grade == "优"
    assert {line.code: line.points for line in sheet.lines if line.level == 1} == {
        "budget_execution": D(10),
        "cost": D(20),
        "output": D(40),
        "benefit": D(30),
        "satisfaction": D(0),
    }
    assert sheet.line("项目总成本").explanation == "实际 90，目标 ≤90，控制在目标内，得满分 → 10.00 分"
    assert sheet.line("经费支出合规性").explanation == "直接赋分：达成，得满分 → 10 分"
    assert sheet.line("budget_execution").explanation == (
        "预算执行率 = 89.97 ÷ 89.97 = 100.00%，项目已完成且支出未超出预算，得满分 → 10 分"
    )
    assert sheet.adjustments[-1].startswith("未设满意度指标，其分值并入效益指标")
    assert sheet.warnings == []


def test_the_tangxi_table_with_an_unfinished_project_loses_three_points():
    data = load_json(EXAMPLE.read_text(encoding="utf-8"))
    data["entries"]["预算执行率"]["project_completed"] = False
    sheet, _ = score_input(load_json(json.dumps(data, ensure_ascii=False)), FRAMEWORKS)
    assert sheet.line("budget_execution").points == D(7)
    assert sheet.total == D("97.00")


# --- properties ------------------------------------------------------------------------------------------------------

weights = st.decimals(min_value=1, max_value=40, places=1, allow_nan=False, allow_infinity=False)
completions = st.decimals(min_value=0, max_value=2, places=4, allow_nan=False, allow_infinity=False)
CTX = Context({}, Settings())


def _quantitative(rule_class, weight, completion):
    entry = IndicatorEntry(target=D(100), actual=completion * 100, comparator=">=")
    return rule_class(weight).evaluate(CTX, entry).points


@settings(max_examples=200, deadline=None)
@given(weights, completions, completions)
def test_threshold_completion_stays_within_the_weight_never_above_linear_and_never_falls(weight, a, b):
    low, high = sorted((a, b))
    at_low = _quantitative(ThresholdCompletionRule, weight, low)
    at_high = _quantitative(ThresholdCompletionRule, weight, high)
    assert ZERO_POINTS <= at_low <= at_high <= weight
    assert at_low <= _quantitative(QuantitativeRule, weight, low)


@settings(max_examples=200, deadline=None)
@given(weights, completions, completions, st.booleans())
def test_execution_and_satisfaction_bands_never_fall_as_the_rate_rises(weight, a, b, completed):
    low, high = sorted((a, b))
    execution_rule = ExecutionCompletionRule.from_params(weight, {}, "t")
    satisfaction_rule = SatisfactionBandsRule(weight)
    for rule, entry_at in (
        (execution_rule, lambda _: IndicatorEntry(project_completed=completed)),
        (satisfaction_rule, lambda rate: IndicatorEntry(actual=min(rate, D(1)))),
    ):
        points = []
        for rate in (low, high):
            ctx = Context({"budget_full_year": D(100), "spending_actual": rate * 100}, Settings())
            points.append(rule.evaluate(ctx, entry_at(rate)).points)
        if rule is execution_rule and completed and high > 1 >= low:
            continue  # finishing within budget is what earns full marks: overspending does not
        assert ZERO_POINTS <= points[0] <= points[1] <= weight


def test_a_block_whose_rows_weigh_more_than_its_cap_is_an_error_and_less_a_hint():
    entries = [row("经济成本", weight=10, answer=True), row("数量", weight=50, answer=True)]
    entries += [row("社会效益", weight=20, answer=True), row("服务对象满意度", answer=True)]
    sheet = score(MOF2021, rate_facts("100"), [execution(True), *entries])
    findings = run_checks(rate_facts("100"), entries=entries, sheet=sheet)
    by_code = {(f.code, f.fields): f for f in findings if f.code in ("weights_exceed_cap", "weights_mismatch")}
    assert by_code[("weights_exceed_cap", ("output",))].severity == "error"
    assert "超过该部分的分值上限" in by_code[("weights_exceed_cap", ("output",))].message
    assert by_code[("weights_mismatch", ("cost",))].severity == "warning"
    assert len(by_code) == 2


def test_rows_that_fill_their_block_exactly_give_no_weight_finding():
    entries = [row("经济成本", weight=20, answer=True), row("数量", weight=40, answer=True)]
    entries += [row("社会效益", weight=20, answer=True), row("服务对象满意度", answer=True)]
    sheet = score(MOF2021, rate_facts("100"), [execution(True), *entries])
    codes = {f.code for f in run_checks(rate_facts("100"), entries=entries, sheet=sheet)}
    assert not codes & {"weights_exceed_cap", "weights_mismatch"}


def test_rows_adding_up_to_100_in_the_wrong_blocks_get_no_total_under_101():
    """产出 50 with 成本 10 is the 10号 shape: the sheet weighs 100, but 产出 gives 10 points more than its 40 and 成本
    10 fewer than its 20. The blocks' weights are the framework's: no total, no grade, one error naming both."""
    entries = [row("经济成本", weight=10, answer=True), row("数量", weight=50, answer=True)]
    entries += [row("社会效益", weight=20, answer=True), row("服务对象满意度", answer=True)]
    sheet = score(MOF2021, rate_facts("100"), [execution(True), *entries])
    assert sheet.scored_total == D("100.00")
    assert sheet.total is None and sheet.grade is None
    assert sheet.misfit == ["成本指标：三级指标分值之和 10，应为 20", "产出指标：三级指标分值之和 50，应为 40"]
    [finding] = [
        f for f in run_checks(rate_facts("100"), entries=entries, sheet=sheet) if f.code == "weights_misfit_scheme"
    ]
    assert finding.severity == "error" and finding.fields == ()
    assert finding.message == (
        "三级指标分值与本体系的一级指标分值不符（成本指标：三级指标分值之和 10，应为 20；产出指标：三级指标分值之和 50，"
        "应为 40），须按本体系重新分配各三级指标分值，不计总分和等次"
    )
    assert sheet.to_dict()["misfit"] == sheet.misfit


def test_a_10hao_sheet_whose_blocks_differ_from_50_30_10_keeps_its_total():
    """The 10号 framework names its block weights “in principle”: weight moved between blocks (seed 004: 产出 40,
    满意度 20) is reported per block, and the sheet that adds up to 100 is still totalled."""
    data = load_json((ROOT / "fixtures" / "examples" / "seed004-taojiang-2024.json").read_text(encoding="utf-8"))
    sheet, findings = score_input(data, FRAMEWORKS)
    assert sheet.total == D("98.95") and sheet.misfit == []
    assert "weights_misfit_scheme" not in {f.code for f in findings}
