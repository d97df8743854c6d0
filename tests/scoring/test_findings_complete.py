"""Findings as complete lists: every seed report's findings (code, severity, fields), and the checks at their edges —
a sum exactly one cent off, the year's balance with its carry-over, a half-filled survey, '完成' on a full-marks row,
NaN and Infinity on the JSON path, and a target that holds two numbers."""

from decimal import Decimal
from pathlib import Path

import pytest

from scoring.engine import ScoringError, facts_from_dict, load_json, score_input
from scoring.engine.checks import ERROR, WARNING, check_balance, check_satisfaction_counts, check_sheet, check_sums
from scoring.engine.inputs import IndicatorEntry
from scoring.engine.numbers import parse_number, parse_target
from scoring.engine.sheet import ScoreLine, ScoreSheet
from tests.scoring.test_golden_seeds import frameworks

ROOT = Path(__file__).resolve().parents[2]


def findings_of(example: str) -> list[tuple[str, str, tuple[str, ...]]]:
    data = load_json((ROOT / "fixtures" / "examples" / f"{example}.json").read_text(encoding="utf-8"))
    _, findings = score_input(data, frameworks())
    return [(finding.code, finding.severity, tuple(finding.fields)) for finding in findings]


def test_seed_001_zhuzhou_findings_are_exactly_these():
    assert findings_of("seed001-zhuzhou-2022") == [
        (
            "project_sum",
            ERROR,
            ("project_funds_budget", "project_business_budget", "project_operation_budget", "project_special_budget"),
        ),
        (
            "project_sum",
            ERROR,
            ("project_funds_actual", "project_business_actual", "project_operation_actual", "project_special_actual"),
        ),
        (
            "income_nature_sum",
            WARNING,
            (
                "budget_full_year",
                "budget_general_budget",
                "budget_government_funds",
                "budget_special_account",
                "budget_other",
            ),
        ),
        ("spending_nature_budget_sum", WARNING, ("budget_full_year", "budget_basic", "budget_project")),
        ("year_swing", WARNING, ("reception_prior", "reception_actual")),
        ("year_swing", WARNING, ("public_utilities_travel_prior", "public_utilities_travel_actual")),
        ("year_swing", WARNING, ("public_meetings_training_prior", "public_meetings_training_actual")),
        ("year_swing", WARNING, ("project_funds_prior", "project_funds_actual")),
        ("year_swing", WARNING, ("project_operation_prior", "project_operation_actual")),
        ("stated_rate_imprecise", WARNING, ("staff_control_rate",)),
        ("stated_score_mismatch", WARNING, ("quantity.5",)),
        ("satisfaction_without_survey", WARNING, ("recipient_satisfaction.1",)),
        ("stated_total_mismatch", WARNING, ("total",)),
    ]


def test_seed_003_futian_findings_are_exactly_these():
    assert findings_of("seed003-futian-2021") == [
        ("stated_score_mismatch", WARNING, ("procurement",)),
        ("stated_total_mismatch", WARNING, ("total",)),
    ]


def test_seed_004_taojiang_findings_are_exactly_these():
    assert findings_of("seed004-taojiang-2024") == [
        ("procurement_over_budget", WARNING, ("procurement_actual", "procurement_budget")),
        ("public_funds_over_budget", WARNING, ("public_funds_actual", "public_funds_budget")),
        ("year_swing", WARNING, ("sangong_actual_prior", "sangong_actual")),
        ("year_swing", WARNING, ("reception_prior", "reception_actual")),
        ("year_swing", WARNING, ("public_funds_prior", "public_funds_actual")),
        ("year_swing", WARNING, ("public_utilities_travel_prior", "public_utilities_travel_actual")),
        ("year_swing", WARNING, ("project_funds_prior", "project_funds_actual")),
        ("year_swing", WARNING, ("project_business_prior", "project_business_actual")),
        ("stated_score_mismatch", WARNING, ("recipient_satisfaction.1",)),
        ("satisfaction_without_survey", WARNING, ("recipient_satisfaction.1",)),
        ("weights_mismatch", WARNING, ("output",)),  # 产出 40 of 50: a row may be missing
        ("weights_exceed_cap", ERROR, ("satisfaction",)),  # 满意度 20 of 10: more than the block may give
        ("stated_total_not_backed", ERROR, ("total",)),
        ("stated_total_mismatch", WARNING, ("total",)),
    ]


