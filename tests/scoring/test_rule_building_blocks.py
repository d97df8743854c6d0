"""The pieces rules are built from, each in full: a band's name from its bounds, the bands a framework writes, a rate
spec of each form, the carry-over applied to the execution rate only, and counts and points as written."""

from decimal import Decimal

import pytest

from scoring.engine.rules import (
    RateSpec,
    band_label,
    build_rule,
    count_text,
    parse_bands,
    round_points,
    with_execution_carryover,
)

D = Decimal


@pytest.mark.parametrize(
    ("low", "low_inc", "high", "high_inc", "percent", "label"),
    [
        (None, True, D("0.6"), False, True, "低于60%"),
        (None, True, D("0.6"), True, True, "不高于60%"),
        (D("0.9"), True, None, False, True, "90%及以上"),
        (D("0.9"), False, None, False, True, "高于90%"),
        (None, True, None, False, True, "任意值"),
        (D("0.6"), True, D("0.75"), False, True, "60%（含）至75%以下"),
        (D("0.6"), False, D("0.75"), True, True, "高于60%至75%（含）"),
        (D(5), True, D(10), False, False, "5（含）至10以下"),
        (None, True, D(3), True, False, "不高于3"),
    ],
)
def test_a_band_without_a_label_is_named_by_its_bounds(low, low_inc, high, high_inc, percent, label):
    assert band_label(low, low_inc, high, high_inc, percent) == label


def test_bands_are_read_in_order_with_their_inclusive_sides_and_clauses():
    bands = parse_bands(
        [{"max": "60%", "points": 0}, {"min": "60%", "max": "75%", "points": "0.4"}, {"min": "75%", "points": 1}],
        D(1),
        "x",
    )
    assert [(b.min, b.min_inclusive, b.max, b.max_inclusive, b.points, b.label, b.clause) for b in bands] == [
        (None, True, D("0.6"), False, D(0), "低于60%", "，低于60%"),
        (D("0.6"), True, D("0.75"), False, D("0.4"), "60%（含）至75%以下", "，60%（含）至75%以下"),
        (D("0.75"), True, None, False, D(1), "75%及以上", "，75%及以上"),
    ]
    counts = parse_bands(
        [{"min": 5, "min_inclusive": False, "points": 0}, {"min": 0, "max": 5, "max_inclusive": True, "points": 1}],
        D(1),
        "x",
        percent=False,
    )
    assert [(b.min, b.min_inclusive, b.max, b.max_inclusive, b.points, b.label) for b in counts] == [
        (D(0), True, D(5), True, D(1), "0（含）至5（含）"),
        (D(5), False, None, False, D(0), "高于5"),
    ]


def test_a_rate_spec_of_each_form():
    fact = RateSpec.from_params({"fact": "satisfaction_public", "label": "满意度"}, "x")
    assert (fact.form, fact.key, fact.label, fact.facts, fact.if_no_base, fact.no_base_label) == (
        "fact",
        "rate",
        "满意度",
        ("satisfaction_public",),
        None,
        "无发生额",
    )
    ratio = RateSpec.from_params({"numerator": "a", "denominator": ["b", "-c"]}, "where")
    assert (ratio.form, ratio.key, ratio.label, ratio.numerator, ratio.denominator, ratio.facts, ratio.simple) == (
        "ratio",
        "rate",
        "where",  # no label: named by where it is written
        (("a", 1),),
        (("b", 1), ("c", -1)),
        ("a", "b", "c"),
        None,
    )
    same = RateSpec.from_params({"numerator": "a", "denominator": "a"}, "where")
    assert (same.simple, same.facts) == (None, ("a",))
    full = RateSpec.from_params(
        {"numerator": "a", "denominator": "b", "if_no_base": "full", "no_base_label": "未建设"}, "w"
    )
    assert (full.simple, full.if_no_base, full.no_base_label) == (("a", "b"), "full", "未建设")
    change = RateSpec.from_params({"change": ["a", "b"]}, "w")
    assert (change.form, change.numerator, change.denominator, change.simple) == (
        "change",
        (("a", 1), ("b", -1)),
        (("b", 1),),
        None,
    )


def test_the_carry_over_setting_changes_the_execution_rate_and_nothing_else():
    other = build_rule(
        "ratio",
        D(10),
        {"rate": {"label": "x", "key": "other", "numerator": "spending_actual", "denominator": "budget_full_year"}},
        "w",
    )
    assert with_execution_carryover(other, "net_spending") is other
    execution = build_rule("budget_execution", D(10), {}, "w")
    assert with_execution_carryover(execution, "none") is execution
    net = with_execution_carryover(execution, "net_spending").rate
    assert (net.numerator, net.denominator) == (
        (("spending_actual", 1), ("carryover_start", -1)),
        (("budget_full_year", 1),),
    )
    added = with_execution_carryover(execution, "add_to_budget").rate
    assert (added.numerator, added.denominator) == (
        (("spending_actual", 1),),
        (("budget_full_year", 1), ("carryover_start", 1)),
    )


def test_counts_and_points_are_written_as_people_write_them():
    assert (count_text(D("2.0")), count_text(D("-0")), count_text(D("10"))) == ("2", "-0", "10")
    assert (round_points(D("2.345"), 1), round_points(D("2.345"), 2), round_points(D("2.355"), 2)) == (
        D("2.3"),
        D("2.35"),
        D("2.36"),
    )
