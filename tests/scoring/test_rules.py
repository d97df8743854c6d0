"""Each rule kind as a small unit, through a one-indicator framework built in the test."""

from decimal import Decimal

import pytest

from scoring.engine import IndicatorEntry, ScoringError, framework_from_dict, score

D = Decimal


def one(rule: dict, weight=10, settings=None) -> object:
    """A framework with one level-1 indicator worth `weight` and a filler making the total 100."""
    return framework_from_dict(
        {
            "code": "t",
            "name": "测试",
            "settings": settings or {},
            "indicators": [
                {"code": "item", "name": "测试指标", "weight": weight, "rule": rule},
                {"code": "rest", "name": "其余", "weight": 100 - weight, "rule": {"kind": "manual"}},
            ],
        }
    )


def line(framework, facts=None, entry=None):
    entries = [entry] if entry is not None else []
    return score(framework, facts or {}, entries).line("item")


RATIO = {
    "kind": "ratio",
    "rate": {"label": "执行率", "numerator": "spending_actual", "denominator": "budget_full_year"},
}


def test_ratio_scores_rate_times_weight():
    got = line(one(RATIO), {"spending_actual": D("2681.55"), "budget_full_year": D("2707.46")})
    assert got.points == D("9.90")


def test_ratio_is_capped_at_the_weight():
    got = line(one(RATIO), {"spending_actual": D(120), "budget_full_year": D(100)})
    assert got.points == D("10.00")
    assert "按100%计" in got.explanation


def test_ratio_above_its_zero_bound_scores_zero():
    rule = dict(RATIO, zero_above="100%")
    assert line(one(rule), {"spending_actual": D("100.01"), "budget_full_year": D(100)}).points == D(0)
    assert line(one(rule), {"spending_actual": D(100), "budget_full_year": D(100)}).points == D("10.00")


def test_missing_inputs_are_reported_by_name_and_never_guessed():
    got = line(one(RATIO), {"budget_full_year": D(100)})
    assert got.points is None
    assert got.missing == ["全年执行数"]


def test_an_incomplete_sheet_has_no_total_and_no_grade():
    sheet = score(one(RATIO), {}, [IndicatorEntry(code="rest", score=D(90), reason="依据")])
    assert sheet.total is None
    assert sheet.grade is None
    assert sheet.scored_total == D(90)


def test_budget_execution_below_90_percent_asks_for_a_reason():
    framework = one({"kind": "budget_execution"})
    got = line(framework, {"spending_actual": D(80), "budget_full_year": D(100)})
    assert got.points == D("8.00")
    assert "预算执行率低于90%，需说明原因" in got.warnings


BANDS = {
    "kind": "bands",
    "rate": {"label": "利用率", "numerator": "fixed_assets_in_use", "denominator": "fixed_assets_total"},
    "bands": [
        {"max": "60%", "points": 0},
        {"min": "60%", "max": "75%", "points": "0.4"},
        {"min": "75%", "max": "90%", "points": "0.7"},
        {"min": "90%", "points": 1},
    ],
}


@pytest.mark.parametrize(("in_use", "points"), [(59, "0"), (60, "0.4"), (75, "0.7"), (8999, "0.7"), (90, "1")])
def test_bands_pick_the_band_with_inclusive_lower_bounds(in_use, points):
    total = D(100) if in_use < 100 else D(10000)
    got = line(one(BANDS, weight=1), {"fixed_assets_in_use": D(in_use), "fixed_assets_total": total})
    assert got.points == D(points)


def test_bands_with_a_gap_are_refused_at_load():
    bands = [{"max": "60%", "points": 0}, {"min": "70%", "points": 1}]
    with pytest.raises(ScoringError, match="空缺或重叠"):
        one(dict(BANDS, bands=bands), weight=1)


def test_bands_overlapping_on_a_bound_are_refused_at_load():
    bands = [{"max": "60%", "max_inclusive": True, "points": 0}, {"min": "60%", "points": 1}]
    with pytest.raises(ScoringError, match="边界"):
        one(dict(BANDS, bands=bands), weight=1)


def test_band_points_above_the_weight_are_refused_at_load():
    bands = [{"max": "60%", "points": 0}, {"min": "60%", "points": 2}]
    with pytest.raises(ScoringError, match="超出分值"):
        one(dict(BANDS, bands=bands), weight=1)


EXCESS = {
    "kind": "excess_deduction",
    "threshold": "10%",
    "per_point": "0.1",
    "rate": {"label": "预算调整率", "numerator": "budget_adjustment", "denominator": "budget_initial"},
}


def test_excess_deduction_gives_full_marks_up_to_the_threshold():
    assert line(one(EXCESS, weight=1), {"budget_adjustment": D(10), "budget_initial": D(100)}).points == D("1.00")


def test_excess_deduction_takes_a_tenth_per_point_above_ten_percent():
    got = line(one(EXCESS, weight=1), {"budget_adjustment": D("12.5"), "budget_initial": D(100)})
    assert got.points == D("0.75")
    assert "超过10% 2.50 个百分点" in got.explanation


