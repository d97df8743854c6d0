"""What real published 自评表 write and the engine has to read right: units, deadlines, comparators, incomplete
structures, impossible figures, funds by source, and the contradictions a careful reviewer flags."""

import copy
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from scoring.engine import ScoringError, framework_from_dict, score, score_input

D = Decimal
ROOT = Path(__file__).resolve().parents[2]


def _load(name: str, **settings) -> object:
    raw = yaml.safe_load((ROOT / "fixtures" / "frameworks" / f"{name}.yaml").read_text(encoding="utf-8"))
    if settings:
        raw = dict(raw, settings=dict(raw.get("settings") or {}, **settings))
    return framework_from_dict(raw)


FRAMEWORKS = {code: _load(code) for code in ("mof-2020-selfeval", "hunan-overall", "guangdong-overall")}

# A complete 10号 sheet: 执行率 10 + 产出 50 + 效益 30 + 满意度 10, each block's rows adding up to it.
COMPLETE = {
    "framework": "mof-2020-selfeval",
    "facts": {"budget_full_year": "100", "spending_actual": "95"},
    "entries": {
        "数量": [{"name": "培训人次", "weight": 20, "target_value": "≥100人次", "actual_value": "120人次"}],
        "质量": [{"name": "合格率", "weight": 10, "target_value": "≥95%", "actual_value": "98%"}],
        "时效": [{"name": "完成时间", "weight": 10, "target_value": "9月前", "actual_value": "8月25日完成"}],
        "成本": [{"name": "成本控制", "weight": 10, "target_value": "≤50万元", "actual_value": "48万元"}],
        "社会效益": [{"name": "群众受益", "weight": 30, "outcome": "达成年度指标", "score": 30}],
        "服务对象满意度": [{"name": "满意度", "weight": 10, "target_value": "≥90%", "actual_value": "95%"}],
    },
}


def scored(data, frameworks=FRAMEWORKS):
    return score_input(copy.deepcopy(data), frameworks)


def with_rows(group, rows, base=COMPLETE, **extra):
    data = copy.deepcopy(base)
    data["entries"][group] = rows
    data.update(extra)
    return data


def codes(findings, severity=None):
    return [finding.code for finding in findings if severity in (None, finding.severity)]


def messages(findings, code):
    return [finding.message for finding in findings if finding.code == code]


def test_the_complete_example_scores_and_grades():
    sheet, findings = scored(COMPLETE)
    assert sheet.total == D("99.50")
    assert sheet.grade == "优"
    assert codes(findings, "error") == []


# --- 1. units of money -----------------------------------------------------------------------------------------------


def test_amounts_in_yuan_and_yi_yuan_are_converted_and_the_conversion_is_explained():
    data = copy.deepcopy(COMPLETE)
    data["facts"] = {"budget_full_year": "0.0017亿元", "spending_actual": "166300元"}
    sheet, _ = scored(data)
    line = sheet.line("budget_execution")
    assert line.inputs == {"spending_actual": D("16.63"), "budget_full_year": D(17)}
    assert line.explanation.startswith("（全年执行数 166300元 = 16.63万元；全年预算数 0.0017亿元 = 17万元）")
    assert "16.63 ÷ 17.00 = 97.82%" in line.explanation


def test_an_amount_in_a_row_written_in_yuan_compares_with_a_target_in_wan_yuan():
    data = with_rows(
        "成本", [{"name": "成本控制", "weight": 10, "target_value": "≤50万元", "actual_value": "480000元"}]
    )
    line = scored(data)[0].line("成本控制")
    assert line.points == D("10.00")
    assert "480000元 = 48万元" in line.explanation


def test_a_percent_amount_is_refused():
    data = copy.deepcopy(COMPLETE)
    data["facts"]["spending_actual"] = "95%"
    with pytest.raises(ScoringError, match="全年执行数是金额，不能写作百分数"):
        scored(data)


