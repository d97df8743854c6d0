"""Consistency checks of domain.md §4: findings with a code, a severity, the fields and a message quoting numbers."""

from decimal import Decimal

from scoring.engine import run_checks

D = Decimal


def only(findings, code):
    return [finding for finding in findings if finding.code == code]


def test_sangong_parent_must_equal_the_sum_of_its_parts():
    facts = {"sangong_actual": D(0), "reception_actual": D("0.06"), "overseas_travel_actual": D(0)}
    [finding] = only(run_checks(facts), "sangong_sum")
    assert finding.severity == "error"
    assert finding.message.startswith("三公经费·本年决算数 0.00 ≠ 各项之和 0.06")
    assert finding.fields == ("sangong_actual", "reception_actual", "overseas_travel_actual")


def test_sangong_uses_the_two_vehicle_rows_when_the_vehicle_subtotal_is_blank():
    facts = {
        "sangong_budget": D("30.5"),
        "vehicle_purchase_budget": D(18),
        "vehicle_operation_budget": D(12),
        "reception_budget": D("0.5"),
    }
    assert only(run_checks(facts), "sangong_sum") == []


def test_sangong_columns_are_checked_separately():
    facts = {"sangong_budget": D(1), "reception_budget": D(1), "sangong_actual_prior": D(2), "reception_prior": D(1)}
    [finding] = only(run_checks(facts), "sangong_sum")
    assert "上年决算数" in finding.message


def test_public_funds_detail_rows_need_only_stay_within_the_parent():
    within = {
        "public_funds_actual": D("250.31"),
        "public_office_actual": D("236.64"),
        "public_utilities_travel_actual": D("12.8"),
    }
    assert only(run_checks(within), "public_funds_parts") == []
    above = {
        "public_funds_budget": D("4.55"),
        "public_office_budget": D("4.40"),
        "public_utilities_travel_budget": D(1),
    }
    [finding] = only(run_checks(above), "public_funds_parts")
    assert finding.message.startswith("公用经费·本年预算数 4.55 小于其中各项之和 5.40")


def test_basic_spending_is_personnel_plus_public():
    facts = {"spending_basic": D("491.15"), "spending_personnel": D("302.32"), "spending_public": D("188.83")}
    assert only(run_checks(facts), "basic_spending_sum") == []
    facts["spending_public"] = D("188.80")
    assert only(run_checks(facts), "basic_spending_sum")[0].message.startswith("基本支出 491.15 ≠ 各项之和 491.12")


def test_income_minus_spending_must_equal_the_closing_balance_within_a_cent():
    facts = {"income_total": D(100), "spending_actual": D(90), "carryover_end": D("10.01")}
    assert only(run_checks(facts), "balance_mismatch") == []
    facts["carryover_end"] = D("10.02")
    [finding] = only(run_checks(facts), "balance_mismatch")
    assert finding.message == "收入合计 100.00 − 支出合计 90.00 = 10.00，≠ 年末结转和结余 10.02"


def test_income_sources_add_up_to_the_income_total():
    facts = {"income_total": D(100), "carryover_start": D(10), "income_general_budget": D(80), "income_other": D(5)}
    [finding] = only(run_checks(facts), "income_sum")
    assert finding.message.startswith("收入合计 100.00 ≠ 各项之和 95.00")


def test_institution_tables_must_add_up_to_the_summary_row():
    facts = {"spending_actual": D(100), "sangong_actual": D(3)}
    institutions = [
        ("局机关", {"spending_actual": D(60), "sangong_actual": D(2)}),
        ("二级机构1", {"spending_actual": D(39), "sangong_actual": D(1)}),
    ]
    [finding] = only(run_checks(facts, institutions=institutions), "institution_sum_mismatch")
    assert finding.message == "全年执行数汇总 100.00 ≠ 各机构之和 99.00（局机关 60.00 + 二级机构1 39.00）"


def test_spending_above_budget_is_a_warning():
    facts = {
        "procurement_budget": D("1.4"),
        "procurement_actual": D("4.20"),
        "sangong_budget": D(1),
        "sangong_actual": D(1),
    }
    findings = run_checks(facts)
    assert [f.code for f in findings] == ["procurement_over_budget"]
    assert findings[0].severity == "warning"
    assert findings[0].message == "政府采购决算数 4.20 超过预算数 1.40，需说明原因"