# --- parent = Σ children ----------------------------------------------------------------------------------------


def sangong(parent: str, *parts: str) -> dict[str, Decimal]:
    names = ("reception_budget", "vehicle_budget", "overseas_travel_budget")
    return {"sangong_budget": Decimal(parent)} | {name: Decimal(v) for name, v in zip(names, parts, strict=True)}


def test_a_parent_one_cent_off_its_children_is_within_rounding():
    assert check_sums(sangong("3.01", "1.00", "1.00", "1.00")) == []
    assert check_sums(sangong("2.99", "1.00", "1.00", "1.00")) == []


def test_a_parent_two_cents_off_its_children_is_an_error_quoting_them():
    (finding,) = check_sums(sangong("3.02", "1.00", "1.00", "1.00"))
    assert (finding.code, finding.severity) == ("sangong_sum", ERROR)
    assert finding.fields == ("sangong_budget", "reception_budget", "vehicle_budget", "overseas_travel_budget")
    assert finding.message == (
        "三公经费·本年预算数 3.02 ≠ 各项之和 3.00（公务接待费·本年预算数 1.00 + 公务用车购置和维护经费·本年预算数 1.00 + "
        "因公出国（境）经费·本年预算数 1.00）"
    )


# --- the balance ----------------------------------------------------------------------------------------------


def test_the_years_balance_counts_the_carry_over_as_last_years_money():
    facts = {
        "income_total": Decimal("110"),
        "carryover_start": Decimal("10"),
        "spending_actual": Decimal("90"),
        "balance_year": Decimal("10"),
    }
    assert check_balance(facts) == []
    (finding,) = check_balance(facts | {"balance_year": Decimal("20")})
    assert (finding.code, finding.severity) == ("year_balance_mismatch", ERROR)
    assert finding.fields == ("income_total", "carryover_start", "spending_actual", "balance_year")
    assert finding.message == "本年收入 100.00 − 支出合计 90.00 = 10.00，≠ 当年结余 20.00"


def test_the_year_end_balance_one_cent_off_passes_and_two_cents_off_is_an_error():
    facts = {"income_total": Decimal("100"), "spending_actual": Decimal("90"), "carryover_end": Decimal("10.01")}
    assert check_balance(facts) == []
    (finding,) = check_balance(facts | {"carryover_end": Decimal("10.02")})
    assert (finding.code, finding.fields) == ("balance_mismatch", ("income_total", "spending_actual", "carryover_end"))
    assert finding.message == "收入合计 100.00 − 支出合计 90.00 = 10.00，≠ 年末结转和结余 10.02"


# --- surveys --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "half",
    [{"satisfaction_public_responses": Decimal(40)}, {"satisfaction_public_satisfied": Decimal(38)}],
)
def test_a_half_filled_survey_is_a_survey_without_its_figures(half):
    (finding,) = check_satisfaction_counts({"satisfaction_public": Decimal("0.95")} | half)
    assert (finding.code, finding.severity) == ("satisfaction_without_survey", WARNING)
    assert finding.fields == (
        "satisfaction_public",
        "satisfaction_public_responses",
        "satisfaction_public_satisfied",
    )


def test_a_complete_survey_that_agrees_passes_and_one_that_disagrees_is_an_error():
    facts = {
        "satisfaction_staff": Decimal("0.95"),
        "satisfaction_staff_responses": Decimal(40),
        "satisfaction_staff_satisfied": Decimal(38),
    }
    assert check_satisfaction_counts(facts) == []
    (finding,) = check_satisfaction_counts(facts | {"satisfaction_staff_satisfied": Decimal(37)})
    assert (finding.code, finding.severity) == ("satisfaction_mismatch", ERROR)