# --- 2. impossible values --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"budget_full_year": D(-100), "spending_actual": D(-95)}, "不能为负数"),
        ({"staff_quota": D(-26), "staff_actual": D(25)}, "“编制数”不能为负数"),
        ({"satisfaction_recipients": D("1.2")}, "“服务对象满意度”应在 0% 至 100% 之间"),
        ({"satisfaction_recipients": D("-0.05")}, "“服务对象满意度”不能为负数"),
    ],
)
def test_impossible_facts_are_refused_by_the_engine_itself(facts, message):
    with pytest.raises(ScoringError, match=message):
        score(FRAMEWORKS["hunan-overall"], facts)


def test_a_negative_row_weight_or_survey_count_is_refused():
    data = with_rows("数量", [{"name": "培训人次", "weight": -20, "target_value": "≥100", "actual_value": "120"}])
    with pytest.raises(ScoringError, match="分值不能为负数"):
        scored(data)
    data = with_rows(
        "服务对象满意度",
        [{"name": "满意度", "weight": 10, "target_value": "≥90%", "actual_value": "95%", "survey_responses": -3}],
    )
    with pytest.raises(ScoringError, match="有效问卷数不能为负数"):
        scored(data)


# --- 3. deadlines ----------------------------------------------------------------------------------------------------


def test_a_deadline_met_early_scores_full_marks_and_is_not_accused_of_claiming_them():
    data = with_rows(
        "时效",
        [
            {
                "name": "完成时间",
                "weight": 10,
                "target_value": "9月前",
                "actual_value": "8月25日完成",
                "stated_score": 10,
            }
        ],
    )
    sheet, findings = scored(data)
    line = sheet.line("完成时间")
    assert (line.points, line.kind, line.band) == (D("10.00"), "deadline", "按期完成")
    assert line.explanation == "时限 9月前（按月底计）；实际 8月25日，按期完成，得满分 → 10.00 分"
    assert "stated_score_mismatch" not in codes(findings)


def test_a_missed_deadline_scores_the_frameworks_late_share():
    rows = [{"name": "办结时限", "weight": 10, "target_value": "3个工作日内", "actual_value": "5个工作日"}]
    assert scored(with_rows("时效", rows))[0].line("办结时限").points == D("0.00")
    lenient = {"mof-2020-selfeval": _load("mof-2020-selfeval", deadline_late_share="50%")}
    line = scored(with_rows("时效", rows), lenient)[0].line("办结时限")
    assert line.points == D("5.00")
    assert "超出时限，按50%计分" in line.explanation


@pytest.mark.parametrize("target", ["年底前", "10月底前", "截止6月30日", "12月"])
def test_a_timeliness_row_written_as_quantitative_is_still_a_deadline(target):
    rows = [
        {"name": "完成时间", "weight": 10, "kind": "quantitative", "target_value": target, "actual_value": "按时完成"}
    ]
    line = scored(with_rows("时效", rows))[0].line("完成时间")
    assert (line.kind, line.points) == ("deadline", D("10.00"))


def test_a_deadline_result_without_a_time_is_a_missing_input_with_a_hint():
    rows = [{"name": "完成时间", "weight": 10, "target_value": "年底前", "actual_value": "效果良好"}]
    line = scored(with_rows("时效", rows))[0].line("完成时间")
    assert line.points is None
    assert "未写明完成时间" in line.warnings[0]


# --- 4. comparators --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["≧90%", "不低于90%", "90%以上", "＞90%", "大于等于90%"])
def test_a_written_comparator_is_never_reported_as_missing(target):
    rows = [{"name": "合格率", "weight": 10, "target_value": target, "actual_value": "85%"}]
    line = scored(with_rows("质量", rows))[0].line("合格率")
    assert "未写比较符" not in line.explanation
    assert line.explanation.startswith("实际 85%，目标 ≥90%")


@pytest.mark.parametrize("comparator", ["≦", "不超过", "以内", "<"])
def test_a_comparator_field_accepts_every_spelling(comparator):
    rows = [{"name": "投诉率", "weight": 10, "target_value": "5%", "comparator": comparator, "actual_value": "3%"}]
    line = scored(with_rows("质量", rows))[0].line("投诉率")
    assert line.explanation.startswith("实际 3%，目标 ≤5%")


# --- 5. incomplete structures ----------------------------------------------------------------------------------------