def test_staff_above_quota_is_a_warning():
    [finding] = run_checks({"staff_quota": D(9), "staff_actual": D(10)})
    assert finding.code == "staff_over_quota"
    assert "111.11%" in finding.message


def test_satisfaction_needs_its_survey_counts_and_must_match_them():
    [missing] = run_checks({"satisfaction_recipients": D("0.96")})
    assert missing.code == "satisfaction_without_survey"
    facts = {
        "satisfaction_recipients": D("0.96"),
        "satisfaction_recipients_responses": D(200),
        "satisfaction_recipients_satisfied": D(190),
    }
    [mismatch] = run_checks(facts)
    assert mismatch.code == "satisfaction_mismatch"
    assert mismatch.message == "服务对象满意度 96.00% ≠ 满意 190 ÷ 有效 200 = 95.00%"


def test_stated_rates_are_recomputed_at_their_printed_precision():
    facts = {
        "staff_actual": D(25),
        "staff_quota": D(26),
        "spending_actual": D("2681.55"),
        "budget_full_year": D("2707.46"),
    }
    findings = run_checks(facts, stated_rates={"staff_control_rate": "96%", "execution_rate": "99.04%"})
    assert [f.code for f in findings] == ["stated_rate_imprecise"]
    findings = run_checks(facts, stated_rates={"execution_rate": "99.40%"})
    assert findings[0].code == "stated_rate_mismatch"
    assert findings[0].message == "预算执行率填报为 99.40%，按 2681.55 ÷ 2707.46 计算为 99.04%"


def test_consistent_facts_give_no_findings():
    facts = {
        "sangong_budget": D("0.20"),
        "reception_budget": D("0.20"),
        "spending_actual": D("793.57"),
        "spending_basic": D("491.15"),
        "spending_project": D("302.42"),
        "staff_quota": D(9),
        "staff_actual": D(9),
    }
    assert run_checks(facts) == []


# --- the 10号 funds block: breakdowns of the 全年预算数 -------------------------------------------------------------


def test_funds_block_by_income_nature_uses_the_budget_facts():
    facts = {
        "budget_full_year": D("2707.46"),
        "spending_actual": D("2681.55"),
        "budget_general_budget": D("2681.55"),
        "budget_other": D(0),
    }
    [finding] = only(run_checks(facts), "income_nature_sum")
    assert finding.severity == "warning"
    assert finding.fields == ("budget_full_year", "budget_general_budget", "budget_other")
    assert finding.message == "按收入性质分合计 2681.55 ≠ 全年预算数 2707.46（等于全年执行数 2681.55）"
    facts["budget_other"] = D("25.91")
    assert only(run_checks(facts), "income_nature_sum") == []


def test_funds_block_prefers_the_budget_facts_to_the_income_facts():
    facts = {"budget_full_year": D(100), "budget_general_budget": D(100), "income_general_budget": D(90)}
    assert only(run_checks(facts), "income_nature_sum") == []


def test_funds_block_falls_back_to_the_income_facts_without_an_income_total():
    facts = {"budget_full_year": D(100), "income_general_budget": D(90)}
    [finding] = only(run_checks(facts), "income_nature_sum")
    assert finding.message == "按收入性质分合计 90.00 ≠ 全年预算数 100.00"
    facts["income_total"] = D(90)  # then income_* are the 收入 table, checked against income_total instead
    assert only(run_checks(facts), "income_nature_sum") == []


def test_funds_block_basic_plus_project_budget_must_equal_the_full_year_budget():
    facts = {"budget_full_year": D("811.65"), "budget_basic": D("502.86"), "budget_project": D("308.79")}
    assert only(run_checks(facts), "spending_nature_budget_sum") == []
    facts["budget_project"] = D("308.89")
    [finding] = only(run_checks(facts), "spending_nature_budget_sum")
    assert finding.severity == "warning"
    assert finding.fields == ("budget_full_year", "budget_basic", "budget_project")
    assert finding.message == "按支出性质分合计 811.75（基本支出 502.86 + 项目支出 308.89）≠ 全年预算数 811.65"
    del facts["budget_project"]  # a budget_basic alone (read by a rule, say) is not a breakdown
    assert only(run_checks(facts), "spending_nature_budget_sum") == []


# --- year on year: 本年决算数 against 上年决算数 ----------------------------------------------------------------


def swings(facts):
    return [finding for finding in run_checks(facts) if finding.code == "year_swing"]