def test_excess_deduction_never_goes_below_the_floor():
    assert line(one(EXCESS, weight=1), {"budget_adjustment": D(90), "budget_initial": D(100)}).points == D("0.00")


def test_excess_deduction_share_of_weight_per_point():
    rule = dict(EXCESS, threshold="100%", per_point_share="10%")
    rule.pop("per_point")
    got = line(one(rule, weight=8), {"budget_adjustment": D(102), "budget_initial": D(100)})
    assert got.points == D("6.40")


def test_item_deduction_deducts_per_failed_item():
    framework = one({"kind": "item_deduction", "per_item": 1}, weight=5)
    assert line(framework, entry=IndicatorEntry(code="item", answer=D(2), reason="两项不符合")).points == D("3.00")
    assert line(framework, entry=IndicatorEntry(code="item", answer=D(9))).points == D("0.00")


def test_item_deduction_refuses_a_count_beyond_what_the_engine_handles_however_it_is_given():
    framework = one({"kind": "item_deduction"}, weight=5)
    for count in (D("1E+20"), 10**20, "100000000000000000000"):
        with pytest.raises(ScoringError, match="超出可处理的范围") as refused:
            line(framework, entry=IndicatorEntry(code="item", answer=count))
        assert refused.value.field == "answer"


def test_item_deduction_from_planned_and_completed_facts():
    rule = {"kind": "item_deduction", "per_item": 4, "planned": "key_tasks_planned", "completed": "key_tasks_completed"}
    got = line(one(rule, weight=8), {"key_tasks_planned": D(4), "key_tasks_completed": D(3)})
    assert got.points == D("4.00")


def test_item_deduction_refuses_a_fractional_count():
    with pytest.raises(ScoringError, match="非负整数"):
        line(one({"kind": "item_deduction"}, weight=5), entry=IndicatorEntry(code="item", answer=D("1.5")))


def test_proportional_completion_is_done_over_planned():
    rule = {"kind": "proportional", "done": "projects_on_time", "planned": "projects_planned"}
    got = line(one(rule, weight=6), {"projects_on_time": D(4), "projects_planned": D(5)})
    assert got.points == D("4.80")


CHECKLIST = {
    "kind": "checklist",
    "items": [
        {"code": "a", "label": "甲", "weight": 2},
        {"code": "b", "label": "乙", "weight": 1},
        {
            "code": "c",
            "label": "丙",
            "weight": 2,
            "options": [{"code": "ok", "label": "好", "points": 2}, {"code": "meh", "label": "一般", "points": 1}],
        },
    ],
}


def test_checklist_adds_up_its_sub_items():
    entry = IndicatorEntry(code="item", answers={"a": True, "b": False, "c": "meh"}, reason="乙未做到")
    got = line(one(CHECKLIST, weight=5), entry=entry)
    assert got.points == D("3.00")
    assert [part.points for part in got.parts] == [D(2), D(0), D(1)]


def test_checklist_missing_answers_are_named():
    got = line(one(CHECKLIST, weight=5), entry=IndicatorEntry(code="item", answers={"a": True}))
    assert got.points is None
    assert len(got.missing) == 2


def test_checklist_weights_must_add_up_to_the_indicator():
    with pytest.raises(ScoringError, match="子项分值之和"):
        one(CHECKLIST, weight=6)


def test_composite_zero_flag_sets_the_whole_item_to_zero():
    rule = dict(CHECKLIST, zero_if=[{"code": "misuse", "label": "挪用资金"}])
    entry = IndicatorEntry(code="item", answers={"a": True, "b": True, "c": "ok", "misuse": True}, reason="挪用")
    assert line(one(rule, weight=5), entry=entry).points == D(0)


def test_unknown_choice_is_refused_with_the_options_listed():
    entry = IndicatorEntry(code="item", answers={"a": True, "b": True, "c": "excellent"})
    with pytest.raises(ScoringError, match="可选"):
        line(one(CHECKLIST, weight=5), entry=entry)


@pytest.mark.parametrize(
    ("outcome", "score", "accepted"),
    [
        ("达成年度指标", "10", True),
        ("达成年度指标", "8", True),
        ("达成年度指标", "7.99", False),
        ("部分达成年度指标并具有一定效果", "7.99", True),
        ("部分达成年度指标并具有一定效果", "8", False),
        ("部分达成年度指标并具有一定效果", "6", True),
        ("未达成年度指标且效果较差", "5.99", True),
        ("未达成年度指标且效果较差", "6", False),
        ("未达成年度指标且效果较差", "0", True),
    ],
)
def test_qualitative_score_must_lie_inside_the_chosen_outcome_band(outcome, score, accepted):
    entry = IndicatorEntry(code="item", outcome=outcome, score=D(score), reason="说明")
    framework = one({"kind": "qualitative"})
    if accepted:
        assert line(framework, entry=entry).points == D(score).quantize(D("0.01"))
    else:
        with pytest.raises(ScoringError, match="得分应在"):
            line(framework, entry=entry)