def test_a_sheet_of_only_the_execution_block_is_incomplete_not_graded():
    data = {"framework": "mof-2020-selfeval", "facts": {"budget_full_year": "100", "spending_actual": "50"}}
    sheet, findings = scored(data)
    assert (sheet.total, sheet.grade, sheet.scored_total) == (None, None, D("5.00"))
    [message] = messages(findings, "structure_incomplete")
    assert message.startswith(
        "各指标分值之和为 10，比满分 100 少 90 分：“产出指标”0 分（应为 50 分，数量指标、质量指标、时效指标、成本指标未填写三级指标）；"
    )
    assert message.endswith("。评分表不完整，不计总分和等次")
    assert "总分：未完成（已评分部分合计 5.00）" in sheet.render_text()


def test_a_block_short_of_its_weight_names_the_block_and_the_shortfall():
    data = copy.deepcopy(COMPLETE)
    del data["entries"]["成本"]
    sheet, findings = scored(data)
    assert sheet.total is None
    assert messages(findings, "structure_incomplete") == [
        "各指标分值之和为 90，比满分 100 少 10 分：“产出指标”40 分（应为 50 分，成本指标未填写三级指标）。"
        "评分表不完整，不计总分和等次"
    ]


def test_weight_moved_between_blocks_is_a_hint_below_a_cap_and_an_error_above_it():
    # Units move weight between blocks (seed 004: 产出 40, 满意度 20): the sheet still adds up to 100, but a block
    # whose rows weigh more than its cap would give more points than the framework allows it.
    data = copy.deepcopy(COMPLETE)
    data["entries"]["成本"][0]["weight"] = 5
    data["entries"]["服务对象满意度"][0]["weight"] = 15
    _, findings = scored(data)
    assert messages(findings, "weights_mismatch") == ["“产出指标”下各三级指标分值之和为 45，应为 50"]
    assert messages(findings, "weights_exceed_cap") == [
        "“满意度指标”下各三级指标分值之和为 15，应为 10，超过该部分的分值上限，须调整各三级指标分值"
    ]
    assert "weights_exceed_cap" in codes(findings, "error")


def test_weights_above_the_total_are_an_error():
    data = with_rows("数量", [{"name": "培训人次", "weight": 30, "target_value": "≥100", "actual_value": "120"}])
    sheet, findings = scored(data)
    assert sheet.total is None and sheet.grade is None
    assert messages(findings, "weights_exceed_total") == [
        "各指标分值之和为 110，超过满分 100（多 10 分）：分值错误，不计总分和等次"
    ]
    assert "weights_exceed_total" in codes(findings, "error")


# --- 6. carry-over and budget adjustments ----------------------------------------------------------------------------


def test_the_carry_over_setting_changes_the_execution_rate_as_documented():
    facts = {"budget_full_year": D(100), "spending_actual": D(90), "carryover_start": D(20)}
    plain = score(_load("mof-2020-selfeval"), facts).line("budget_execution")
    added = score(_load("mof-2020-selfeval", execution_carryover="add_to_budget"), facts).line("budget_execution")
    netted = score(_load("mof-2020-selfeval", execution_carryover="net_spending"), facts).line("budget_execution")
    assert plain.rates["execution_rate"] == D("0.9")
    assert added.rates["execution_rate"] == D(90) / D(120)
    assert "90.00 ÷ (100.00 + 20.00) = 75.00%" in added.explanation
    assert netted.rates["execution_rate"] == D("0.7")
    with pytest.raises(ScoringError, match="执行率对上年结转的处理"):
        _load("mof-2020-selfeval", execution_carryover="gross")


def test_guangdong_adds_the_carry_over_to_the_budget_for_its_spending_completion_rate():
    facts = {"budget_full_year": D(100), "spending_actual": D(90), "carryover_start": D(20)}
    line = score(FRAMEWORKS["guangdong-overall"], facts).line("spending_completion")
    assert line.rates["execution_rate"] == D(90) / D(120)


