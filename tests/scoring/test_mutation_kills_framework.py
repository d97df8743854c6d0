"""A framework file is read as its author wrote it: its rounding, its rates, its layout, its band labels — and a
malformed one is refused with a message and the field to correct. Mutation testing (make mutation) showed that no
test would notice these going wrong.

Each framework is read inside its test, never at import: mutmut runs a mutant's tests in a process forked from the
one that ran them clean, where what a module built at import was built by the unmutated code."""

import copy
from decimal import Decimal

import pytest

from scoring.engine import ScoringError, framework_from_dict, score
from scoring.engine.inputs import IndicatorEntry
from scoring.engine.rules import RateSpec, parse_bands
from scoring.engine.rules_2021 import parse_rate_bands
from scoring.engine.sheet import Outcome
from tests.scoring.test_frameworks import raw

D = Decimal


def refusal(data) -> tuple[str, str | None]:
    with pytest.raises(ScoringError) as refused:
        framework_from_dict(data)
    return refused.value.message, refused.value.field


# --- the file's own settings -----------------------------------------------------------------------------------------


def test_the_rounding_written_in_the_file_is_the_one_used_and_checked():
    data = raw("futian-common-2021")
    data["rounding"] = {"places": 1, "mode": "half_up"}
    assert framework_from_dict(data).rounding.places == 1
    data["rounding"] = {"places": 5}
    assert refusal(data) == ("保留位数应为 0–4 位，舍入方式只支持四舍五入（half_up）", "rounding")


def test_the_execution_cap_table_written_in_the_file_is_the_one_used():
    data = raw("mof-2020-selfeval")
    data["settings"] = {
        **data["settings"],
        "execution_cap_table": [{"below": "70%", "cap": 80}, {"below": "50%", "cap": 60}],
    }
    table = framework_from_dict(data).settings.execution_cap_table
    assert table == ((D("0.7"), D(80)), (D("0.5"), D(60)))


def test_an_indicator_without_a_code_is_refused_where_it_sits():
    data = raw("futian-common-2021")
    del data["indicators"][0]["code"]
    assert refusal(data) == ("指标缺少 code", "indicators")
    data = raw("futian-common-2021")
    del data["indicators"][0]["children"][0]["code"]
    assert refusal(data) == ("指标缺少 code", "decision")


def test_grades_with_a_gap_are_refused_naming_both_grades():
    data = raw("futian-common-2021")
    data["grades"][1]["max"] = 89
    assert refusal(data) == ("等次“良”与“优”之间有空缺或重叠", "grades")


def test_the_lowest_grade_written_without_its_minimum_starts_at_zero():
    data = raw("futian-common-2021")
    del data["grades"][-1]["min"]  # 差: {max: 60}
    framework = framework_from_dict(data)
    assert [(grade.label, grade.min) for grade in framework.grades[:2]] == [("差", D(0)), ("中", D(60))]
    assert (framework.grade(D(0)), framework.grade(D("59.99"))) == ("差", "差")


def test_a_grade_bound_that_is_not_a_number_is_refused_at_the_grades():
    data = raw("futian-common-2021")
    data["grades"][1]["max"] = "九十"
    assert refusal(data) == ("“九十”不是数字：请只填写数字，可带“万元”或“%”", "grades")


# --- rates and their bands -------------------------------------------------------------------------------------------


def test_rate_bands_with_the_same_lower_bound_are_refused_at_the_rule():
    bands = [{"min": "90%", "share": 1}, {"min": "90%", "share": "50%"}, {"min": 0, "share": 0}]
    with pytest.raises(ScoringError) as refused:
        parse_rate_bands(bands, "budget_execution", ())
    assert (refused.value.message, refused.value.field) == ("分档的下限重复", "budget_execution")
    data = raw("mof-2021-core")
    data["indicators"][0]["rule"]["bands"] = bands
    assert refusal(data) == ("分档的下限重复", "budget_execution")


def test_bands_without_labels_are_named_by_their_bounds_on_both_sides():
    below = [{"max": "60%", "points": 0}, {"min": "60%", "max": "80%", "points": 1}, {"min": "80%", "points": 2}]
    assert [band.label for band in parse_bands(below, D(2), "x")] == ["低于60%", "60%（含）至80%以下", "80%及以上"]
    above = [
        {"max": "60%", "max_inclusive": True, "points": 0},
        {"min": "60%", "min_inclusive": False, "max": "80%", "max_inclusive": True, "points": 1},
        {"min": "80%", "min_inclusive": False, "points": 2},
    ]
    assert [band.label for band in parse_bands(above, D(2), "x")] == ["不高于60%", "高于60%至80%（含）", "高于80%"]


def test_weights_of_a_weighted_satisfaction_not_adding_to_100_percent_are_refused_at_the_rule():
    rate = {"key": "satisfaction_rate", "label": "满意度", "weighted": {"a": "50%", "b": "40%"}}
    with pytest.raises(ScoringError) as refused:
        RateSpec.from_params(rate, "satisfaction")
    assert (refused.value.message, refused.value.field) == ("加权满意度的权重之和应为 100%", "satisfaction")


