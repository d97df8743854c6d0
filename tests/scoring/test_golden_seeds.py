"""Golden figures from the seed reports (domain.md §5), scored from hand-written JSON files of their tables."""

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
import yaml

from scoring.engine import framework_from_dict, load_json, score_input
from scoring.engine.cli import main

ROOT = Path(__file__).resolve().parents[2]


@cache
def frameworks():
    loaded = {}
    for path in sorted((ROOT / "fixtures" / "frameworks").glob("*.yaml")):
        framework = framework_from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))
        loaded[framework.code] = framework
    return loaded


def scored(example: str):
    data = load_json((ROOT / "fixtures" / "examples" / f"{example}.json").read_text(encoding="utf-8"))
    return score_input(data, frameworks())


def codes(findings, severity=None):
    return [finding.code for finding in findings if severity in (None, finding.severity)]


# --- seed 003, Futian 2021 -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def futian():
    return scored("seed003-futian-2021")


def test_fixed_asset_utilisation_below_60_percent_scores_zero(futian):
    line = futian[0].line("固定资产利用率")
    assert line.points == Decimal("0.00")
    assert line.rates["utilisation_rate"].quantize(Decimal("0.0001")) == Decimal("0.4952")
    assert line.explanation == "固定资产利用率 = 246.93 ÷ 498.67 = 49.52%，低于60% → 0 分"


def test_sangong_control_at_zero_percent_earns_three_points(futian):
    part = futian[0].line("公用经费控制率").parts[0]
    assert part.points == Decimal(3)
    assert "0.00%" in part.explanation


def test_daily_public_funds_control_at_95_27_percent_earns_two_points(futian):
    line = futian[0].line("公用经费控制率")
    assert line.parts[1].points == Decimal(2)
    assert "95.27%" in line.parts[1].explanation
    assert line.points == Decimal("5.00")


def test_procurement_at_98_89_percent_scores_1_99_not_the_stated_2_00(futian):
    line = futian[0].line("政府采购执行情况")
    assert line.points == Decimal("1.99")
    assert line.stated_score == Decimal("2.00")
    assert line.difference == Decimal("-0.01")
    assert "170.31 ÷ 172.22 = 98.89%" in line.explanation


def test_futian_rules_total_96_97_and_the_stated_96_98_is_flagged(futian):
    sheet, findings = futian
    assert sheet.total == Decimal("96.97")
    assert sheet.stated_total == Decimal("96.98")
    assert sheet.total_difference == Decimal("-0.01")
    assert sheet.grade == "优"
    assert any("政府采购执行情况" in warning and "1.99" in warning for warning in sheet.warnings)
    assert "stated_total_mismatch" in codes(findings)
    assert "stated_score_mismatch" in codes(findings)


def test_futian_every_other_item_matches_the_printed_score(futian):
    sheet, _ = futian
    different = [line.name for line in sheet.lines if line.is_leaf and line.difference]
    assert different == ["政府采购执行情况"]
    assert sheet.stated_items_total == Decimal("96.98")


def test_futian_subtotals_are_sums_of_rounded_items(futian):
    sheet, _ = futian
    assert sheet.subtotals["decision"] == Decimal("19.00")
    assert sheet.subtotals["management"] == Decimal("18.99")
    assert sheet.subtotals["performance"] == Decimal("58.98")
    assert sheet.subtotals["funds_management"] == Decimal("7.99")


def test_futian_items_whose_inputs_the_report_omits_say_so(futian):
    line = futian[0].line("预算执行率")
    assert line.points == Decimal("5.98")
    assert line.band == "人工录入"
    assert any("缺少第一季度末累计支出" in warning for warning in line.warnings)
    assert not any("spending_q1" in warning for warning in line.warnings)


# --- seed 001, Zhuzhou 2022 附件1-2 --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zhuzhou():
    return scored("seed001-zhuzhou-2022")


def test_execution_99_04_percent_scores_9_90(zhuzhou):
    line = zhuzhou[0].line("budget_execution")
    assert line.points == Decimal("9.90")
    assert line.explanation == "预算执行率 = 2681.55 ÷ 2707.46 = 99.04% → 9.90 分"


def test_eleven_of_twelve_party_study_sessions_score_5_50_not_full(zhuzhou):
    sheet, findings = zhuzhou
    line = sheet.line("开展老干党支部学习活动")
    assert line.points == Decimal("5.50")
    assert line.stated_score == Decimal(6)
    assert any("开展老干党支部学习活动" in f.message and "满分" in f.message for f in findings)


def test_zhuzhou_total_by_the_rules_is_99_40_against_the_stated_99_90(zhuzhou):
    sheet, _ = zhuzhou
    assert sheet.total == Decimal("99.40")
    assert sheet.total_difference == Decimal("-0.50")


def test_zhuzhou_funds_block_breakdowns_add_up_to_the_spending_not_the_budget(zhuzhou):
    # 附件1-2 fills 按收入性质分 / 按支出性质分 with the 全年执行数 2681.55 instead of the 全年预算数 2707.46.
    messages = {f.code: f.message for f in zhuzhou[1] if f.severity == "warning"}
    assert messages["income_nature_sum"] == "按收入性质分合计 2681.55 ≠ 全年预算数 2707.46（等于全年执行数 2681.55）"
    assert messages["spending_nature_budget_sum"] == (
        "按支出性质分合计 2681.55（基本支出 2609.57 + 项目支出 71.98）≠ 全年预算数 2707.46（等于全年执行数 2681.55）"
    )