def sheet_of(*lines: ScoreLine) -> ScoreSheet:
    return ScoreSheet("f", 1, "体系", 2, list(lines), {}, None, Decimal(0), None)


def row(points: str, *, actual: str = "按计划完成", reason: str | None = None, parent: str = "output") -> ScoreLine:
    line = ScoreLine("output.1", "完成培训", 3, Decimal(5), Decimal(points), "quantitative", parent=parent)
    line.unit_row = True
    line.actual_value = actual
    line.reason = reason
    return line


def test_a_row_survey_half_filled_is_noticed():
    line = row("5", actual="96%", parent="satisfaction")
    line.name = "服务对象满意度"
    half = IndicatorEntry(parent="satisfaction", name="服务对象满意度", survey_responses=Decimal(40))
    full = IndicatorEntry(
        parent="satisfaction", name="服务对象满意度", survey_responses=Decimal(40), survey_satisfied=Decimal(38)
    )
    missing, impossible = check_sheet(sheet_of(line), [half])
    assert (missing.code, missing.fields) == ("satisfaction_without_survey", ("output.1",))
    assert missing.message == "服务对象满意度：满意度 96% 缺少满意问卷数"  # names exactly the count that is missing
    # and 96 % cannot come from 40 valid responses (38/40 = 95 %, 39/40 = 97.5 %)
    assert (impossible.code, impossible.fields) == ("satisfaction_impossible", ("output.1",))
    line.actual_value = "95%"
    (finding,) = check_sheet(sheet_of(line), [half])
    assert finding.message == "服务对象满意度：满意度 95% 缺少满意问卷数"
    assert check_sheet(sheet_of(line), [full]) == []


# --- '完成' without full marks ------------------------------------------------------------------------------------


def test_done_without_full_marks_is_raised_below_full_marks_only():
    (finding,) = check_sheet(sheet_of(row("4.99")), [])
    assert (finding.code, finding.severity, finding.fields) == ("done_without_full_marks", WARNING, ("output.1",))
    assert finding.message == "完成培训：实际完成值写作“按计划完成”，但得分 4.99 低于分值 5.00，需说明偏差原因"
    assert check_sheet(sheet_of(row("5")), []) == []
    assert check_sheet(sheet_of(row("4.99", reason="因疫情延期")), []) == []
    assert check_sheet(sheet_of(row("4.99", actual="80%")), []) == []


# --- numbers on the JSON / command-line path ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf", "Inf%", "NaN万元"])
def test_parse_number_refuses_nan_and_infinity(text):
    with pytest.raises(ScoringError, match="不是数字"):
        parse_number(text)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", '"NaN"', '"Infinity"'])
def test_facts_from_json_refuse_nan_and_infinity(literal):
    raw = load_json('{"budget_full_year": ' + literal + "}")
    with pytest.raises(ScoringError, match="不是数字") as refused:
        facts_from_dict(raw)
    assert refused.value.field == "budget_full_year"


# --- a target with two numbers --------------------------------------------------------------------------------


def test_a_target_with_two_numbers_is_not_read_as_its_first():
    """'≥90%（比上年提高5个百分点）' holds two conditions: the engine does not guess which one the row is scored on.
    The target is left unread, so the row cannot be scored until the unit writes one number (refused, not 90)."""
    assert parse_target("≥90%（比上年提高5个百分点）") == (">=", None, False)
    assert parse_target("≥90%") == (">=", Decimal(90), True)


def test_a_typed_score_outside_the_weight_is_refused_with_the_score():
    from scoring.engine import entries_from_dict, score

    framework = frameworks()["futian-common-2021"]
    entries = entries_from_dict({"预算执行率": {"score": "12", "reason": "报告只列了得分"}}, framework)
    with pytest.raises(ScoringError) as refused:
        score(framework, {}, entries)
    assert str(refused.value).startswith("评分 12 应在 0 至")
