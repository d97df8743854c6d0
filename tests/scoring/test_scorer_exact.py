"""What the scorer does to a whole sheet, at its bounds: the execution caps on the total (one 预算一体化 manual) at
each cut-off, and the facts it refuses before scoring, each with its message and field.

Each framework is read inside its test: mutmut runs a mutant's tests in a process forked after a clean run, where what
was built at import was built by the unmutated code (MUTATION.md, "How it runs")."""

from decimal import Decimal

import pytest

from scoring.engine import IndicatorEntry, ScoringError, framework_from_dict, score

D = Decimal


def manual_sheet(facts, points=95, **settings):
    framework = framework_from_dict(
        {
            "code": "t",
            "name": "测试",
            "settings": settings,
            "indicators": [{"code": "m", "name": "人工", "weight": 100, "rule": {"kind": "manual"}}],
        }
    )
    return score(framework, facts, [IndicatorEntry(code="m", score=D(points), reason="依据")])


@pytest.mark.parametrize(
    ("spent", "total", "grade", "cap"),
    [
        ("80", "95.00", "优", None),
        ("79.99", "89", "良", "89"),
        ("70", "89", "良", "89"),
        ("69.99", "79", "中", "79"),
        ("60", "79", "中", "79"),
        ("59.99", "69", "中", "69"),
        ("50", "69", "中", "69"),
        ("49.99", "59", "差", "59"),
        ("0", "59", "差", "59"),
    ],
)
def test_the_total_is_capped_by_the_execution_rate_at_each_cut_off(spent, total, grade, cap):
    sheet = manual_sheet({"spending_actual": D(spent), "budget_full_year": D(100)}, execution_caps=True)
    adjustments = [f"预算执行率 {D(spent):.2f}%，总分封顶 {cap} 分（按规则 95.00 分）"] if cap else []
    assert (sheet.total, sheet.grade, sheet.adjustments, sheet.warnings) == (D(total), grade, adjustments, [])


def test_a_total_below_its_cap_is_kept_and_caps_without_the_rate_are_not_applied():
    below = manual_sheet({"spending_actual": D(75), "budget_full_year": D(100)}, points=80, execution_caps=True)
    assert (below.total, below.adjustments, below.warnings) == (D("80.00"), [], [])
    not_applied = ["已启用预算执行率封顶，但缺少全年预算数或全年执行数，未作封顶"]
    for facts in ({"spending_actual": D(75)}, {"spending_actual": D(75), "budget_full_year": D(0)}):
        sheet = manual_sheet(facts, execution_caps=True)
        assert (sheet.total, sheet.adjustments, sheet.warnings) == (D("95.00"), [], not_applied)
    off = manual_sheet({"spending_actual": D(75), "budget_full_year": D(100)})
    assert (off.total, off.adjustments) == (D("95.00"), [])


@pytest.mark.parametrize(
    ("facts", "message", "field"),
    [
        ({"nope": D(1)}, "未知的数据项“nope”", "nope"),
        ({"budget_full_year": 1}, "数据项“全年预算数”应为 Decimal，收到 int", "budget_full_year"),
        ({"budget_full_year": D(-1)}, "“全年预算数”不能为负数（-1）", "budget_full_year"),
        ({"budget_full_year": D("NaN")}, "“全年预算数”不是数字", "budget_full_year"),
        ({"budget_full_year": D("sNaN")}, "“全年预算数”不是数字", "budget_full_year"),
        ({"budget_full_year": D("NaN"), "spending_actual": D(1)}, "“全年预算数”不是数字", "budget_full_year"),
        ({"budget_full_year": D("Infinity")}, "“全年预算数”不是数字", "budget_full_year"),
        ({"satisfaction_public": D("1.01")}, "“社会公众满意度”应在 0% 至 100% 之间（1.01）", "satisfaction_public"),
    ],
)
def test_a_fact_the_engine_cannot_score_is_refused_before_scoring(facts, message, field):
    with pytest.raises(ScoringError) as refused:
        manual_sheet(facts)
    assert (refused.value.message, refused.value.field) == (message, field)


def test_a_signed_fact_may_be_negative_and_a_share_may_be_exactly_100_percent():
    sheet = manual_sheet({"balance_year": D(-5), "satisfaction_public": D(1)})
    assert sheet.total == D("95.00")
