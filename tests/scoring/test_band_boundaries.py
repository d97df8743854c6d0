"""Every band boundary of every shipped framework: exactly on the bound, 0.01 below and 0.01 above.

The cases are generated from the framework files, so a band added to a YAML file is tested without a new test.
Rates are fractions, so "0.01" is 0.01 percentage point (0.0001) for percentage bounds and 0.01 for point bounds.
"""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from scoring.engine import IndicatorEntry, ScoringError, framework_from_dict
from scoring.engine.rules import (
    QUALITATIVE_BANDS,
    BandsRule,
    CompositeRule,
    Context,
    ExcessDeductionRule,
    Outcome,
    QualitativeRule,
    RatioRule,
    Settings,
)

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = [
    framework_from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))
    for path in sorted((ROOT / "fixtures" / "frameworks").glob("*.yaml"))
]
STEP = Decimal("0.0001")


def _rules():
    for framework in FRAMEWORKS:
        for indicator in framework.walk():
            if indicator.rule is None:
                continue
            yield f"{framework.code}:{indicator.code}", indicator.rule
            if isinstance(indicator.rule, CompositeRule):
                for part in indicator.rule.parts:
                    yield f"{framework.code}:{indicator.code}.{part.code}", part.rule


RULES = list(_rules())


def _expected_band(rule: BandsRule, value: Decimal):
    """Independent of Band.contains: a value belongs to the band whose bounds admit it, written out longhand."""
    matches = []
    for band in rule.bands:
        above = band.min is None or value > band.min or (value == band.min and band.min_inclusive)
        below = band.max is None or value < band.max or (value == band.max and band.max_inclusive)
        if above and below:
            matches.append(band)
    assert len(matches) == 1, f"{value} falls in {len(matches)} bands"
    return matches[0]


BAND_CASES = [
    pytest.param(rule, bound + delta, id=f"{name}@{bound}{delta:+}")
    for name, rule in RULES
    if isinstance(rule, BandsRule)
    for band in rule.bands
    for bound in (band.min, band.max)
    if bound is not None
    for delta in (-STEP, Decimal(0), STEP)
]


def test_every_shipped_framework_has_band_rules_to_test():
    assert len(BAND_CASES) >= 60


@pytest.mark.parametrize(("rule", "rate"), BAND_CASES)
def test_band_boundaries_land_in_the_band_their_bounds_say(rule, rate):
    outcome = rule.apply(rate, Outcome(None))
    assert outcome.points == _expected_band(rule, rate).points


EXCESS_CASES = [
    pytest.param(rule, rule.threshold + delta, id=f"{name}{delta:+}")
    for name, rule in RULES
    if isinstance(rule, ExcessDeductionRule)
    for delta in (-STEP, Decimal(0), STEP)
]


def test_every_framework_with_thresholds_is_covered():
    assert len(EXCESS_CASES) >= 30


@pytest.mark.parametrize(("rule", "rate"), EXCESS_CASES)
def test_excess_deduction_is_full_on_the_threshold_and_deducts_just_above(rule, rate):
    points = rule.apply(rate, Outcome(None)).points
    if rate <= rule.threshold:
        assert points == rule.weight
    else:
        assert points == max(rule.floor, rule.weight - (rate - rule.threshold) * 100 * rule.per_point)
        assert points < rule.weight


RATIO_CASES = [
    pytest.param(rule, bound + delta, id=f"{name}@{bound}{delta:+}")
    for name, rule in RULES
    if isinstance(rule, RatioRule)
    for bound in {rule.cap, *([rule.zero_above] if rule.zero_above is not None else [])}
    for delta in (-STEP, Decimal(0), STEP)
]


@pytest.mark.parametrize(("rule", "rate"), RATIO_CASES)
def test_ratio_cap_and_zero_bound_apply_exactly_at_the_bound(rule, rate):
    points = rule.apply(rate, Outcome(None)).points
    if rule.zero_above is not None and rate > rule.zero_above:
        assert points == 0
    else:
        assert points == min(rate, rule.cap) * rule.weight


QUALITATIVE_CASES = [
    pytest.param(rule, outcome, share, delta, id=f"{name}:{outcome}@{share}{delta:+}")
    for name, rule in RULES
    if isinstance(rule, QualitativeRule)
    for outcome, (low, _, high, _) in QUALITATIVE_BANDS.items()
    for share in (low, high)
    for delta in (Decimal("-0.01"), Decimal(0), Decimal("0.01"))
]


def test_every_qualitative_indicator_is_covered():
    assert len(QUALITATIVE_CASES) >= 100


@pytest.mark.parametrize(("rule", "outcome", "share", "delta"), QUALITATIVE_CASES)
def test_qualitative_band_bounds_accept_and_refuse_exactly(rule, outcome, share, delta):
    score = share * rule.weight + delta
    low, low_inclusive, high, high_inclusive = QUALITATIVE_BANDS[outcome]
    inside = (score > low * rule.weight or (low_inclusive and score == low * rule.weight)) and (
        score < high * rule.weight or (high_inclusive and score == high * rule.weight)
    )
    entry = IndicatorEntry(code="x", outcome=outcome, score=score, reason="说明")
    ctx = Context({}, Settings())
    if inside:
        assert rule.evaluate(ctx, entry).points == score
    else:
        with pytest.raises(ScoringError):
            rule.evaluate(ctx, entry)


GRADE_CASES = [
    pytest.param(framework, band.min + delta, id=f"{framework.code}@{band.min}{delta:+}")
    for framework in FRAMEWORKS
    for band in framework.grades
    for delta in (Decimal("-0.01"), Decimal(0), Decimal("0.01"))
    if Decimal(0) <= band.min + delta <= Decimal(100)
] + [pytest.param(framework, Decimal(100), id=f"{framework.code}@100") for framework in FRAMEWORKS]


@pytest.mark.parametrize(("framework", "total"), GRADE_CASES)
def test_grade_bounds_are_inclusive_below_and_exclusive_above(framework, total):
    expected = [
        band.label
        for band in framework.grades
        if band.min <= total and (band.max is None or total < band.max or (band.max_inclusive and total == band.max))
    ]
    assert [framework.grade(total)] == expected
