"""Each consistency check at its bounds — a difference of one cent (tolerated) against two, a swing of exactly 30 %
against 30.01 %, spending at its budget against one cent above, staff at the quota against one above — with the
complete list of findings: code, severity, fields and the whole Chinese message."""

from decimal import Decimal as D

import pytest

from scoring.engine.checks import (
    check_balance,
    check_fund_sources,
    check_over_budget,
    check_satisfaction_counts,
    check_staff,
    check_sums,
    check_year_swings,
)


@pytest.mark.parametrize(
    ("check", "facts", "findings"),
    [
        pytest.param(
            check_sums,
            {
                "sangong_actual": D("10.01"),
                "reception_actual": D(4),
                "vehicle_actual": D(3),
                "overseas_travel_actual": D(3),
            },
            [],
            id="sangong_within_a_cent",
        ),
        pytest.param(
            check_sums,
            {
                "sangong_actual": D("10.02"),
                "reception_actual": D(4),
                "vehicle_actual": D(3),
                "overseas_travel_actual": D(3),
            },
            [
                {
                    "code": "sangong_sum",
                    "severity": "error",
                    "fields": ["sangong_actual", "reception_actual", "vehicle_actual", "overseas_travel_actual"],
                    "message": "三公经费·本年决算数 10.02 ≠ 各项之和 10.00（公务接待费·本年决算数 4.00 + 公务用车购置和维护经费·本年决算数 3.00 + 因公出国（境）经费·本年决算数 3.00）",
                }
            ],
            id="sangong_two_cents_off",
        ),
        pytest.param(
            check_sums,
            {
                "sangong_actual": D("9.98"),
                "reception_actual": D(4),
                "vehicle_purchase_actual": D(1),
                "vehicle_operation_actual": D(2),
                "overseas_travel_actual": D(3),
            },
            [
                {
                    "code": "sangong_sum",
                    "severity": "error",
                    "fields": [
                        "sangong_actual",
                        "reception_actual",
                        "overseas_travel_actual",
                        "vehicle_purchase_actual",
                        "vehicle_operation_actual",
                    ],
                    "message": "三公经费·本年决算数 9.98 ≠ 各项之和 10.00（公务接待费·本年决算数 4.00 + 因公出国（境）经费·本年决算数 3.00 + 公车购置·本年决算数 1.00 + 公车运行维护·本年决算数 2.00）",
                }
            ],
            id="sangong_vehicle_rows_for_its_blank_subtotal",
        ),
        pytest.param(
            check_sums,
            {"public_funds_actual": D(10), "public_office_actual": D(6), "public_utilities_travel_actual": D("4.01")},
            [],
            id="public_funds_parts_within_a_cent",
        ),
        pytest.param(
            check_sums,
            {"public_funds_actual": D(10), "public_office_actual": D(6), "public_utilities_travel_actual": D("4.02")},
            [
                {
                    "code": "public_funds_parts",
                    "severity": "error",
                    "fields": ["public_funds_actual", "public_office_actual", "public_utilities_travel_actual"],
                    "message": "公用经费·本年决算数 10.00 小于其中各项之和 10.02（办公经费·本年决算数 6.00 + 水费、电费、差旅费·本年决算数 4.02）",
                }
            ],
            id="public_funds_parts_above_their_parent",
        ),
        pytest.param(
            check_sums,
            {"public_funds_actual": D(10), "public_office_actual": D(1)},
            [],
            id="public_funds_parts_need_not_be_exhaustive",
        ),
        pytest.param(
            check_sums,
            {"income_total": D(100), "carryover_start": D(5)},
            [],
            id="income_with_only_the_carryover_is_not_checked",
        ),
        pytest.param(
            check_sums,
            {"income_total": D(100), "carryover_start": D(5), "income_general_budget": D(90)},
            [
                {
                    "code": "income_sum",
                    "severity": "error",
                    "fields": ["income_total", "carryover_start", "income_general_budget"],
                    "message": "收入合计 100.00 ≠ 各项之和 95.00（上年结转和结余 5.00 + 公共财政拨款（一般公共预算） 90.00）",
                }
            ],
            id="income_sources_short_of_the_total",
        ),
        pytest.param(
            check_sums,
            {
                "budget_full_year": D(100),
                "budget_general_budget": D(90),
                "budget_other": D(5),
                "spending_actual": D(95),
            },
            [
                {
                    "code": "income_nature_sum",
                    "severity": "warning",
                    "fields": ["budget_full_year", "budget_general_budget", "budget_other"],
                    "message": "按收入性质分合计 95.00 ≠ 全年预算数 100.00（等于全年执行数 95.00）",
                }
            ],
            id="income_nature_short_equal_to_spending",
        ),
        pytest.param(
            check_sums,
            {"budget_full_year": D(100), "budget_basic": D(60), "budget_project": D(30)},
            [
                {
                    "code": "spending_nature_budget_sum",
                    "severity": "warning",
                    "fields": ["budget_full_year", "budget_basic", "budget_project"],
                    "message": "按支出性质分合计 90.00（基本支出 60.00 + 项目支出 30.00）≠ 全年预算数 100.00",
                }
            ],
            id="spending_nature_short",
        ),
        pytest.param(
            check_sums,
            {"budget_full_year": D(100), "income_general_budget": D(80)},
            [
                {
                    "code": "income_nature_sum",
                    "severity": "warning",
                    "fields": ["budget_full_year", "income_general_budget"],
                    "message": "按收入性质分合计 80.00 ≠ 全年预算数 100.00",
                }
            ],
            id="income_rows_as_budget_breakdown",
        ),
        pytest.param(
            check_fund_sources,
            {
                "budget_full_year": D(100),
                "funds_appropriation_budget_full_year": D(80),
                "funds_carryover_budget_full_year": D("19.98"),
            },
            [
                {
                    "code": "fund_sources_sum",
                    "severity": "error",
                    "fields": [
                        "budget_full_year",
                        "funds_appropriation_budget_full_year",
                        "funds_carryover_budget_full_year",
                    ],
                    "message": "资金合计行全年预算数 100.00 ≠ 各资金来源之和 99.98（当年财政拨款全年预算数 80.00 + 上年结转全年预算数 19.98）",
                }
            ],
            id="fund_sources_two_cents_short",
        ),
        pytest.param(
            check_fund_sources,
            {
                "budget_full_year": D(100),
                "funds_appropriation_budget_full_year": D(80),
                "funds_carryover_budget_full_year": D("19.99"),
            },
            [],
            id="fund_sources_within_a_cent",
        ),
        pytest.param(
            check_fund_sources,
            {"budget_full_year": D(0), "funds_appropriation_budget_full_year": D(80)},
            [],
            id="fund_total_zero_read_from_sources",
        ),
        pytest.param(
            check_balance,
            {"income_total": D(100), "spending_actual": D(90), "carryover_end": D("9.98")},
            [
                {
                    "code": "balance_mismatch",
                    "severity": "error",
                    "fields": ["income_total", "spending_actual", "carryover_end"],
                    "message": "收入合计 100.00 − 支出合计 90.00 = 10.00，≠ 年末结转和结余 9.98",
                }
            ],
            id="balance_two_cents_off",
        ),
        pytest.param(
            check_balance,
            {"income_total": D(100), "spending_actual": D(90), "carryover_end": D("9.99")},
            [],
            id="balance_within_a_cent",
        ),
        pytest.param(
            check_balance,
            {"income_total": D(100), "carryover_start": D(10), "spending_actual": D(80), "balance_year": D("10.02")},
            [
                {
                    "code": "year_balance_mismatch",
                    "severity": "error",
                    "fields": ["income_total", "carryover_start", "spending_actual", "balance_year"],
                    "message": "本年收入 90.00 − 支出合计 80.00 = 10.00，≠ 当年结余 10.02",
                }
            ],
            id="year_balance_two_cents_off",
        ),
        pytest.param(
            check_balance,
            {"income_total": D(100), "carryover_start": D(10), "spending_actual": D(80), "balance_year": D("10.01")},
            [],
            id="year_balance_within_a_cent",
        ),
        pytest.param(
            check_over_budget,
            {
                "spending_actual": D(100),
                "budget_full_year": D(100),
                "procurement_actual": D(5),
                "procurement_budget": D(5),
            },
            [],
            id="spending_at_budget",
        ),
        pytest.param(
            check_over_budget,
            {
                "spending_actual": D("100.01"),
                "budget_full_year": D(100),
                "procurement_actual": D("5.01"),
                "procurement_budget": D(5),
                "public_funds_actual": D(3),
                "public_funds_budget": D(2),
                "sangong_actual": D(2),
                "sangong_budget": D(1),
            },
            [
                {
                    "code": "spending_over_budget",
                    "severity": "warning",
                    "fields": ["spending_actual", "budget_full_year"],
                    "message": "全年执行数 100.01 超过全年预算数 100.00（多 0.01），请说明超预算支出的原因和资金来源",
                },
                {
                    "code": "procurement_over_budget",
                    "severity": "warning",
                    "fields": ["procurement_actual", "procurement_budget"],
                    "message": "政府采购决算数 5.01 超过预算数 5.00，需说明原因",
                },
                {
                    "code": "public_funds_over_budget",
                    "severity": "warning",
                    "fields": ["public_funds_actual", "public_funds_budget"],
                    "message": "公用经费决算数 3.00 超过预算数 2.00，需说明原因",
                },
                {
                    "code": "sangong_over_budget",
                    "severity": "warning",
                    "fields": ["sangong_actual", "sangong_budget"],
                    "message": "三公经费决算数 2.00 超过预算数 1.00，需说明原因",
                },
            ],
            id="every_spending_above_budget",
        ),
        pytest.param(
            check_year_swings,
            {"sangong_actual_prior": D(100), "sangong_actual": D(130)},
            [],
            id="swing_of_exactly_30_percent_up",
        ),
        pytest.param(
            check_year_swings,
            {"sangong_actual_prior": D(100), "sangong_actual": D("130.01")},
            [
                {
                    "code": "year_swing",
                    "severity": "warning",
                    "fields": ["sangong_actual_prior", "sangong_actual"],
                    "message": "三公经费本年决算数 130.01 较上年决算数 100.00 变动 30.01%，超过 30%，请说明原因",
                }
            ],
            id="swing_above_30_percent_up",
        ),
        pytest.param(
            check_year_swings,
            {"sangong_actual_prior": D(100), "sangong_actual": D(70)},
            [],
            id="swing_of_exactly_30_percent_down",
        ),
        pytest.param(
            check_year_swings,
            {"sangong_actual_prior": D(100), "sangong_actual": D("69.99")},
            [
                {
                    "code": "year_swing",
                    "severity": "warning",
                    "fields": ["sangong_actual_prior", "sangong_actual"],
                    "message": "三公经费本年决算数 69.99 较上年决算数 100.00 变动 -30.01%，超过 30%，请说明原因",
                }
            ],
            id="swing_above_30_percent_down",
        ),
        pytest.param(check_year_swings, {"sangong_actual_prior": D(0), "sangong_actual": D(5)}, [], id="no_prior_year"),
        pytest.param(
            check_year_swings,
            {"budget_basic_adjustment_prior": D(10), "budget_basic_adjustment": D(20)},
            [
                {
                    "code": "year_swing",
                    "severity": "warning",
                    "fields": ["budget_basic_adjustment_prior", "budget_basic_adjustment"],
                    "message": "部门基本支出预算调整本年决算数 20.00 较上年决算数 10.00 变动 100.00%，超过 30%，请说明原因",
                }
            ],
            id="adjustment_typed_without_actual_column",
        ),
        pytest.param(
            check_year_swings,
            {
                "budget_basic_adjustment_prior": D(10),
                "budget_basic_adjustment_actual": D(10),
                "budget_basic_adjustment": D(20),
            },
            [],
            id="adjustment_actual_column_first",
        ),
        pytest.param(check_staff, {"staff_actual": D(26), "staff_quota": D(26)}, [], id="staff_at_quota"),
        pytest.param(
            check_staff,
            {"staff_actual": D(27), "staff_quota": D(26)},
            [
                {
                    "code": "staff_over_quota",
                    "severity": "warning",
                    "fields": ["staff_actual", "staff_quota"],
                    "message": "实际在职人数 27 超过编制数 26（控制率 103.85%）",
                }
            ],
            id="staff_above_quota",
        ),
        pytest.param(check_staff, {"staff_actual": D(1), "staff_quota": D(0)}, [], id="staff_without_quota"),
        pytest.param(
            check_satisfaction_counts,
            {"satisfaction_recipients": D("0.96"), "satisfaction_recipients_responses": D(25)},
            [
                {
                    "code": "satisfaction_without_survey",
                    "severity": "warning",
                    "fields": [
                        "satisfaction_recipients",
                        "satisfaction_recipients_responses",
                        "satisfaction_recipients_satisfied",
                    ],
                    "message": "服务对象满意度 96.00% 缺少服务对象满意度·满意问卷数",
                }
            ],
            id="survey_without_satisfied_count",
        ),
        pytest.param(
            check_satisfaction_counts,
            {"satisfaction_recipients": D("0.95"), "satisfaction_recipients_satisfied": D(25)},
            [
                {
                    "code": "satisfaction_without_survey",
                    "severity": "warning",
                    "fields": [
                        "satisfaction_recipients",
                        "satisfaction_recipients_responses",
                        "satisfaction_recipients_satisfied",
                    ],
                    "message": "服务对象满意度 95.00% 缺少服务对象满意度·有效问卷数",
                }
            ],
            id="survey_without_responses",
        ),
        pytest.param(
            check_satisfaction_counts,
            {"satisfaction_public": D("0.96"), "satisfaction_public_responses": D(40)},
            [
                {
                    "code": "satisfaction_without_survey",
                    "severity": "warning",
                    "fields": ["satisfaction_public", "satisfaction_public_responses", "satisfaction_public_satisfied"],
                    "message": "社会公众满意度 96.00% 缺少社会公众满意度·满意问卷数",
                },
                {
                    "code": "satisfaction_impossible",
                    "severity": "error",
                    "fields": ["satisfaction_public", "satisfaction_public_responses"],
                    "message": "社会公众满意度 96% 不可能来自 40 份有效问卷（任何满意份数 ÷ 40 都不等于这个百分数）",
                },
            ],
            id="survey_share_no_count_of_responses_gives",  # 38/40 = 95 %, 39/40 = 97.5 %
        ),
        pytest.param(
            check_satisfaction_counts,
            {"satisfaction_public": D(0), "satisfaction_public_responses": D(30)},
            [
                {
                    "code": "satisfaction_without_survey",
                    "severity": "warning",
                    "fields": ["satisfaction_public", "satisfaction_public_responses", "satisfaction_public_satisfied"],
                    "message": "社会公众满意度 0.00% 缺少社会公众满意度·满意问卷数",
                }
            ],
            id="survey_share_of_nobody_satisfied_is_possible",  # 0 of 30
        ),
        pytest.param(
            check_satisfaction_counts,
            {
                "satisfaction_staff": D("0.955"),
                "satisfaction_staff_responses": D(200),
                "satisfaction_staff_satisfied": D(191),
            },
            [],
            id="share_at_a_decimal_matching",
        ),
        pytest.param(
            check_satisfaction_counts,
            {
                "satisfaction_staff": D("0.955"),
                "satisfaction_staff_responses": D(200),
                "satisfaction_staff_satisfied": D(190),
            },
            [
                {
                    "code": "satisfaction_mismatch",
                    "severity": "error",
                    "fields": ["satisfaction_staff", "satisfaction_staff_responses", "satisfaction_staff_satisfied"],
                    "message": "内部员工满意度 95.50% ≠ 满意 190 ÷ 有效 200 = 95.00%",
                }
            ],
            id="share_at_a_decimal_not_matching",
        ),
    ],
)
def test_each_check_reports_exactly_what_is_wrong_and_nothing_within_tolerance(check, facts, findings):
    assert [finding.to_dict() for finding in check(facts)] == findings