def test_a_budget_adjustment_and_its_exclusions_never_give_a_negative_rate_in_hunan():
    facts = {"budget_adjustment": D(5), "budget_adjustment_excluded": D(8), "budget_initial": D(100)}
    line = score(FRAMEWORKS["hunan-overall"], facts).line("budget_adjustment_rate")
    assert line.rates["adjustment_rate"] == D("0.05")


# --- 7. more than attainable -----------------------------------------------------------------------------------------


def test_a_stated_total_above_what_is_still_attainable_is_an_error():
    data = copy.deepcopy(COMPLETE)
    data["facts"] = {}  # 执行率 cannot be scored: at most its 10 points
    data["entries"]["数量"][0]["actual_value"] = "60人次"  # 12 of 20
    data["stated"] = {"total": "100"}
    sheet, findings = scored(data)
    assert sheet.total is None
    assert sheet.max_attainable == D("92.00")  # 10 unscored + 12 + 10 + 10 + 10 + 30 + 10
    assert messages(findings, "stated_above_attainable") == [
        "报告所列总分 100.00 高于按规则最多可得的 92.00 分（已评分各项得分加未评分各项的分值）"
    ]


# --- 8. spending above the full-year budget --------------------------------------------------------------------------


def test_spending_above_the_full_year_budget_asks_for_a_reason():
    data = copy.deepcopy(COMPLETE)
    data["facts"] = {"budget_full_year": "100", "spending_actual": "103.5"}
    assert messages(scored(data)[1], "spending_over_budget") == [
        "全年执行数 103.50 超过全年预算数 100.00（多 3.50），请说明超预算支出的原因和资金来源"
    ]


# --- 9. surveys ------------------------------------------------------------------------------------------------------


def test_a_satisfaction_impossible_for_the_number_of_responses_is_an_error():
    data = copy.deepcopy(COMPLETE)
    data["facts"] = {"satisfaction_public": "96%", "satisfaction_public_responses": 7}  # k/7: 85.71 %, 100 %
    findings = scored(data)[1]
    assert messages(findings, "satisfaction_impossible") == [
        "社会公众满意度 96% 不可能来自 7 份有效问卷（任何满意份数 ÷ 7 都不等于这个百分数）"
    ]
    assert "社会公众满意度 96.00% 缺少社会公众满意度·满意问卷数" in messages(findings, "satisfaction_without_survey")
    data["facts"]["satisfaction_public_responses"] = 25  # 24/25 = 96 %
    assert "satisfaction_impossible" not in codes(scored(data)[1])


def test_a_row_survey_names_exactly_the_missing_count():
    rows = [{"name": "满意度", "weight": 10, "target_value": "≥90%", "actual_value": "95.5%", "survey_responses": 30}]
    findings = scored(with_rows("服务对象满意度", rows))[1]
    assert messages(findings, "satisfaction_without_survey") == ["满意度：满意度 95.5% 缺少满意问卷数"]
    assert messages(findings, "satisfaction_impossible") == [
        "满意度：满意度 95.5% 不可能来自 30 份有效问卷（任何满意份数 ÷ 30 都不等于这个百分数）"
    ]


# --- 10. rows that contradict themselves -----------------------------------------------------------------------------


def test_a_result_written_with_a_comparator_is_a_restated_target():
    rows = [{"name": "道路长度", "weight": 20, "target_value": "≥266米", "actual_value": "≥266米"}]
    assert messages(scored(with_rows("数量", rows))[1], "actual_is_target") == [
        "道路长度：实际完成值“≥266米”带有比较符或范围，像是照抄的指标值，应填写实际达到的数值"
    ]


def test_a_row_with_neither_target_nor_result_claiming_full_marks_is_an_error():
    rows = [{"name": "其他工作", "weight": 20, "kind": "quantitative", "stated_score": 20}]
    assert messages(scored(with_rows("数量", rows))[1], "full_marks_without_values") == [
        "其他工作：既无年度指标值也无实际完成值，却得满分 20.00"
    ]


def test_a_quantity_row_written_at_most_is_a_direction_warning():
    rows = [{"name": "培训人次", "weight": 20, "target_value": "≤100人次", "actual_value": "90人次"}]
    [message] = messages(scored(with_rows("数量", rows))[1], "direction_contradiction")
    assert message.startswith("培训人次：数量、满意度指标通常写作“≥”，这里写作“≤”")