def test_a_change_of_exactly_30_percent_is_not_flagged_and_30_01_percent_is():
    assert swings({"reception_prior": D(100), "reception_actual": D(130)}) == []
    assert swings({"reception_prior": D(100), "reception_actual": D(70)}) == []
    [up] = swings({"reception_prior": D(100), "reception_actual": D("130.01")})
    assert up.message == "公务接待费本年决算数 130.01 较上年决算数 100.00 变动 30.01%，超过 30%，请说明原因"
    [down] = swings({"reception_prior": D(100), "reception_actual": D("69.99")})
    assert down.message == "公务接待费本年决算数 69.99 较上年决算数 100.00 变动 -30.01%，超过 30%，请说明原因"
    assert (down.severity, down.fields) == ("warning", ("reception_prior", "reception_actual"))


def test_year_swing_quotes_the_seed_001_reception_figures():
    [finding] = swings({"reception_prior": D("0.16"), "reception_actual": D(0)})
    assert finding.message == "公务接待费本年决算数 0.00 较上年决算数 0.16 变动 -100.00%，超过 30%，请说明原因"


def test_year_swing_needs_both_years_and_a_prior_year_above_zero():
    assert swings({"reception_actual": D(5)}) == []
    assert swings({"reception_prior": D(5)}) == []
    assert swings({"reception_prior": D(0), "reception_actual": D(5)}) == []
    assert swings({"budget_basic_adjustment_prior": D(-10), "budget_basic_adjustment_actual": D(5)}) == []


def test_year_swing_covers_every_three_column_row_and_the_sangong_total():
    rows = [
        ("sangong_actual_prior", "sangong_actual", "三公经费"),
        ("vehicle_prior", "vehicle_actual", "公务用车购置和维护经费"),
        ("vehicle_purchase_prior", "vehicle_purchase_actual", "公车购置"),
        ("vehicle_operation_prior", "vehicle_operation_actual", "公车运行维护"),
        ("overseas_travel_prior", "overseas_travel_actual", "因公出国（境）经费"),
        ("public_funds_prior", "public_funds_actual", "公用经费"),
        ("public_office_prior", "public_office_actual", "办公经费"),
        ("public_utilities_travel_prior", "public_utilities_travel_actual", "水费、电费、差旅费"),
        ("public_meetings_training_prior", "public_meetings_training_actual", "会议费、培训费"),
        ("project_funds_prior", "project_funds_actual", "项目支出"),
        ("project_business_prior", "project_business_actual", "业务工作经费"),
        ("project_operation_prior", "project_operation_actual", "运行维护经费"),
        ("project_special_prior", "project_special_actual", "专项资金"),
        ("procurement_prior", "procurement_actual", "政府采购金额"),
        ("budget_basic_adjustment_prior", "budget_basic_adjustment_actual", "部门基本支出预算调整"),
    ]
    for prior, actual, label in rows:
        [finding] = swings({prior: D(10), actual: D(20)})
        assert finding.fields == (prior, actual)
        assert finding.message.startswith(f"{label}本年决算数 20.00 较上年决算数 10.00 变动 100.00%")


def test_year_swing_reads_the_older_budget_basic_adjustment_as_this_years_figure():
    [finding] = swings({"budget_basic_adjustment_prior": D(10), "budget_basic_adjustment": D(2)})
    assert finding.fields == ("budget_basic_adjustment_prior", "budget_basic_adjustment")
    both = {
        "budget_basic_adjustment_prior": D(10),
        "budget_basic_adjustment_actual": D(10),
        "budget_basic_adjustment": D(2),
    }
    assert swings(both) == []  # the three-column figure wins


def test_new_vocabulary_facts_have_labels_and_units():
    from scoring.engine.vocabulary import FACTS

    expected = {
        "procurement_prior": "政府采购金额·上年决算数",
        "budget_basic_adjustment_prior": "部门基本支出预算调整·上年决算数",
        "budget_basic_adjustment_budget": "部门基本支出预算调整·本年预算数",
        "budget_basic_adjustment_actual": "部门基本支出预算调整·本年决算数",
        "budget_basic_adjustment": "部门基本支出预算调整",
        "budget_general_budget": "一般公共预算·全年预算数",
        "budget_government_funds": "政府性基金拨款·全年预算数",
        "budget_special_account": "纳入专户管理的非税收入拨款·全年预算数",
        "budget_other": "其他资金·全年预算数",
    }
    assert {name: FACTS[name].label for name in expected} == expected
    assert {FACTS[name].unit for name in expected} == {"万元"}