def test_zhuzhou_reception_falling_from_0_16_to_0_is_a_year_swing(zhuzhou):
    swings = [f for f in zhuzhou[1] if f.code == "year_swing"]
    assert swings[0].message == "公务接待费本年决算数 0.00 较上年决算数 0.16 变动 -100.00%，超过 30%，请说明原因"
    assert swings[0].fields == ("reception_prior", "reception_actual")
    # 三公经费 10.31 → 11.99 (+16.29 %) and 公用经费 234.6 → 250.31 (+6.70 %) stay within 30 %.
    assert [f.fields[0] for f in swings] == [
        "reception_prior",
        "public_utilities_travel_prior",
        "public_meetings_training_prior",
        "project_funds_prior",
        "project_operation_prior",
    ]


def test_zhuzhou_project_spending_parent_does_not_equal_its_rows(zhuzhou):
    messages = [f.message for f in zhuzhou[1] if f.code == "project_sum"]
    assert (
        "项目支出·本年预算数 38.00 ≠ 各项之和 58.00（业务工作经费·本年预算数 38.00 + 运行维护经费·本年预算数 0.00 + "
        "专项资金·本年预算数 20.00）" in messages
    )


# --- seed 004, Taojiang 2024 ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def taojiang():
    return scored("seed004-taojiang-2024")


def test_execution_99_45_percent_scores_9_95(taojiang):
    line = taojiang[0].line("budget_execution")
    assert line.points == Decimal("9.95")
    assert "90.94 ÷ 91.44 = 99.45%" in line.explanation


def test_taojiang_stated_total_is_not_backed_by_its_rows(taojiang):
    sheet, findings = taojiang
    assert sheet.stated_items_total == Decimal("88.95")
    assert sheet.stated_total == Decimal("98.94")
    assert "stated_total_not_backed" in codes(findings, "error")


def test_taojiang_row_weights_short_of_a_cap_warn_and_above_it_block(taojiang):
    sheet, findings = taojiang
    assert sheet.total == Decimal("98.95")
    messages = [f.message for f in findings if f.code == "weights_mismatch"]
    assert messages == ["“产出指标”下各三级指标分值之和为 40，应为 50"]
    exceeding = [f for f in findings if f.code == "weights_exceed_cap"]
    assert [f.severity for f in exceeding] == ["error"]
    assert exceeding[0].message.startswith("“满意度指标”下各三级指标分值之和为 20，应为 10")


def test_taojiang_spending_above_budget_is_flagged(taojiang):
    found = codes(taojiang[1], "warning")
    assert "procurement_over_budget" in found
    assert "public_funds_over_budget" in found


def test_taojiang_funds_block_breakdowns_add_up_to_the_full_year_budget(taojiang):
    # 附件1-2: 一般公共预算 91.44; 基本支出 90.19 + 项目支出 1.25 = 91.44 = 全年预算数 (not the 全年执行数 90.94).
    found = codes(taojiang[1])
    assert "income_nature_sum" not in found
    assert "spending_nature_budget_sum" not in found
    assert "spending_nature_sum" not in found


def test_taojiang_year_on_year_swings_are_warnings(taojiang):
    messages = [f.message for f in taojiang[1] if f.code == "year_swing"]
    assert "三公经费本年决算数 0.00 较上年决算数 0.49 变动 -100.00%，超过 30%，请说明原因" in messages
    assert "公用经费本年决算数 17.67 较上年决算数 12.96 变动 36.34%，超过 30%，请说明原因" in messages
    assert not any(message.startswith("办公经费") for message in messages)  # 2.94 → 3.34 is +13.61 %


# --- the command line ----------------------------------------------------------------------------------------------


def test_cli_scores_the_hand_written_seed_003_file_and_prints_96_97_with_procurement_flagged():
    code, output = main([str(ROOT / "fixtures/examples/seed003-futian-2021.json")], frameworks())
    assert code == 0  # warnings only: nothing blocks submission
    assert "总分：96.97" in output
    assert "政府采购执行情况：报告所列 2.00 分，按规则 1.99 分，相差 -0.01" in output


def test_cli_json_output_carries_no_floats():
    _, output = main([str(ROOT / "fixtures/examples/seed003-futian-2021.json"), "--format", "json"], frameworks())
    payload = json.loads(output, parse_float=lambda text: pytest.fail(f"float in output: {text}"))
    assert payload["sheet"]["total"] == "96.97"
    assert payload["sheet"]["framework"] == {
        "code": "futian-common-2021",
        "version": 1,
        "name": payload["sheet"]["framework"]["name"],
    }


def test_cli_reports_an_unknown_framework_in_chinese():
    code, output = main([str(ROOT / "fixtures/examples/seed003-futian-2021.json"), "--framework", "nope"], frameworks())
    assert code == 2
    assert "指标体系“nope”不存在" in output


def test_cli_exit_code_is_one_when_a_finding_blocks_submission():
    code, _ = main([str(ROOT / "fixtures/examples/seed004-taojiang-2024.json")], frameworks())
    assert code == 1