# --- 11. stated rates ------------------------------------------------------------------------------------------------


def test_a_stated_rate_of_any_rate_the_framework_computes_is_checked():
    data = {
        "framework": "hunan-overall",
        "facts": {"budget_adjustment": "12", "budget_initial": "100"},
        "stated": {"rates": {"adjustment_rate": "10%", "no_such_rate": "5%"}},
    }
    findings = scored(data)[1]
    assert messages(findings, "stated_rate_mismatch") == ["预算调整率填报为 10%，按“预算调整率”的规则计算为 12.00%"]
    [unknown] = messages(findings, "unknown_stated_rate")
    assert "adjustment_rate" in unknown and "execution_rate" in unknown


# --- 12. funds by source ---------------------------------------------------------------------------------------------

SOURCES = {
    "funds_appropriation_budget_initial": "80",
    "funds_appropriation_budget_full_year": "90",
    "funds_appropriation_spending_actual": "85",
    "funds_carryover_budget_initial": "0",
    "funds_carryover_budget_full_year": "10",
    "funds_carryover_spending_actual": "9",
}


@pytest.mark.parametrize("total", [{}, {"budget_initial": "0", "budget_full_year": "0", "spending_actual": "0"}])
def test_execution_is_computed_from_the_sources_when_the_total_row_is_blank_or_zero(total):
    data = copy.deepcopy(COMPLETE)
    data["facts"] = SOURCES | total
    sheet, findings = scored(data)
    line = sheet.line("budget_execution")
    assert line.inputs == {"spending_actual": D(94), "budget_full_year": D(100)}
    assert "合计行全年预算数" in " ".join(sheet.warnings)
    assert "fund_sources_sum" not in codes(findings)


def test_a_total_row_that_is_not_the_sum_of_its_sources_is_an_error():
    data = copy.deepcopy(COMPLETE)
    data["facts"] = SOURCES | {"budget_initial": "80", "budget_full_year": "100", "spending_actual": "95"}
    assert messages(scored(data)[1], "fund_sources_sum") == [
        "资金合计行全年执行数 95.00 ≠ 各资金来源之和 94.00（当年财政拨款全年执行数 85.00 + 上年结转全年执行数 9.00）"
    ]


def test_each_sources_stated_execution_rate_is_checked():
    data = copy.deepcopy(COMPLETE)
    data["facts"] = SOURCES
    data["stated"] = {"rates": {"execution_rate_appropriation": "94.44%", "execution_rate_carryover": "80%"}}
    assert messages(scored(data)[1], "stated_rate_mismatch") == [
        "上年结转执行率填报为 80%，按 9.00 ÷ 10.00 计算为 90.00%"
    ]


# --- 13. 指标性质 and outcome wordings ----------------------------------------------------------------------------------


def test_a_reverse_indicator_without_a_comparator_is_scored_lower_is_better():
    rows = [{"name": "投诉率", "weight": 10, "指标性质": "反向", "target_value": "5%", "actual_value": "3%"}]
    line = scored(with_rows("质量", rows))[0].line("投诉率")
    assert line.points == D("10.00")
    assert "按指标性质“反向”计为“≤”" in line.explanation


def test_a_direction_that_contradicts_the_comparator_is_flagged():
    rows = [{"name": "投诉率", "weight": 10, "nature": "反向", "target_value": "≥5%", "actual_value": "3%"}]
    assert messages(scored(with_rows("质量", rows))[1], "direction_contradiction") == [
        "投诉率：指标性质为“反向”，指标值却写作“≥”"
    ]


def test_an_unknown_direction_is_refused():
    rows = [{"name": "投诉率", "weight": 10, "direction": "越低越好", "target_value": "≤5%", "actual_value": "3%"}]
    with pytest.raises(ScoringError, match="指标性质“越低越好”应为“正向”或“反向”"):
        scored(with_rows("质量", rows))