def test_manual_score_requires_a_reason():
    framework = one({"kind": "manual"})
    got = line(framework, entry=IndicatorEntry(code="item", score=D(9)))
    assert got.points is None
    assert got.missing == ["评分理由或偏差原因"]
    assert line(framework, entry=IndicatorEntry(code="item", score=D(9), reason="依据充分")).points == D("9.00")


def test_manual_score_above_the_weight_is_refused():
    with pytest.raises(ScoringError, match="应在 0 至 10 之间"):
        line(one({"kind": "manual"}), entry=IndicatorEntry(code="item", score=D(11), reason="x"))


def quantitative(target_value, actual_value, settings=None, **extra):
    framework = one({"kind": "quantitative"}, settings=settings)
    return line(
        framework, entry=IndicatorEntry(code="item", target_value=target_value, actual_value=actual_value, **extra)
    )


def test_quantitative_higher_is_better_scores_actual_over_target():
    assert quantitative("12次", "11次").points == D("9.17")
    assert quantitative("≥90%", "96%").points == D("10.00")


def test_quantitative_over_130_percent_of_target_needs_an_explanation():
    got = quantitative("≥100", "131")
    assert any("需说明目标是否偏低" in warning for warning in got.warnings)


def test_quantitative_lower_is_better_formula_a():
    assert quantitative("≤10天", "12天").points == D("8.00")
    assert quantitative("≤10天", "20天").points == D("0.00")
    assert quantitative("≤10天", "9天").points == D("10.00")


def test_quantitative_lower_is_better_formula_b_is_a_setting():
    assert quantitative("≤10天", "12天", settings={"lower_is_better_formula": "b"}).points == D("8.33")


def test_quantitative_equal_to_scores_by_deviation_or_all_or_nothing():
    assert quantitative("=100%", "100%").points == D("10.00")
    assert quantitative("=100%", "95%").points == D("9.50")
    assert quantitative("=100%", "95%", settings={"equal_to_formula": "all_or_nothing"}).points == D("0.00")


def test_quantitative_target_that_cannot_be_parsed_is_missing_unless_given():
    got = quantitative("每月一次", "11次")
    assert got.points is None
    assert got.missing == ["年度指标值"]
    assert quantitative("每月一次", "11次", target=D(12), comparator=">=").points == D("9.17")


def test_deviation_deduction_takes_two_points_at_30_percent_when_switched_on():
    settings = {"deviation_deduction": True}
    assert quantitative("≥10", "7", settings=settings).points == D("5.00")
    assert quantitative("≥10", "8", settings=settings).points == D("8.00")


def test_quarterly_progress_sums_quarters_and_the_average():
    rule = {"kind": "quarterly_progress"}
    facts = {
        "spending_q1": D(20),
        "spending_q2": D(50),
        "spending_q3": D(75),
        "spending_q4": D(100),
        "budget_full_year": D(100),
    }
    got = line(one(rule, weight=6), facts)
    # Q1 0.8, Q2-4 1.0: 3.8 × 1 + 0.95 × 2 = 5.70
    assert got.points == D("5.70")


def test_quarterly_cap_is_a_setting():
    rule = {"kind": "quarterly_progress"}
    facts = {
        "spending_q1": D(30),
        "spending_q2": D(50),
        "spending_q3": D(75),
        "spending_q4": D(100),
        "budget_full_year": D(100),
    }
    assert line(one(rule, weight=6), facts).points == D("6.00")
    uncapped = line(one(rule, weight=6, settings={"quarterly_cap": False}), facts)
    assert uncapped.points == D("6.00")  # the item never exceeds its weight
    assert uncapped.rates["q1_ratio"] == D("1.2")


def test_weighted_satisfaction_is_50_40_10():
    rule = {
        "kind": "weighted_satisfaction",
        "weights": {"satisfaction_recipients": "50%", "satisfaction_public": "40%", "satisfaction_staff": "10%"},
    }
    facts = {"satisfaction_recipients": D("0.96"), "satisfaction_public": D("0.90"), "satisfaction_staff": D("1")}
    got = line(one(rule, weight=6), facts)
    assert got.rates["satisfaction_rate"] == D("0.94")
    assert got.points == D("5.64")


def test_execution_caps_on_the_total_are_off_by_default_and_cap_when_on():
    def sheet(settings):
        framework = framework_from_dict(
            {
                "code": "t",
                "name": "测试",
                "settings": settings,
                "indicators": [{"code": "m", "name": "人工", "weight": 100, "rule": {"kind": "manual"}}],
            }
        )
        facts = {"spending_actual": D(75), "budget_full_year": D(100)}
        return score(framework, facts, [IndicatorEntry(code="m", score=D(95), reason="依据")])

    assert sheet({}).total == D("95.00")
    capped = sheet({"execution_caps": True})
    assert capped.total == D(89)
    assert capped.adjustments == ["预算执行率 75.00%，总分封顶 89 分（按规则 95.00 分）"]
