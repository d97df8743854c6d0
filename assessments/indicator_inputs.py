"""What the unit answers for a framework indicator, read off its engine rule: nothing for a rule computed from facts,
a count of failed items, yes/no or single-choice sub-items, an outcome with a score, or a manual score with a reason."""

from dataclasses import dataclass, field
from decimal import Decimal

from scoring.engine import rules
from scoring.engine.framework import IndicatorSpec

YES, NO = "yes", "no"
# Modes whose rule computes the score from data: when the unit cannot obtain that data, it may score by hand instead.
HAND_SCORABLE = frozenset({"computed", "answers", "quantitative"})


@dataclass(frozen=True)
class AnswerInput:
    key: str  # the part code, or "answer" for the indicator itself
    label: str
    weight: Decimal
    options: tuple[tuple[str, str], ...] = field(default=())  # (value, label); empty for a count
    is_count: bool = False


@dataclass(frozen=True)
class IndicatorInputs:
    mode: str  # computed | answers | manual | qualitative | quantitative
    answers: tuple[AnswerInput, ...] = ()


def _check_options(weight: Decimal) -> tuple[tuple[str, str], ...]:
    """符合 / 不符合, and partial scores in steps of 0.5 (酌情扣分) for sub-items worth more than 0.5."""
    options = [(YES, f"符合（{weight.normalize():f} 分）"), (NO, "不符合（0 分）")]
    step, partial = Decimal("0.5"), weight - Decimal("0.5")
    while partial > 0:
        options.append((f"{partial.normalize():f}", f"部分符合（{partial.normalize():f} 分）"))
        partial -= step
    return tuple(options)


def _answer_input(key: str, label: str, rule) -> AnswerInput | None:
    if isinstance(rule, rules.CheckRule):
        return AnswerInput(key, label, rule.weight, _check_options(rule.weight))
    if isinstance(rule, rules.ChoiceRule):
        return AnswerInput(key, label, rule.weight, tuple((code, text) for code, text, _ in rule.options))
    if isinstance(rule, rules.ItemDeductionRule) and rule.planned is None:
        return AnswerInput(key, f"{label}：{rule.item_label}的项数", rule.weight, is_count=True)
    return None


def inputs_for(spec: IndicatorSpec) -> IndicatorInputs:
    rule = spec.rule
    if isinstance(rule, rules.ManualRule):
        return IndicatorInputs("manual")
    if isinstance(rule, rules.QualitativeRule):
        return IndicatorInputs("qualitative")
    if isinstance(rule, rules.QuantitativeRule):
        return IndicatorInputs("quantitative")
    if isinstance(rule, rules.CompositeRule):
        parts = tuple(a for p in rule.parts if (a := _answer_input(p.code, p.label, p.rule)) is not None)
        return IndicatorInputs("answers" if parts else "computed", parts)
    single = _answer_input("answer", spec.name, rule)
    if single is not None:
        return IndicatorInputs("answers", (single,))
    return IndicatorInputs("computed")


def to_stored(value: str):
    """A form's answer as stored in IndicatorRow.answers (and read by the engine): True, False, a partial score as
    text, or an option code."""
    if value == YES:
        return True
    if value == NO:
        return False
    return value


def from_stored(value) -> str:
    if value is True:
        return YES
    if value is False:
        return NO
    return "" if value is None else str(value)
