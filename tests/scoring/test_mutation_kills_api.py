"""The JSON/CLI path names what it refuses and whom a finding is about: the field of an unknown or malformed entry
key, the institutions by name (or by number when unnamed), a stated score above its weight with both figures.
Mutation testing (make mutation) showed that no test would notice these going wrong."""

from decimal import Decimal

import pytest

from scoring.engine import ScoringError, facts_from_dict, score_input
from scoring.engine.api import entry_from_dict
from scoring.engine.checks import ERROR, check_sheet
from scoring.engine.sheet import ScoreLine, ScoreSheet
from tests.scoring.test_golden_seeds import frameworks


def refusal(call) -> tuple[str, str | None]:
    with pytest.raises(ScoringError) as refused:
        call()
    return refused.value.message, refused.value.field


def test_an_unknown_entry_key_is_refused_at_its_row_and_key():
    assert refusal(lambda: entry_from_dict({"scor": 1}, code="output.1")) == (
        "无法识别的填报字段“scor”",
        "output.1.scor",
    )
    assert refusal(lambda: entry_from_dict({"scor": 1}, parent="数量")) == ("无法识别的填报字段“scor”", "数量.scor")


def test_a_malformed_number_in_an_entry_is_refused_at_its_row_and_key():
    message, field = refusal(lambda: entry_from_dict({"target": "很多"}, code="output.1"))
    assert field == "output.1.target"
    assert "很多" in message


@pytest.mark.parametrize(("value", "shown"), [([5], "[5]"), ({"a": 1}, "{'a': 1}")])
def test_a_number_written_as_a_list_or_an_object_is_refused_quoting_it(value, shown):
    assert refusal(lambda: entry_from_dict({"weight": value}, code="output.1")) == (
        f"应为数字，收到的是 {shown}",
        "output.1.weight",
    )


def test_an_unreadable_comparator_is_refused_with_what_it_should_be():
    assert refusal(lambda: entry_from_dict({"comparator": "约"}, code="output.1")) == (
        "比较符“约”无法识别，应为 ≥、≤ 或 =（或“不低于”“不超过”等）",
        "output.1.comparator",
    )


def test_institutions_are_named_in_their_sum_finding_and_numbered_when_unnamed():
    data = {
        "framework": "mof-2020-selfeval",
        "facts": {"spending_actual": "100"},
        "institutions": [
            {"name": "局机关", "facts": {"spending_actual": "60"}},
            {"facts": {"spending_actual": "39"}},
        ],
    }
    _, findings = score_input(data, frameworks())
    [finding] = [f for f in findings if f.code == "institution_sum_mismatch"]
    assert (finding.severity, finding.fields) == (ERROR, ("spending_actual",))
    assert finding.message == "全年执行数汇总 100.00 ≠ 各机构之和 99.00（局机关 60.00 + 机构2 39.00）"


def test_a_stated_score_above_the_weight_is_an_error_quoting_both():
    line = ScoreLine("output.1", "完成培训", 3, Decimal(5), Decimal(5), "quantitative", parent="output")
    line.stated_score = Decimal("5.5")
    sheet = ScoreSheet("f", 1, "体系", 2, [line], {}, None, Decimal(0), None)
    findings = [f for f in check_sheet(sheet, []) if f.code == "score_exceeds_weight"]
    assert [(f.severity, f.fields, f.message) for f in findings] == [
        (ERROR, ("output.1",), "完成培训：报告所列得分 5.50 超过分值 5.00")
    ]


def test_a_negative_number_for_a_signed_amount_keeps_its_sign():
    """本年结余 may be negative; a JSON number (not a string) goes through the same amount reader and keeps the sign."""
    assert facts_from_dict({"balance_year": Decimal("-5.5"), "carryover_end": -3}) == {
        "balance_year": Decimal("-5.5"),
        "carryover_end": Decimal("-3"),
    }


def test_institutions_that_are_not_a_list_of_objects_are_refused_at_the_field():
    data = {"framework": "mof-2020-selfeval", "institutions": {"name": "局机关"}}
    message, field = refusal(lambda: score_input(data, frameworks()))
    assert (message, field) == ("各机构数据（institutions）应为对象的列表", "institutions")


def test_a_stated_total_above_what_the_rules_can_still_give_is_an_error_on_the_total():
    sheet = ScoreSheet("f", 1, "体系", 2, [], {}, None, Decimal(60), None)
    sheet.stated_total, sheet.max_attainable = Decimal(95), Decimal(80)
    findings = [f for f in check_sheet(sheet, []) if f.code == "stated_above_attainable"]
    assert [(f.severity, f.fields, f.message) for f in findings] == [
        (ERROR, ("total",), "报告所列总分 95.00 高于按规则最多可得的 80.00 分（已评分各项得分加未评分各项的分值）")
    ]


def test_a_rate_after_one_that_cannot_be_checked_is_still_checked():
    from scoring.engine.checks import check_stated_rates

    facts = {"sangong_actual": Decimal(9), "sangong_budget": Decimal(10)}
    findings = check_stated_rates(facts, {"made_up_rate": "50%", "sangong_control_rate": "80%"})
    assert [(f.code, f.fields) for f in findings] == [
        ("unknown_stated_rate", ("made_up_rate",)),
        ("stated_rate_mismatch", ("sangong_control_rate", "sangong_actual", "sangong_budget")),
    ]


def test_a_total_row_read_from_the_sources_says_each_source_and_the_sum():
    facts = {
        "funds_appropriation_budget_full_year": "90",
        "funds_carryover_budget_full_year": "10",
        "funds_other_budget_full_year": "0.5",
        "budget_full_year": "0",
    }
    sheet, _ = score_input({"framework": "mof-2020-selfeval", "facts": facts, "entries": {}}, frameworks())
    assert [warning for warning in sheet.warnings if warning.startswith("合计行")] == [
        "合计行全年预算数为 0，按资金来源相加：当年财政拨款全年预算数 90 + 上年结转全年预算数 10 + 其他资金全年预算数 0.5 = 100.5"
    ]


@pytest.mark.parametrize(
    "facts",
    [{}, {"spending_actual": Decimal(5), "budget_full_year": Decimal(0)}],
    ids=["its inputs missing", "its base zero"],
)
def test_a_rate_after_a_known_one_that_cannot_be_computed_is_still_checked(facts):
    """预算执行率 stated without its inputs (or over a budget of 0) is passed over: the rates after it are not."""
    from scoring.engine.checks import check_stated_rates

    facts = {**facts, "sangong_actual": Decimal(9), "sangong_budget": Decimal(10)}
    findings = check_stated_rates(facts, {"execution_rate": "95%", "sangong_control_rate": "80%"})
    assert [(f.code, f.fields, f.message) for f in findings] == [
        (
            "stated_rate_mismatch",
            ("sangong_control_rate", "sangong_actual", "sangong_budget"),
            "三公经费控制率填报为 80%，按 9.00 ÷ 10.00 计算为 90.00%",
        )
    ]
