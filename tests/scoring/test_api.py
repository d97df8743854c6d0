"""The JSON input format: facts by vocabulary name, entries by code or Chinese name, 10号 rows under their group."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from scoring.engine import ScoringError, entry_from_dict, facts_from_dict, framework_from_dict, load_json, score_input

ROOT = Path(__file__).resolve().parents[2]
MOF = framework_from_dict(
    yaml.safe_load((ROOT / "fixtures/frameworks/mof-2020-selfeval.yaml").read_text(encoding="utf-8"))
)


def test_json_numbers_are_read_as_decimal():
    assert load_json('{"a": 2681.55}') == {"a": Decimal("2681.55")}


def test_facts_accept_strings_numbers_units_and_percent_for_rates():
    facts = facts_from_dict({"spending_actual": "2,681.55万元", "staff_quota": 26, "satisfaction_recipients": "96%"})
    assert facts == {
        "spending_actual": Decimal("2681.55"),
        "staff_quota": Decimal(26),
        "satisfaction_recipients": Decimal("0.96"),
    }


def test_a_blank_fact_is_missing_not_zero():
    assert facts_from_dict({"spending_actual": ""}) == {}


def test_an_unknown_fact_is_refused_by_name():
    with pytest.raises(ScoringError, match="未知的数据项“spending”"):
        facts_from_dict({"spending": 1})


def test_an_unknown_entry_field_is_refused():
    with pytest.raises(ScoringError, match="无法识别的填报字段“scor”"):
        entry_from_dict({"scor": 1}, code="x")


def test_deviation_reason_and_failed_items_are_accepted_names():
    entry = entry_from_dict({"deviation_reason": "疫情", "failed_items": 1, "comparator": "≥"}, code="x")
    assert (entry.reason, entry.answer, entry.comparator) == ("疫情", Decimal(1), ">=")


def test_rows_under_a_chinese_group_name_are_scored_as_unit_rows():
    data = {
        "framework": "mof-2020-selfeval",
        "facts": {"spending_actual": "90", "budget_full_year": "100"},
        "entries": {
            "数量指标": [
                {
                    "name": "培训人次",
                    "weight": 50,
                    "target_value": "≥100人次",
                    "actual_value": "80人次",
                    "reason": "疫情",
                }
            ],
            "社会效益": [
                {
                    "name": "群众受益",
                    "weight": 30,
                    "kind": "qualitative",
                    "outcome": "部分达成",
                    "score": 20,
                    "reason": "推进中",
                }
            ],
            "服务对象满意度": [{"name": "满意度", "weight": 10, "target_value": "≥90%", "actual_value": "95%"}],
        },
    }
    sheet, _ = score_input(data, {"mof-2020-selfeval": MOF})
    assert sheet.line("培训人次").points == Decimal("40.00")
    assert sheet.line("培训人次").parent == "quantity"
    assert sheet.line("群众受益").points == Decimal("20.00")
    assert sheet.total == Decimal("79.00")
    assert sheet.grade == "中"


def test_a_unit_row_under_a_fixed_indicator_is_refused():
    data = {"framework": "mof-2020-selfeval", "entries": {"预算执行率": [{"name": "x", "weight": 1}]}}
    with pytest.raises(ScoringError, match="不能填写自定义三级指标"):
        score_input(data, {"mof-2020-selfeval": MOF})


def test_the_framework_argument_overrides_the_file():
    with pytest.raises(ScoringError, match="不存在"):
        score_input({"framework": "mof-2020-selfeval"}, {"mof-2020-selfeval": MOF}, framework_code="other")


def test_sheet_to_dict_is_json_safe_with_decimals_as_strings():
    sheet, _ = score_input(
        {"framework": "mof-2020-selfeval", "facts": {"spending_actual": "90", "budget_full_year": "100"}},
        {"mof-2020-selfeval": MOF},
    )
    payload = sheet.to_dict()
    assert payload["lines"][0]["points"] == "9.00"
    assert payload["lines"][0]["inputs"] == {"spending_actual": "90", "budget_full_year": "100"}


def _execution_line(entry: dict):
    from scoring.engine import score

    facts = facts_from_dict({"budget_full_year": "100", "spending_actual": "95"})
    sheet = score(MOF, facts, [entry_from_dict(entry, code="budget_execution")])
    return next(line for line in sheet.lines if line.code == "budget_execution")


def test_a_hand_score_stands_in_for_a_computed_rule_only_when_marked_manual():
    computed = _execution_line({"score": "6", "reason": "季度支出数据缺失"})
    assert (computed.points, computed.by_hand) == (Decimal("9.50"), False)  # the data is there: the rule scores

    by_hand = _execution_line({"score": "6", "reason": "决算数据口径不一致，无法取得", "manual": True})
    assert (by_hand.points, by_hand.by_hand) == (Decimal("6.00"), True)
    assert by_hand.explanation.startswith("数据无法取得，按人工录入得分（理由：决算数据口径不一致")
    assert by_hand.warnings == ["未按规则计算：数据无法取得，人工评分"]


def test_manual_must_be_true_or_false():
    with pytest.raises(ScoringError, match="是否人工评分应为 true 或 false"):
        entry_from_dict({"manual": "yes"}, code="budget_execution")


def test_a_row_due_on_a_day_of_every_month_is_judged_on_time_or_not_not_compared_with_that_day():
    """'每月10日之前' (a 时效 row of the demo: wages paid by the 10th of each month) was read as the number 10, so
    the row was taken as quantitative and a result of “按时” could not be compared with it."""
    data = {
        "framework": "mof-2020-selfeval",
        "facts": {"spending_actual": "90", "budget_full_year": "100"},
        "entries": {
            "时效指标": [
                {"name": "工资按时发放", "weight": 10, "target_value": "每月10日之前", "actual_value": "按时"},
                {
                    "name": "补贴按时发放",
                    "weight": 10,
                    "target_value": "每月10日之前",
                    "actual_value": "按时",
                    "outcome": "达成年度指标",
                    "score": 10,
                },
            ],
        },
    }
    sheet, _ = score_input(data, {"mof-2020-selfeval": MOF})
    unjudged, judged = sheet.line("工资按时发放"), sheet.line("补贴按时发放")
    assert (unjudged.kind, unjudged.points, unjudged.missing) == ("qualitative", None, ["定性评价结果", "评分"])
    assert (judged.kind, judged.points, judged.band) == ("qualitative", Decimal("10.00"), "达成年度指标")
