"""A rate printed in a report is recomputed at the precision it was printed with, and per-institution tables add up
to their 汇总 row: each case with the complete finding, or none."""

from decimal import Decimal

import pytest

from scoring.engine import ScoringError
from scoring.engine.checks import check_institutions, check_stated_rates

D = Decimal
SEED_001 = {"spending_actual": D("2681.55"), "budget_full_year": D("2707.46")}  # 99.04 %
FIELDS = ("execution_rate", "spending_actual", "budget_full_year")
ACCEPTED = (
    "building_area_control_rate、building_investment_control_rate、execution_rate、execution_rate_appropriation、"
    "execution_rate_carryover、execution_rate_other、fixed_asset_utilisation_rate、procurement_rate、"
    "public_funds_control_rate、sangong_control_rate、staff_control_rate"
)


def found(findings) -> list[tuple]:
    return [(f.code, f.severity, f.fields, f.message) for f in findings]


@pytest.mark.parametrize(
    ("stated", "findings"),
    [
        ("99.04%", []),
        (D("0.9904"), []),  # a fraction is compared at two places of its percentage
        (
            "99.0%",
            [
                (
                    "stated_rate_imprecise",
                    "warning",
                    ("execution_rate",),
                    "预算执行率填报为 99.0%，应保留两位小数：99.04%",
                )
            ],
        ),
        (
            "99%",
            [("stated_rate_imprecise", "warning", ("execution_rate",), "预算执行率填报为 99%，应保留两位小数：99.04%")],
        ),
        (
            "99.1%",
            [("stated_rate_mismatch", "error", FIELDS, "预算执行率填报为 99.1%，按 2681.55 ÷ 2707.46 计算为 99.04%")],
        ),
        (
            "98%",
            [("stated_rate_mismatch", "error", FIELDS, "预算执行率填报为 98%，按 2681.55 ÷ 2707.46 计算为 99.04%")],
        ),
        (
            D("0.99"),
            [("stated_rate_mismatch", "error", FIELDS, "预算执行率填报为 99.00%，按 2681.55 ÷ 2707.46 计算为 99.04%")],
        ),
        # Printed with four places, checked at four: 99.0430 is computed.
        (
            "99.0442%",
            [
                (
                    "stated_rate_mismatch",
                    "error",
                    FIELDS,
                    "预算执行率填报为 99.0442%，按 2681.55 ÷ 2707.46 计算为 99.04%",
                )
            ],
        ),
    ],
)
def test_a_stated_execution_rate_is_checked_at_the_precision_it_was_printed_with(stated, findings):
    assert found(check_stated_rates(SEED_001, {"execution_rate": stated})) == findings


def test_a_rate_that_cannot_be_checked_says_which_can_or_is_skipped_without_its_inputs():
    assert found(check_stated_rates(SEED_001, {"nope": "1%"})) == [
        ("unknown_stated_rate", "warning", ("nope",), f"无法核对的比率“nope”，可核对：{ACCEPTED}")
    ]
    assert check_stated_rates({"spending_actual": D(1), "budget_full_year": D(0)}, {"execution_rate": "1%"}) == []
    assert check_stated_rates({"spending_actual": D(1)}, {"execution_rate": "1%"}) == []


@pytest.mark.parametrize("stated", ["abc%", "abc"])
def test_a_stated_rate_that_is_no_number_is_refused_at_its_field(stated):
    with pytest.raises(ScoringError) as refused:
        check_stated_rates(SEED_001, {"execution_rate": stated})
    assert (refused.value.message, refused.value.field) == (
        f"报告所列预算执行率：“{stated}”不是数字：请只填写数字，可带“万元”或“%”",
        "stated.rates.execution_rate",
    )


def test_the_institutions_add_up_to_their_summary_row_within_a_cent():
    institutions = [("局机关", {"spending_actual": D(60)}), ("二级机构1", {"spending_actual": D(40)})]
    assert check_institutions({"spending_actual": D("100.01")}, institutions) == []
    institutions = [
        ("局机关", {"spending_actual": D(60), "satisfaction_public": D("0.9")}),
        ("二级机构1", {"spending_actual": D(40), "staff_quota": D(3)}),
    ]
    assert found(check_institutions({"spending_actual": D("100.02"), "staff_quota": D(5)}, institutions)) == [
        (
            "institution_sum_mismatch",
            "error",
            ("spending_actual",),
            "全年执行数汇总 100.02 ≠ 各机构之和 100.00（局机关 60.00 + 二级机构1 40.00）",
        ),
        (
            "institution_sum_mismatch",
            "error",
            ("staff_quota",),
            "编制数汇总 5.00 ≠ 各机构之和 3.00（局机关 0.00 + 二级机构1 3.00）",
        ),
    ]
    assert check_institutions({}, []) == []
