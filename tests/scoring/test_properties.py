"""Properties over random inputs: scores stay within their weights, totals add up, better never scores lower,
and no float ever reaches a sheet."""

from decimal import Decimal
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import IndicatorEntry, framework_from_dict, score
from scoring.engine.rules import (
    QUALITATIVE_BANDS,
    BandsRule,
    ChoiceRule,
    CompositeRule,
    Context,
    ExcessDeductionRule,
    ItemDeductionRule,
    ManualRule,
    Outcome,
    QualitativeRule,
    QuantitativeRule,
    RatioRule,
    Settings,
)
from scoring.engine.vocabulary import FACTS

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = {
    path.stem: framework_from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))
    for path in sorted((ROOT / "fixtures" / "frameworks").glob("*.yaml"))
}
RULE_FRAMEWORKS = ["futian-common-2021", "hunan-overall", "guangdong-overall"]
CENT = Decimal("0.01")

amounts = st.decimals(min_value=0, max_value=2000, places=2, allow_nan=False, allow_infinity=False)
fractions = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=3, places=4, allow_nan=False, allow_infinity=False)


def fact_value(name):
    unit = FACTS[name].unit
    if unit == "%":
        return fractions
    if unit in ("人", "个", "份"):
        return st.integers(min_value=0, max_value=500).map(Decimal)
    return amounts