def test_a_change_rate_above_its_threshold_is_deducted_and_named_above_the_threshold():
    """湖南 三公经费变动率 = (本年预算 − 上年预算) ÷ 上年预算, 4 points, 10 % of them per point above 0 %."""
    hunan = framework_from_dict(raw("hunan-overall"))
    grew = score(hunan, {"sangong_budget": D(105), "sangong_budget_prior": D(100)}, []).line("sangong_change")
    assert (grew.rates["change_rate"], grew.band, grew.points) == (D("0.05"), "高于0%", D("2.00"))
    assert grew.explanation == (
        "三公经费变动率 = (105.00 − 100.00) ÷ 100.00 = 5.00%，超过0% 5.00 个百分点，每个百分点扣 0.4 分，扣 2.00 分 → 2.00 分"
    )
    fell = score(hunan, {"sangong_budget": D(95), "sangong_budget_prior": D(100)}, []).line("sangong_change")
    assert (fell.rates["change_rate"], fell.band, fell.points) == (D("-0.05"), "不高于0%", D("4.00"))


def test_a_rate_whose_one_numerator_is_subtracted_keeps_its_sign():
    """'-c' subtracts a fact (``_terms``): alone in the numerator, the rate is negative."""
    rate = RateSpec.from_params({"numerator": "-balance_year", "denominator": "budget_full_year"}, "x")
    assert rate.evaluate({"balance_year": D(5), "budget_full_year": D(100)}, Outcome(None)) == D("-0.05")
    plain = RateSpec.from_params({"numerator": "balance_year", "denominator": "budget_full_year"}, "x")
    assert plain.evaluate({"balance_year": D(5), "budget_full_year": D(100)}, Outcome(None)) == D("0.05")


# --- a composite's answer that zeroes it ----------------------------------------------------------------------------


def indicator(indicators: list, code: str) -> dict:
    for item in indicators:
        found = item if item["code"] == code else indicator(item.get("children") or [], code)
        if found:
            return found
    return {}


@pytest.mark.parametrize(("label", "shown"), [(True, "截留、挤占、挪用或虚列支出"), (False, "misuse_of_funds")])
def test_an_answer_that_zeroes_a_composite_is_named_by_its_label_or_its_code(label, shown):
    """广东 资金使用合规性: 挪用资金 sets the indicator to 0 whatever its items say."""
    data = raw("guangdong-overall")
    rule = indicator(data["indicators"], "funds_compliance")["rule"]
    if not label:
        del rule["zero_if"][0]["label"]
    answers = {"misuse_of_funds": True, "rules_followed": True, "approvals": True}
    line = score(framework_from_dict(data), {}, [IndicatorEntry(code="funds_compliance", answers=answers)]).line(
        "funds_compliance"
    )
    assert (line.points, line.band, line.explanation) == (D(0), shown, f"存在“{shown}”，本项得 0 分 → 0 分")


# --- the layout (101号) ----------------------------------------------------------------------------------------------


def mof2021_with_only(key: str) -> dict:
    data = raw("mof-2021-core")
    for other in ("row_rules", "weight_schemes", "absent_moves", "row_group_map", "required_metadata"):
        if other != key:
            data.pop(other, None)
    return data


def test_a_row_group_map_alone_is_a_layout():
    framework = framework_from_dict(mof2021_with_only("row_group_map"))
    assert dict(framework.layout.row_group_map) == {"cost": "economic_cost", "sustainability": "social"}


def test_weight_schemes_alone_are_a_layout():
    framework = framework_from_dict(mof2021_with_only("weight_schemes"))
    assert [scheme.label for scheme in framework.layout.weight_schemes] == ["设成本指标", "未设成本指标"]
    assert framework.layout.variable_weights


@pytest.mark.parametrize(
    ("label", "shown"), [("满意度分值给效益", "满意度分值给效益"), (None, "未设满意度指标，其分值并入效益指标")]
)
def test_a_weight_move_is_named_by_its_label_or_by_what_it_moves(label, shown):
    data = raw("mof-2021-core")
    data["absent_moves"][0]["label"] = label
    assert [move.label for move in framework_from_dict(data).layout.absent_moves] == [shown]


def test_a_broken_weight_scheme_is_refused_by_its_label_or_its_place():
    data = raw("mof-2021-core")
    data["weight_schemes"][0]["weights"]["cost"] += 5
    label = data["weight_schemes"][0]["label"]
    assert refusal(copy.deepcopy(data)) == (f"分值方案“{label}”的分值之和为 105，应为 100", "weight_schemes[0]")
    del data["weight_schemes"][0]["label"]
    assert refusal(data) == ("分值方案“方案1”的分值之和为 105，应为 100", "weight_schemes[0]")


def test_a_weight_scheme_missing_an_indicator_or_naming_an_unknown_one_says_which():
    data = raw("mof-2021-core")
    del data["weight_schemes"][1]["weights"]["cost"]
    message, field = refusal(copy.deepcopy(data))
    assert (message.endswith("应为每个一级指标列出分值（不符：cost）"), field) == (True, "weight_schemes[1]")
    data["weight_schemes"][1]["weights"]["cost"] = 0
    data["weight_schemes"][1]["weights"]["nope"] = 0
    assert refusal(data)[0].endswith("应为每个一级指标列出分值（不符：nope）")
