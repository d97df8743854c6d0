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
    assert finding.message.startswith("三公经费决算数 0.00 ≠ 各项之和 0.06")
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
    assert finding.message.startswith("公用经费预算数 4.55 小于其中各项之和 5.40")


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