@pytest.mark.parametrize(
    ("wording", "band"),
    [("达成预期指标", "达成年度指标"), ("基本达成", "达成年度指标"), ("部分达成", "部分达成年度指标并具有一定效果")],
)
def test_regional_outcome_wordings_are_aliases(wording, band):
    points = 27 if band == "达成年度指标" else 20
    rows = [{"name": "群众受益", "weight": 30, "outcome": wording, "score": points}]
    assert scored(with_rows("社会效益", rows))[0].line("群众受益").band == band


def test_an_unknown_outcome_lists_the_accepted_words():
    rows = [{"name": "群众受益", "weight": 30, "outcome": "很好", "score": 30}]
    with pytest.raises(ScoringError, match=r"定性评价结果“很好”无法识别，可填写：达成年度指标.*达成预期指标.*未达成"):
        scored(with_rows("社会效益", rows))


def test_a_stated_group_score_above_what_its_items_can_reach_is_an_error():
    data = copy.deepcopy(COMPLETE)
    data["entries"]["数量"][0]["actual_value"] = "60人次"  # 12 of 20: 产出 can reach 42 of 50
    data["stated"] = {"items": {"产出指标": "50", "效益指标": "30"}}
    assert messages(scored(data)[1], "stated_above_attainable") == [
        "产出指标：报告所列 50.00 分，高于按规则最多可得的 42.00 分"
    ]


@pytest.mark.parametrize("actual", ["达到预期", "截至6月已完成", "2023-12-31完成", "120人次"])
def test_a_measured_or_worded_result_is_not_a_restated_target(actual):
    rows = [{"name": "培训人次", "weight": 20, "target_value": "≥100人次", "actual_value": actual, "reason": "说明"}]
    assert "actual_is_target" not in codes(scored(with_rows("数量", rows))[1])


@pytest.mark.parametrize("actual", ["260～270米", "约266米", "266米以上"])
def test_a_range_or_estimate_as_result_is_a_restated_target(actual):
    rows = [{"name": "道路长度", "weight": 20, "target_value": "≥266米", "actual_value": actual, "reason": "说明"}]
    assert "actual_is_target" in codes(scored(with_rows("数量", rows))[1])


def test_a_cost_row_written_at_least_is_a_direction_warning():
    data = with_rows("成本", [{"name": "成本控制", "weight": 10, "target_value": "≥50万元", "actual_value": "48万元"}])
    [message] = messages(scored(data)[1], "direction_contradiction")
    assert message.startswith("成本控制：成本指标通常写作“≤”，这里写作“≥”")


def test_the_direction_of_a_group_is_found_by_its_name_in_any_framework():
    framework = framework_from_dict(
        {
            "code": "x",
            "name": "某地指标体系",
            "indicators": [
                {
                    "code": "o",
                    "name": "产出",
                    "weight": 100,
                    "children": [{"code": "g", "name": "数量指标", "unit_rows": True}],
                }
            ],
        }
    )
    data = {
        "framework": "x",
        "entries": {"g": [{"name": "培训", "weight": 100, "target_value": "≤5次", "actual_value": "4次"}]},
    }
    assert "direction_contradiction" in codes(score_input(data, {"x": framework})[1])


def test_a_deadline_stays_a_deadline_when_a_form_stored_the_number_read_from_it():
    # The forms store the 9 of '9月前' as the row's target number; it is still a time limit.
    rows = [{"name": "完成时间", "weight": 10, "target_value": "9月前", "target": 9, "actual_value": "8月完成"}]
    line = scored(with_rows("时效", rows))[0].line("完成时间")
    assert (line.kind, line.points) == ("deadline", D("10.00"))


def test_a_row_given_an_at_least_comparator_stays_a_quantity_whatever_its_text():
    rows = [{"name": "天数", "weight": 10, "target_value": "控制在12天以内", "comparator": ">=", "actual_value": "96"}]
    line = scored(with_rows("质量", rows))[0].line("天数")
    assert (line.kind, line.points) == ("quantitative", D("10.00"))


def test_a_duration_row_reads_a_typed_actual_number_in_its_own_unit():
    rows = [{"name": "办结时限", "weight": 10, "target_value": "3个工作日内", "actual": 2, "actual_value": "较快"}]
    assert scored(with_rows("时效", rows))[0].line("办结时限").points == D("10.00")