def points_within(weight):
    return st.decimals(min_value=0, max_value=weight, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def qualitative_entry(draw, code, weight):
    outcome = draw(st.sampled_from(sorted(QUALITATIVE_BANDS)))
    low, _, high, high_inclusive = QUALITATIVE_BANDS[outcome]
    top = high * weight if high_inclusive else high * weight - CENT
    points = draw(st.decimals(min_value=low * weight, max_value=top, places=2, allow_nan=False, allow_infinity=False))
    return IndicatorEntry(code=code, outcome=outcome, score=points, reason="说明")


def answer_for(rule):
    if isinstance(rule, ChoiceRule):
        return st.sampled_from([code for code, _, _ in rule.options])
    if isinstance(rule, ItemDeductionRule):
        return st.integers(min_value=0, max_value=8).map(Decimal)
    if isinstance(rule, ManualRule):
        return points_within(rule.weight)
    return st.one_of(st.booleans(), points_within(rule.weight))  # a check


@st.composite
def entry_for(draw, indicator):
    rule = indicator.rule
    code = indicator.code
    if isinstance(rule, QualitativeRule):
        return draw(qualitative_entry(code, rule.weight))
    if isinstance(rule, ManualRule):
        return IndicatorEntry(code=code, score=draw(points_within(rule.weight)), reason="依据")
    if isinstance(rule, ItemDeductionRule) and not rule.planned:
        return IndicatorEntry(code=code, answer=draw(answer_for(rule)), reason="说明")
    if isinstance(rule, CompositeRule):
        answers = {
            part.code: draw(answer_for(part.rule))
            for part in rule.parts
            if not isinstance(part.rule, RatioRule | BandsRule | ExcessDeductionRule)
        }
        for flag, _ in rule.zero_if:
            answers[flag] = draw(st.booleans())
        return IndicatorEntry(code=code, answers=answers, reason="说明")
    return None


@st.composite
def assessment(draw, code):
    framework = FRAMEWORKS[code]
    names = sorted({name for indicator in framework.walk() if indicator.rule for name in indicator.rule.facts()})
    facts = {name: draw(fact_value(name)) for name in names}
    entries = [entry for indicator in framework.walk() if indicator.rule if (entry := draw(entry_for(indicator)))]
    return framework, facts, entries


@st.composite
def any_assessment(draw):
    return draw(assessment(draw(st.sampled_from(RULE_FRAMEWORKS))))


@settings(max_examples=150, deadline=None)
@given(any_assessment())
def test_every_score_lies_between_zero_and_its_weight(case):
    sheet = score(*case)
    assert sheet.lines  # every framework has indicators: an empty sheet would pass the loop unchecked
    for line in sheet.lines:
        if line.is_leaf and line.points is not None:
            assert Decimal(0) <= line.points <= line.weight, line.code


@settings(max_examples=150, deadline=None)
@given(any_assessment())
def test_the_total_is_the_sum_of_the_rounded_items(case):
    sheet = score(*case)
    leaves = [line for line in sheet.lines if line.is_leaf]
    assert leaves
    for line in leaves:
        if line.points is not None:
            assert line.points == line.points.quantize(CENT)
    if sheet.total is not None:
        assert sheet.total == sum(line.points for line in leaves)
        assert sheet.grade is not None
        for code, value in sheet.subtotals.items():
            assert value == sum(leaf.points for leaf in leaves if _under(sheet, leaf, code))


def _under(sheet, line, code):
    parents = {each.code: each.parent for each in sheet.lines}
    node = line.code
    while node is not None:
        if node == code:
            return True
        node = parents.get(node)
    return False


def _no_float(value):
    if isinstance(value, float):
        return False
    if isinstance(value, dict):
        return all(_no_float(item) for item in value.values())
    if isinstance(value, list | tuple):
        return all(_no_float(item) for item in value)
    return True


@settings(max_examples=100, deadline=None)
@given(any_assessment())
def test_no_float_ever_appears_in_a_sheet(case):
    sheet = score(*case)
    assert _no_float(sheet.to_dict())
    assert sheet.lines
    for line in sheet.lines:
        assert not isinstance(line.points, float)
        assert _no_float(line.inputs) and _no_float(line.rates)


# --- better never scores lower, rule by rule -------------------------------------------------------------------------


def _shipped(kind):
    return [
        rule
        for framework in FRAMEWORKS.values()
        for indicator in framework.walk()
        if indicator.rule
        for rule in ([indicator.rule] + [part.rule for part in getattr(indicator.rule, "parts", ())])
        if isinstance(rule, kind)
    ]


def _direction(rule: BandsRule) -> int:
    points = [band.points for band in rule.bands]
    return 1 if points == sorted(points) else -1


def test_every_shipped_band_rule_is_monotonic():
    assert _shipped(BandsRule)
    for rule in _shipped(BandsRule):
        points = [band.points for band in rule.bands]
        assert points in (sorted(points), sorted(points, reverse=True))


@given(st.data(), rates, rates)
def test_a_better_rate_never_scores_lower_on_band_rules(data, a, b):
    rule = data.draw(st.sampled_from(_shipped(BandsRule)))
    worse, better = sorted((a, b)) if _direction(rule) == 1 else sorted((a, b), reverse=True)
    assert rule.apply(better, Outcome(None)).points >= rule.apply(worse, Outcome(None)).points


@given(st.data(), rates, rates)
def test_a_lower_rate_never_scores_lower_on_excess_deduction_rules(data, a, b):
    rule = data.draw(st.sampled_from(_shipped(ExcessDeductionRule)))
    low, high = sorted((a, b))
    assert rule.apply(low, Outcome(None)).points >= rule.apply(high, Outcome(None)).points


@given(st.data(), fractions, fractions)
def test_a_higher_rate_never_scores_lower_on_ratio_rules_up_to_plan(data, a, b):
    rule = data.draw(st.sampled_from(_shipped(RatioRule)))
    low, high = sorted((a, b))
    assert rule.apply(high, Outcome(None)).points >= rule.apply(low, Outcome(None)).points


quantities = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=Decimal("0.01"), max_value=1000, places=2, allow_nan=False, allow_infinity=False)


@given(positive, quantities, quantities, st.sampled_from(["a", "b"]), st.booleans())
def test_quantitative_rows_never_score_lower_for_a_better_result(target, a, b, formula, deviation):
    ctx = Context({}, Settings(lower_is_better_formula=formula, deviation_deduction=False))
    rule = QuantitativeRule(Decimal(10))
    low, high = sorted((a, b))

    def points(comparator, actual):
        entry = IndicatorEntry(code="x", target=target, actual=actual, comparator=comparator)
        return rule.evaluate(ctx, entry).points

    assert points(">=", high) >= points(">=", low)
    assert points("<=", low) >= points("<=", high)
    for actual in (low, high):
        assert Decimal(0) <= points(">=", actual) <= 10
        assert Decimal(0) <= points("<=", actual) <= 10
        assert Decimal(0) <= points("=", actual) <= 10


@settings(max_examples=100, deadline=None)
@given(assessment("futian-common-2021"), amounts)
def test_more_fixed_assets_in_use_never_lowers_the_futian_total(case, extra):
    framework, facts, entries = case
    before = score(framework, facts, entries)
    improved = dict(facts, fixed_assets_in_use=facts["fixed_assets_in_use"] + extra)
    after = score(framework, improved, entries)
    if before.total is not None and after.total is not None:
        assert after.total >= before.total
