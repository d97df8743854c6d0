"""Rule kinds: one small class per way of turning inputs into points.

A rule is built once from a framework's parameters (``from_params`` validates them and raises ``ScoringError``) and
then evaluated for every assessment. ``evaluate`` returns unrounded points: the engine rounds each indicator once, as
the framework says, so a composite indicator is not rounded part by part (政府采购 0.9889 + 1 = 1.99, not 0.99 + 1).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

from . import vocabulary
from .errors import ScoringError
from .inputs import (
    EMPTY_ENTRY,
    OUTCOMES,
    IndicatorEntry,
    PartEntry,
    accepted_outcomes,
    direction_comparator,
    outcome_code,
)
from .lazy import Text, append, render
from .numbers import (
    HUNDRED,
    ONE,
    ZERO,
    Target,
    check_range,
    fmt,
    fmt_bound,
    fmt_percent,
    parse_deadline,
    parse_rate,
    quantize,
    read_actual,
    read_completion,
    read_target,
    show_points,
    to_decimal,
)

_NO_TARGET = Target(None, None, False)  # a target typed as a number carries no unit to read the result in

ENTRY_FIELDS = {
    "answer": "填报结果",
    "answers": "各子项结果",
    "score": "评分",
    "reason": "评分理由或偏差原因",
    "outcome": "定性评价结果",
    "target": "年度指标值",
    "actual": "实际完成值",
}


def describe_entry_field(name: str) -> str:
    """An entry field as the user reads it: by its label alone, as vocabulary.describe names a fact. Only the fields
    above are ever named."""
    return ENTRY_FIELDS[name]


@dataclass(frozen=True, slots=True)
class Settings:
    """The choices on which the official rules and local practice differ: each framework makes them, these are the
    usual defaults."""

    lower_is_better_formula: str = "a"  # (a) vendor systems, (b) target ÷ actual
    equal_to_formula: str = "deviation"  # or "all_or_nothing"
    quarterly_cap: bool = True  # cap each quarter's ratio to time progress at 100 %
    execution_caps: bool = False  # cap the total by the execution rate (one 预算一体化 manual)
    execution_cap_table: tuple[tuple[Decimal, Decimal], ...] = (
        (Decimal("0.8"), Decimal(89)),
        (Decimal("0.7"), Decimal(79)),
        (Decimal("0.6"), Decimal(69)),
        (Decimal("0.5"), Decimal(59)),
    )
    deviation_deduction: bool = False  # deduct when a result deviates ≥ threshold from its target
    deviation_threshold: Decimal = Decimal("0.30")
    deviation_points: Decimal = Decimal(2)
    over_completion_warning: Decimal = Decimal("1.30")
    execution_reason_below: Decimal = Decimal("0.90")
    deadline_late_share: Decimal = ZERO  # the share of its weight a 时效 row earns when its deadline was missed
    # How the execution rate (key execution_rate) treats the prior-year carry-over (上年结转, carryover_start):
    # "none" 全年执行数 ÷ 全年预算数; "net_spending" (全年执行数 − 上年结转) ÷ 全年预算数; "add_to_budget"
    # 全年执行数 ÷ (全年预算数 + 上年结转). Which region uses which: README, "Scoring".
    execution_carryover: str = "none"


EXECUTION_CARRYOVER_MODES = ("none", "net_spending", "add_to_budget")


# How the explanation of a scored line ends (``Outcome.close``): “→ 0.70 分”, “→ 0.7 分”, “；合计 4.50 分”.
CLOSE_POINTS = 1
CLOSE_LITERAL = 2
CLOSE_TOTAL = 3


class Outcome:
    """What a rule found: unrounded points (None when it cannot score) and how it got there.

    A plain class rather than a dataclass: one is built for every indicator and every part of every sheet. To keep
    that cheap the explanation may be given as deferred pieces (``lazy.Text``), written the first time
    ``explanation`` is read, and the dicts and lists (``inputs``, ``rates``, ``missing``, ``warnings``, ``parts``) are
    created when first used; the engine reads the underlying ``_inputs``… slots, where None means empty.
    """

    # ``close`` is how the explanation of a scored line ends (CLOSE_*: the points as computed, as written in the
    # framework — ``literal`` —, or a composite's total); the scorer sets ``close_points`` (the rounded points), or
    # ``close`` to 0 when there are none. See ``sheet.ScoreLine.explanation``.
    __slots__ = (
        "_inputs",
        "_missing",
        "_parts",
        "_rates",
        "_warnings",
        "band",
        "close",
        "close_points",
        "points",
        "text",
    )

    def __init__(
        self,
        points: Decimal | None,
        explanation: Text = "",
        band: str | None = None,
        inputs: dict[str, Decimal] | None = None,
        missing: list[str] | None = None,
        warnings: list[str] | None = None,
        literal: bool = False,
    ):
        self.points = points
        self.text = explanation  # a string, or the pieces it will be written from
        self.band = band
        self._inputs = inputs
        self._rates: dict[str, Decimal] | None = None
        self._missing = missing
        self._warnings = warnings
        self._parts: list[PartOutcome] | None = None
        self.close = CLOSE_LITERAL if literal else CLOSE_POINTS

    @property
    def literal(self) -> bool:
        """The points are a figure from the framework (shown '0.7'), not a computation (shown '0.70')."""
        return self.close == CLOSE_LITERAL

    @literal.setter
    def literal(self, value: bool) -> None:
        self.close = CLOSE_LITERAL if value else CLOSE_POINTS

    @property
    def inputs(self) -> dict[str, Decimal]:
        if self._inputs is None:
            self._inputs = {}
        return self._inputs

    @inputs.setter
    def inputs(self, value: dict[str, Decimal]) -> None:
        self._inputs = value

    @property
    def rates(self) -> dict[str, Decimal]:
        if self._rates is None:
            self._rates = {}
        return self._rates

    @rates.setter
    def rates(self, value: dict[str, Decimal]) -> None:
        self._rates = value

    @property
    def missing(self) -> list[str]:
        if self._missing is None:
            self._missing = []
        return self._missing

    @missing.setter
    def missing(self, value: list[str]) -> None:
        self._missing = value

    @property
    def warnings(self) -> list[str]:
        if self._warnings is None:
            self._warnings = []
        return self._warnings

    @warnings.setter
    def warnings(self, value: list[str]) -> None:
        self._warnings = value

    @property
    def parts(self) -> "list[PartOutcome]":
        if self._parts is None:
            self._parts = []
        return self._parts

    @parts.setter
    def parts(self, value: "list[PartOutcome]") -> None:
        self._parts = value

    @property
    def explanation(self) -> str:
        text = self.text
        if text.__class__ is not str:
            text = self.text = render(text)
        return text

    @explanation.setter
    def explanation(self, value: str) -> None:
        self.text = value

    def add(self, piece: str | tuple) -> None:
        """Continue the explanation with a string or a deferred piece (see ``lazy``)."""
        self.text = append(self.text, piece)


class PartOutcome:
    """One part of a composite indicator on a sheet; its explanation is written on first read, like a line's."""

    __slots__ = ("code", "label", "points", "text", "weight")

    def __init__(self, code: str, label: str, weight: Decimal, points: Decimal | None, explanation: Text):
        self.code = code
        self.label = label
        self.weight = weight
        self.points = points
        self.text = explanation

    @property
    def explanation(self) -> str:
        text = self.text
        if text.__class__ is not str:
            text = self.text = render(text)
        return text

    def _key(self) -> tuple:
        return (self.code, self.label, self.weight, self.points, self.explanation)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartOutcome) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"PartOutcome(code={self.code!r}, label={self.label!r}, weight={self.weight!r}, "
            f"points={self.points!r}, explanation={self.explanation!r})"
        )


class Context:
    """What every rule reads: the facts, the framework's settings and its rounding places.

    A plain slotted class (one is made per score; a frozen dataclass costs more to build). Treat it as read-only.
    """

    __slots__ = ("facts", "places", "settings")

    def __init__(self, facts: Mapping[str, Decimal], settings: Settings, places: int = 2):
        self.facts = facts
        self.settings = settings
        self.places = places

    def __repr__(self) -> str:
        return f"Context(facts={self.facts!r}, settings={self.settings!r}, places={self.places!r})"


def missing_outcome(names: list[str], explanation: str = "") -> Outcome:
    return Outcome(None, explanation or (_missing_text, tuple(names)), None, None, names)


def _missing_text(names: tuple[str, ...]) -> str:
    return "缺少：" + "、".join(names)


def show_fact(name: str, value: Decimal) -> str:
    fact = vocabulary.FACTS.get(name)
    if fact is not None and fact.unit == "%":
        return fmt_percent(value)
    if fact is not None and fact.unit != "万元" and value == value.to_integral_value():
        return f"{value.to_integral_value():f}"
    return fmt(value)


# --- rates -----------------------------------------------------------------------------------------------------------


def _terms(value: object, where: str) -> tuple[tuple[str, int], ...]:
    """'a' or ['a', 'b', '-c'] → (('a', 1), ('b', 1), ('c', -1))."""
    names = [value] if isinstance(value, str) else list(value or [])
    if not names:
        raise ScoringError("比率缺少分子或分母", field=where)
    terms = []
    for name in names:
        sign = -1 if name.startswith("-") else 1
        terms.append((name.lstrip("-"), sign))
    return tuple(terms)


@dataclass(frozen=True, slots=True)
class RateSpec:
    """How a rate is computed from facts, and how it is written in an explanation."""

    key: str
    label: str
    form: str  # ratio | change | fact | weighted
    numerator: tuple[tuple[str, int], ...] = ()
    denominator: tuple[tuple[str, int], ...] = ()
    weights: tuple[tuple[str, Decimal], ...] = ()
    if_no_base: str | None = None  # "full": a zero base (nothing built) earns full marks
    no_base_label: str = "无发生额"

    @classmethod
    def from_params(cls, params: Mapping, where: str) -> "RateSpec":
        label = params.get("label") or where
        key = params.get("key") or "rate"
        common = {"key": key, "label": label, "if_no_base": params.get("if_no_base")}
        if params.get("no_base_label"):
            common["no_base_label"] = params["no_base_label"]
        if "change" in params:
            new, old = params["change"]
            return cls(form="change", numerator=((new, 1), (old, -1)), denominator=((old, 1),), **common)
        if "fact" in params:
            return cls(form="fact", numerator=((params["fact"], 1),), **common)
        if "weighted" in params:
            weights = tuple((name, parse_rate(share, field=where)) for name, share in params["weighted"].items())
            if sum(share for _, share in weights) != ONE:
                raise ScoringError("加权满意度的权重之和应为 100%", field=where)
            return cls(form="weighted", weights=weights, **common)
        return cls(
            form="ratio",
            numerator=_terms(params.get("numerator"), where),
            denominator=_terms(params.get("denominator"), where),
            **common,
        )

    facts: tuple[str, ...] = ()
    # (numerator, denominator) when each is one fact added, as most rates are: computed without the general sums.
    simple: tuple[str, str] | None = field(default=None, init=False, repr=False, compare=False)
    # (numerator, denominator) with each sign as a Decimal: multiplying by an int converts it to the same Decimal
    # first, for every term of every sheet.
    signed: tuple = field(default=((), ()), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [name for name, _ in self.numerator + self.denominator] + [name for name, _ in self.weights]
        object.__setattr__(self, "facts", tuple(dict.fromkeys(names)))
        signed = tuple(
            tuple((name, Decimal(sign)) for name, sign in side) for side in (self.numerator, self.denominator)
        )
        object.__setattr__(self, "signed", signed)
        # Only a ratio can be simple: a fact or weighted rate has no numerator, a change rate two terms in it.
        if (
            len(self.numerator) == len(self.denominator) == 1
            and self.numerator[0][1] == self.denominator[0][1] == 1
            and self.numerator[0][0] != self.denominator[0][0]
        ):
            object.__setattr__(self, "simple", (self.numerator[0][0], self.denominator[0][0]))

    def evaluate(self, facts: Mapping[str, Decimal], outcome: Outcome) -> Decimal | None:
        """The rate, with its inputs and formula recorded on ``outcome``; None when an input is missing (named in
        ``outcome.missing``) or, every input given, the base (denominator) is zero.

        The formula is written only when the explanation is read; it keeps the figures it shows (``values``).
        """
        simple = self.simple
        if simple is not None:
            top_name, base_name = simple
            if top_name not in facts or base_name not in facts:
                return self._missing(facts, outcome)
            top = facts[top_name]
            base = facts[base_name]
            values = (top, base)
            if outcome._inputs is None:
                outcome._inputs = {top_name: top, base_name: base}
            else:
                outcome._inputs.update(((top_name, top), (base_name, base)))
            # ZERO + x, as sum(…, ZERO) did: the same Decimal, exponent included.
            top = ZERO + top
            base = ZERO + base
        else:
            names = self.facts
            try:
                values = tuple([facts[name] for name in names])
            except KeyError:
                return self._missing(facts, outcome)
            if outcome._inputs is None:
                outcome._inputs = dict(zip(names, values, strict=True))
            else:
                outcome._inputs.update(zip(names, values, strict=True))
            if self.form == "fact":
                rate = values[0]
                outcome.text = (RateSpec._fact_text, self, rate)
                outcome.rates[self.key] = rate
                return rate
            if self.form == "weighted":
                rate = sum((facts[name] * share for name, share in self.weights), ZERO)
                outcome.text = (RateSpec._weighted_text, self, values, rate)
                outcome.rates[self.key] = rate
                return rate
            # sum((facts[name] * sign …), ZERO) written as loops: the same operations in the same order.
            numerator, denominator = self.signed
            top = ZERO
            for name, sign in numerator:
                top += facts[name] * sign
            base = ZERO
            for name, sign in denominator:
                base += facts[name] * sign
        if base == ZERO:
            outcome.text = (RateSpec._ratio_text, self, values, None)
            return None
        rate = top / base
        outcome.text = (RateSpec._ratio_text, self, values, rate)
        if outcome._rates is None:
            outcome._rates = {self.key: rate}
        else:
            outcome._rates[self.key] = rate
        return rate

    def _missing(self, facts: Mapping[str, Decimal], outcome: Outcome) -> None:
        missing = [vocabulary.describe(name) for name in self.facts if name not in facts]
        for name in self.facts:
            if name in facts:
                outcome.inputs[name] = facts[name]
        outcome.missing.extend(missing)
        outcome.explanation = f"{self.label}：缺少" + "、".join(missing)
        return None

    def _fact_text(self, rate: Decimal) -> str:
        return f"{self.label} = {fmt_percent(rate)}"

    def _weighted_text(self, values: tuple[Decimal, ...], rate: Decimal) -> str:
        facts = dict(zip(self.facts, values, strict=True))
        shown = " + ".join(f"{fmt_percent(facts[name])} × {fmt_bound(share)}" for name, share in self.weights)
        return f"{self.label} = {shown} = {fmt_percent(rate)}"

    def _ratio_text(self, values: tuple[Decimal, ...], rate: Decimal | None) -> str:
        facts = dict(zip(self.facts, values, strict=True))
        formula = f"{self._side(self.numerator, facts)} ÷ {self._side(self.denominator, facts)}"
        if rate is None:
            return f"{self.label} = {formula}，分母为零"
        return f"{self.label} = {formula} = {fmt_percent(rate)}"

    @staticmethod
    def _side(terms: tuple[tuple[str, int], ...], facts: Mapping[str, Decimal]) -> str:
        if len(terms) == 1:
            name = terms[0][0]
            return show_fact(name, facts[name])
        text = show_fact(terms[0][0], facts[terms[0][0]])
        for name, sign in terms[1:]:
            text += f" {'+' if sign > 0 else '−'} {show_fact(name, facts[name])}"
        return f"({text})"


def _no_base_points(rate: RateSpec, weight: Decimal, outcome: Outcome) -> Outcome | None:
    """A zero base is scored only when the framework says so (楼堂馆所: nothing built → full marks)."""
    if rate.if_no_base == "full":
        outcome.points = weight
        outcome.band = rate.no_base_label
        outcome.explanation = f"{rate.label}：{rate.no_base_label}，得满分"
        return outcome
    outcome.points = None
    outcome.warnings.append(f"{rate.label}的分母为零，无法计算")
    return outcome


# --- bands -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Band:
    min: Decimal | None
    min_inclusive: bool
    max: Decimal | None
    max_inclusive: bool
    points: Decimal
    label: str
    clause: str = field(default="", init=False, repr=False, compare=False)  # how it continues an explanation

    def __post_init__(self) -> None:
        object.__setattr__(self, "clause", f"，{self.label}")


def parse_bound(value: object, where: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        return parse_rate(value, field=where)
    return to_decimal(value, field=where)


def band_label(low: Decimal | None, low_inc: bool, high: Decimal | None, high_inc: bool, percent: bool) -> str:
    show = fmt_bound if percent else show_points
    if low is None and high is not None:
        return f"不高于{show(high)}" if high_inc else f"低于{show(high)}"
    if high is None and low is not None:
        return f"{show(low)}及以上" if low_inc else f"高于{show(low)}"
    if low is None and high is None:
        return "任意值"
    left = f"{show(low)}（含）" if low_inc else f"高于{show(low)}"
    right = f"{show(high)}（含）" if high_inc else f"{show(high)}以下"
    return f"{left}至{right}"


def parse_bands(raw: object, weight: Decimal, where: str, *, percent: bool = True) -> tuple[Band, ...]:
    """Bands in ascending order that cover the whole line once: each bound is inclusive on exactly one side."""
    if not isinstance(raw, list) or not raw:
        raise ScoringError("分档规则缺少档位", field=where)
    bands = []
    for item in raw:
        low = parse_bound(item.get("min"), where)
        high = parse_bound(item.get("max"), where)
        low_inc = bool(item.get("min_inclusive", True))
        high_inc = bool(item.get("max_inclusive", False))
        points = to_decimal(item.get("points"), field=where)
        if points < ZERO or points > weight:
            raise ScoringError(f"档位得分 {show_points(points)} 超出分值 {show_points(weight)}", field=where)
        label = item.get("label") or band_label(low, low_inc, high, high_inc, percent)
        bands.append(Band(low, low_inc, high, high_inc, points, label))
    bands.sort(key=lambda band: (band.min is not None, band.min if band.min is not None else ZERO))
    if bands[0].min is not None and not (bands[0].min <= ZERO and bands[0].min_inclusive):
        raise ScoringError("分档未覆盖最低值（应从 0 或负无穷开始）", field=where)
    if bands[-1].max is not None:
        raise ScoringError("分档未覆盖最高值（最后一档不应有上限）", field=where)
    for lower, upper in pairwise(bands):
        if lower.max is None or upper.min is None or lower.max != upper.min:
            raise ScoringError(f"分档“{lower.label}”与“{upper.label}”之间有空缺或重叠", field=where)
        if lower.max_inclusive == upper.min_inclusive:
            raise ScoringError(f"分档“{lower.label}”与“{upper.label}”在边界上重叠或遗漏", field=where)
    return tuple(bands)


# --- the rule kinds --------------------------------------------------------------------------------------------------


class Rule:
    kind = ""
    weight: Decimal

    def facts(self) -> tuple[str, ...]:
        return ()

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class RatioRule(Rule):
    """rate × weight, capped (default at 100 %); optionally 0 when the rate exceeds a bound (采购超计划)."""

    kind = "ratio"
    weight: Decimal
    rate: RateSpec
    cap: Decimal = ONE
    zero_above: Decimal | None = None
    reason_below: Decimal | None = None
    # Written once when the rule is built: the band and the clauses a score may add to the explanation.
    zero_band: str = field(default="", init=False, repr=False, compare=False)
    cap_text: str = field(default="", init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.zero_above is not None:
            object.__setattr__(self, "zero_band", f"高于{fmt_bound(self.zero_above)}")
        object.__setattr__(self, "cap_text", f"，按{fmt_bound(self.cap)}计")

    @classmethod
    def from_params(cls, weight: Decimal, params: Mapping, where: str) -> "RatioRule":
        return cls(
            weight=weight,
            rate=RateSpec.from_params(params.get("rate") or {}, where),
            cap=parse_bound(params.get("cap", "100%"), where),
            zero_above=parse_bound(params.get("zero_above"), where),
            reason_below=parse_bound(params.get("reason_below"), where),
        )

    def facts(self) -> tuple[str, ...]:
        return self.rate.facts

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        outcome = Outcome(None)
        rate = self.rate.evaluate(ctx.facts, outcome)
        if rate is None:
            if not outcome._missing:  # every input given: the base is zero
                return _no_base_points(self.rate, self.weight, outcome)
            return outcome
        return self.apply(rate, outcome, entry)

    def apply(self, rate: Decimal, outcome: Outcome, entry: IndicatorEntry = EMPTY_ENTRY) -> Outcome:
        if self.zero_above is not None and rate > self.zero_above:
            outcome.points = ZERO
            outcome.band = self.zero_band
            outcome.add("，" + self.zero_band)
            outcome.close = CLOSE_LITERAL
            return outcome
        used = min(rate, self.cap)
        if used < ZERO:
            used = ZERO
        outcome.points = used * self.weight
        if rate > self.cap:
            outcome.add(self.cap_text)
        if self.reason_below is not None and rate < self.reason_below and not entry.has_reason:
            outcome.warnings.append(f"{self.rate.label}低于{fmt_bound(self.reason_below)}，需说明原因")
        return outcome


@dataclass(frozen=True, slots=True)
class BandsRule(Rule):
    kind = "bands"
    weight: Decimal
    rate: RateSpec
    bands: tuple[Band, ...]
    # (upper bound, inclusive, band) in ascending order: the bands tile the line (``parse_bands`` refuses gaps and
    # overlaps), so the first band whose upper bound admits a rate at or above the lowest bound is the one containing it.
    uppers: tuple = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "uppers", tuple((band.max, band.max_inclusive, band) for band in self.bands))

    @classmethod
    def from_params(cls, weight: Decimal, params: Mapping, where: str) -> "BandsRule":
        return cls(
            weight,
            RateSpec.from_params(params.get("rate") or {}, where),
            parse_bands(params.get("bands"), weight, where),
        )

    def facts(self) -> tuple[str, ...]:
        return self.rate.facts

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        outcome = Outcome(None)
        rate = self.rate.evaluate(ctx.facts, outcome)
        if rate is None:
            if not outcome._missing:  # every input given: the base is zero
                return _no_base_points(self.rate, self.weight, outcome)
            return outcome
        return self.apply(rate, outcome)

    def apply(self, rate: Decimal, outcome: Outcome) -> Outcome:
        found = None
        lowest = self.bands[0]
        if lowest.min is None or rate > lowest.min or (rate == lowest.min and lowest.min_inclusive):
            for upper, inclusive, band in self.uppers:
                if upper is None or rate < upper or (inclusive and rate == upper):
                    found = band
                    break
        if found is not None:
            outcome.points = found.points
            outcome.band = found.label
            # The rate's formula (a deferred piece: ``RateSpec.evaluate`` has just set it), then the band.
            outcome.text = [outcome.text, found.clause]
            outcome.close = CLOSE_LITERAL
            return outcome
        raise ScoringError(f"{self.rate.label} {fmt_percent(rate)} 不在任何分档内")


@dataclass(frozen=True, slots=True)
class ExcessDeductionRule(Rule):
    """Full marks up to a threshold, then a deduction per percentage point above it, never below the floor."""

    kind = "excess_deduction"
    weight: Decimal
    rate: RateSpec
    threshold: Decimal
    per_point: Decimal  # points deducted per percentage point above the threshold
    floor: Decimal = ZERO
    within_band: str = field(default="", init=False, repr=False, compare=False)
    above_band: str = field(default="", init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "within_band", f"不高于{fmt_bound(self.threshold)}")
        object.__setattr__(self, "above_band", f"高于{fmt_bound(self.threshold)}")

    @classmethod
    def from_params(cls, weight: Decimal, params: Mapping, where: str) -> "ExcessDeductionRule":
        if "per_point" in params:
            per_point = to_decimal(params["per_point"], field=where)
        elif "per_point_share" in params:
            per_point = parse_bound(params["per_point_share"], where) * weight
        else:
            raise ScoringError("超额扣分规则缺少每个百分点的扣分（per_point 或 per_point_share）", field=where)
        return cls(
            weight=weight,
            rate=RateSpec.from_params(params.get("rate") or {}, where),
            threshold=parse_bound(params.get("threshold", "0%"), where),
            per_point=per_point,
            floor=to_decimal(params.get("floor", 0), field=where),
        )

    def facts(self) -> tuple[str, ...]:
        return self.rate.facts

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        outcome = Outcome(None)
        rate = self.rate.evaluate(ctx.facts, outcome)
        if rate is None:
            if not outcome._missing:  # every input given: the base is zero
                return _no_base_points(self.rate, self.weight, outcome)
            return outcome
        return self.apply(rate, outcome)

    def apply(self, rate: Decimal, outcome: Outcome) -> Outcome:
        if rate <= self.threshold:
            outcome.points = self.weight
            outcome.band = self.within_band
            outcome.add("，" + self.within_band)
            return outcome
        excess = (rate - self.threshold) * HUNDRED
        deduction = excess * self.per_point
        outcome.points = max(self.floor, self.weight - deduction)
        outcome.band = self.above_band
        outcome.add((ExcessDeductionRule._excess_text, self, excess, deduction))
        return outcome

    def _excess_text(self, excess: Decimal, deduction: Decimal) -> str:
        # What is taken is what the score lost: never more than the weight above the floor.
        return (
            f"，超过{fmt_bound(self.threshold)} {fmt(excess)} 个百分点，"
            f"每个百分点扣 {show_points(self.per_point)} 分，扣 {fmt(min(deduction, self.weight - self.floor))} 分"
        )


@dataclass(frozen=True, slots=True)
class ItemDeductionRule(Rule):
    """A deduction per failed item (不符合一项扣1分), counted by the unit or as planned − completed facts."""

    kind = "item_deduction"
    weight: Decimal
    per_item: Decimal
    planned: str | None = None
    completed: str | None = None
    item_label: str = "不符合"

    @classmethod
    def from_params(cls, weight: Decimal, params: Mapping, where: str) -> "ItemDeductionRule":
        return cls(
            weight=weight,
            per_item=to_decimal(params.get("per_item", 1), field=where),
            planned=params.get("planned"),
            completed=params.get("completed"),
            item_label=params.get("item_label", "不符合"),
        )

    def facts(self) -> tuple[str, ...]:
        return tuple(name for name in (self.planned, self.completed) if name)

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        if self.planned:
            facts = ctx.facts
            planned_name, completed_name = self.planned, self.completed
            if planned_name not in facts or completed_name not in facts:
                missing = [vocabulary.describe(name) for name in self.facts() if name not in facts]
                return missing_outcome(missing)
            planned, completed = facts[planned_name], facts[completed_name]
            failures = max(ZERO, planned - completed)
            text = [(ItemDeductionRule._planned_text, self, planned, completed)]
            inputs = {planned_name: planned, completed_name: completed}
        else:
            answer = entry.answer
            if answer is None:
                return missing_outcome([describe_entry_field("answer")])
            # A Decimal too: the JSON path hands over a number such as 1e20 unchecked, and only to_decimal checks
            # its range.
            failures = to_decimal(answer, field="answer")
            if failures < ZERO or failures != failures.to_integral_value():
                raise ScoringError(f"{self.item_label}项数应为非负整数，收到 {entry.answer}", field="answer")
            text = []
            inputs = None
        band = f"{self.item_label} {count_text(failures)} 项"
        text.append((ItemDeductionRule._deduction_text, self, band))
        return Outcome(max(ZERO, self.weight - failures * self.per_item), text, band, inputs)

    def _planned_text(self, planned: Decimal, completed: Decimal) -> str:
        return f"计划 {show_fact(self.planned, planned)} 项，完成 {show_fact(self.completed, completed)} 项，"

    def _deduction_text(self, band: str) -> str:
        return f"{band}，每项扣 {show_points(self.per_item)} 分"


@dataclass(frozen=True, slots=True)
class ProportionalRule(Rule):
    """done ÷ planned × weight (已完成项目数 ÷ 计划完成项目总数 × 6)."""

    kind = "proportional"
    weight: Decimal
    done: str
    planned: str
    label: str

    @classmethod
    def from_params(cls, weight: Decimal, params: Mapping, where: str) -> "ProportionalRule":
        if not params.get("done") or not params.get("planned"):
            raise ScoringError("完成比例规则需要 done 和 planned 两个数据项", field=where)
        return cls(weight, params["done"], params["planned"], params.get("label", "完成率"))

    def facts(self) -> tuple[str, ...]:
        return (self.done, self.planned)

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        facts = ctx.facts
        if self.done not in facts or self.planned not in facts:
            return missing_outcome([vocabulary.describe(name) for name in self.facts() if name not in facts])
        done, planned = facts[self.done], facts[self.planned]
        outcome = Outcome(None, "", None, {self.done: done, self.planned: planned})
        if planned == ZERO:
            outcome.points = self.weight
            outcome.band = "无计划事项"
            outcome.explanation = f"{self.label}：无计划事项，得满分"
            return outcome
        completion = done / planned  # divided once: the rate shown and the rate scored (capped at 100 %)
        outcome.rates["completion_rate"] = completion
        outcome.points = min(completion, ONE) * self.weight
        outcome.text = (ProportionalRule._text, self, done, planned)
        return outcome

    def _text(self, done: Decimal, planned: Decimal) -> str:
        shown = f"{show_fact(self.done, done)} ÷ {show_fact(self.planned, planned)}"
        return f"{self.label} = {shown} = {fmt_percent(done / planned)}"


def count_text(count: Decimal) -> str:
    """A whole count as written: Decimal('2.0') → '2'."""
    if count.is_signed():  # -0 equals 0 (same cache entry) but is written '-0'
        return f"{count.normalize():f}"
    return _count_text(count)


@lru_cache(maxsize=256)  # the same few counts recur on every sheet
def _count_text(count: Decimal) -> str:
    return f"{count.normalize():f}"


def _partial_text(points: Decimal) -> str:
    return f"酌情得 {show_points(points)} 分"


@dataclass(frozen=True, slots=True)
class CheckRule(Rule):
    """One yes/no sub-item; a number is a partial score (酌情扣分) and needs a reason."""

    kind = "check"
    weight: Decimal
    label: str = ""

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        answer = entry.answer
        if answer is None:
            return missing_outcome([describe_entry_field("answer")])
        if answer is True:
            return Outcome(self.weight, "符合", band="符合", literal=True)
        if answer is False:
            return Outcome(ZERO, "不符合", band="不符合", literal=True)
        points = answer if answer.__class__ is Decimal else to_decimal(answer, field=entry.code or "answer")
        if points < ZERO or points > self.weight:
            raise ScoringError(f"得分 {show_points(points)} 超出分值 {show_points(self.weight)}", field=entry.code)
        outcome = Outcome(points, (_partial_text, points), "部分符合", None, None, None, True)
        if points < self.weight and not entry.has_reason:
            outcome.warnings.append(f"{self.label or '子项'}未得满分，需说明扣分原因")
        return outcome


@dataclass(frozen=True, slots=True)
class ChoiceRule(Rule):
    """One of a fixed list of outcomes, each with its points (预算公开: 1.5 / 1 / 0)."""

    kind = "choice"
    weight: Decimal
    options: tuple[tuple[str, str, Decimal], ...]  # code, label, points

    @classmethod
    def from_params(cls, weight: Decimal, params: Mapping, where: str) -> "ChoiceRule":
        options = []
        for option in params.get("options") or []:
            points = to_decimal(option["points"], field=where)
            if points < ZERO or points > weight:
                raise ScoringError(f"选项“{option['label']}”的得分超出分值", field=where)
            options.append((str(option["code"]), option["label"], points))
        if not options:
            raise ScoringError("单选规则缺少选项", field=where)
        return cls(weight, tuple(options))

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        if entry.answer is None:
            return missing_outcome([describe_entry_field("answer")])
        for code, label, points in self.options:
            if entry.answer in (code, label):
                return Outcome(points, label, label, None, None, None, True)
        known = "、".join(f"{code}（{label}）" for code, label, _ in self.options)
        raise ScoringError(f"选项“{entry.answer}”不存在，可选：{known}", field=entry.code)


def _manual_text(points: Decimal, reason: str) -> str:
    return f"人工评分 {show_points(points)} 分（理由：{reason.strip()}）"


@dataclass(frozen=True, slots=True)
class ManualRule(Rule):
    """A score typed by the assessor, which must come with its reason."""

    kind = "manual"
    weight: Decimal

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        value = entry.score if entry.score is not None else entry.answer
        if value is None:
            return missing_outcome([describe_entry_field("score")])
        points = to_decimal(value, field="score")
        if points < ZERO or points > self.weight:
            raise ScoringError(
                f"评分 {show_points(points)} 应在 0 至 {show_points(self.weight)} 之间", field=entry.code
            )
        if not entry.has_reason:
            return missing_outcome([describe_entry_field("reason")], "人工评分须填写评分理由")
        return Outcome(points, (_manual_text, points, entry.reason), "人工评分")


# The qualitative outcome bands of 财预〔2020〕10号, as shares of the weight: (low, low inclusive, high, high inclusive).
QUALITATIVE_BANDS: dict[str, tuple[Decimal, bool, Decimal, bool]] = {
    "achieved": (Decimal("0.8"), True, ONE, True),
    "partial": (Decimal("0.6"), True, Decimal("0.8"), False),
    "not_achieved": (ZERO, True, Decimal("0.6"), False),
}


def qualitative_range(outcome: str, weight: Decimal) -> tuple[Decimal, Decimal, str]:
    low, low_inc, high, high_inc = QUALITATIVE_BANDS[outcome]
    left = "[" if low_inc else "("
    right = "]" if high_inc else ")"
    return low * weight, high * weight, f"{left}{show_points(low * weight)}, {show_points(high * weight)}{right}"


@dataclass(frozen=True, slots=True)
class QualitativeRule(Rule):
    """Outcome chosen by the unit; the score it gives must lie inside that outcome's band.

    A score outside the band is refused (``ScoringError``) rather than clipped: clipping would change a figure the
    unit signed, and the form that collects it can show the error next to the field.
    """

    kind = "qualitative"
    weight: Decimal

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        missing = []
        outcome_key = outcome_code(entry.outcome)
        if outcome_key is None:
            missing.append(describe_entry_field("outcome"))
        if entry.score is None:
            missing.append(describe_entry_field("score"))
        if missing:
            return missing_outcome(missing)
        if outcome_key not in OUTCOMES:
            raise ScoringError(
                f"定性评价结果“{entry.outcome}”无法识别，可填写：{accepted_outcomes()}", field=entry.code
            )
        points = to_decimal(entry.score, field="score")
        low, low_inc, high, high_inc = QUALITATIVE_BANDS[outcome_key]
        share = points / self.weight if self.weight else ZERO
        inside = (share > low or (low_inc and share == low)) and (share < high or (high_inc and share == high))
        if not inside:
            _, _, shown = qualitative_range(outcome_key, self.weight)
            raise ScoringError(
                f"定性指标选择“{OUTCOMES[outcome_key]}”时，得分应在 {shown} 之间，填报的是 {show_points(points)}",
                field=entry.code or "score",
            )
        label = OUTCOMES[outcome_key]
        return Outcome(points, (QualitativeRule._text, self, outcome_key, points), label)

    def _text(self, outcome_key: str, points: Decimal) -> str:
        _, _, shown = qualitative_range(outcome_key, self.weight)
        return f"定性评价：{OUTCOMES[outcome_key]}，得分区间 {shown}，评 {show_points(points)} 分"


@dataclass(frozen=True, slots=True)
class QuantitativeRule(Rule):
    """A 10号 quantitative row: higher is better (≥), lower is better (≤, formula (a) or (b)), or equal to (=)."""

    kind = "quantitative"
    weight: Decimal

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        parsed = read_target(entry.target_value)
        percent = parsed.percent
        target = entry.target if entry.target is not None else parsed.value
        comparator = entry.comparator or parsed.comparator
        actual = entry.actual
        measured = None
        if actual is None:
            measured = read_actual(entry.actual_value, parsed if entry.target is None else _NO_TARGET)
            actual = measured.value
            percent = percent or measured.percent
        missing = []
        if target is None:
            missing.append(describe_entry_field("target"))
        if actual is None:
            missing.append(describe_entry_field("actual"))
        if missing:
            return missing_outcome(missing)
        target = check_range(target, entry.target_value if entry.target is None else target, entry.code or "target")
        actual = check_range(actual, entry.actual_value if entry.actual is None else actual, entry.code or "actual")
        unit = "%" if percent else ""
        note = ""
        money = [
            amount.note()
            for amount in (parsed.amount if entry.target is None else None, measured and measured.amount)
            if amount is not None and amount.converted
        ]
        if measured is not None and measured.amount is not None and read_target(entry.actual_value).amount is None:
            money[-1] = f"实际完成值未写单位，按指标值的“{measured.amount.unit}”计：{money[-1]}"
        if money:
            # Converted to 万元 so that both sides compare; the conversion is shown.
            unit = "万元"
            note += "（" + "；".join(money) + "）"
        if comparator is None:
            direction = direction_comparator(entry.direction)
            if direction is not None:
                comparator = direction
                note += f"（指标值未写比较符，按指标性质“{entry.direction.strip()}”计为“{_symbol(direction)}”）"
            else:
                comparator = ">="
                note += "（指标值未写比较符，按“≥”计）"
        outcome = Outcome(None, "", None, {"target": target, "actual": actual})
        if comparator == ">=":
            self._higher(target, actual, outcome, ctx)
        elif comparator == "<=":
            self._lower(target, actual, outcome, ctx)
        elif comparator == "=":
            self._equal(target, actual, outcome, ctx)
        else:
            raise ScoringError(f"比较符“{comparator}”无法识别，应为 ≥、≤ 或 =", field=entry.code)
        shown = (_quantitative_text, actual, target, unit, comparator, note)
        inner = outcome.text
        outcome.text = [shown, "，", *inner] if inner.__class__ is list else [shown, "，", inner]
        if target != ZERO:
            outcome.rates["completion_rate"] = actual / target
        self._deviation(target, actual, outcome, ctx)
        return outcome

    def _higher(self, target: Decimal, actual: Decimal, outcome: Outcome, ctx: Context) -> None:
        if actual >= target:
            outcome.points = self.weight
            outcome.band = "达到目标"
            outcome.explanation = "达到目标，得满分"
            if target > ZERO and actual >= target * ctx.settings.over_completion_warning:
                outcome.warnings.append(
                    f"实际完成值达到目标的 {fmt_percent(actual / target)}，超过"
                    f"{fmt_bound(ctx.settings.over_completion_warning)}，需说明目标是否偏低"
                )
            return
        share = max(actual, ZERO) / target
        outcome.points = share * self.weight
        outcome.band = "未达到目标"
        outcome.text = (_share_text, actual, target, share)

    def _lower(self, target: Decimal, actual: Decimal, outcome: Outcome, ctx: Context) -> None:
        if actual <= target:
            outcome.points = self.weight
            outcome.band = "控制在目标内"
            outcome.explanation = "控制在目标内，得满分"
            return
        outcome.band = "超出目标"
        if target <= ZERO:
            outcome.points = ZERO
            outcome.explanation = "目标为 0 而实际超出，得 0 分"
            return
        if ctx.settings.lower_is_better_formula == "b":
            share = target / actual
            outcome.text = ["按目标 ÷ 实际 = ", (fmt_percent, share)]
        else:
            share = max(ZERO, ONE - (actual - target) / target)
            outcome.text = ["按 1 −（实际 − 目标）÷ 目标 = ", (fmt_percent, share)]
        outcome.points = share * self.weight

    def _equal(self, target: Decimal, actual: Decimal, outcome: Outcome, ctx: Context) -> None:
        if actual == target:
            outcome.points = self.weight
            outcome.band = "等于目标"
            outcome.explanation = "等于目标，得满分"
            return
        outcome.band = "偏离目标"
        if ctx.settings.equal_to_formula == "all_or_nothing" or target == ZERO:
            outcome.points = ZERO
            outcome.explanation = "不等于目标，得 0 分"
            return
        share = max(ZERO, ONE - abs(actual - target) / abs(target))
        outcome.points = share * self.weight
        outcome.text = ["按 1 − |实际 − 目标| ÷ 目标 = ", (fmt_percent, share)]

    def _deviation(self, target: Decimal, actual: Decimal, outcome: Outcome, ctx: Context) -> None:
        settings = ctx.settings
        if not settings.deviation_deduction or target == ZERO or outcome.points is None:
            return
        deviation = abs(actual - target) / abs(target)
        if deviation >= settings.deviation_threshold:
            outcome.points = max(ZERO, outcome.points - settings.deviation_points)
            outcome.add((_deviation_text, deviation, settings))


def _quantitative_text(actual: Decimal, target: Decimal, unit: str, comparator: str, note: str) -> str:
    return f"实际 {actual.normalize():f}{unit}，目标 {_symbol(comparator)}{target.normalize():f}{unit}{note}"


def _share_text(actual: Decimal, target: Decimal, share: Decimal) -> str:
    return f"完成比例 = {actual.normalize():f} ÷ {target.normalize():f} = {fmt_percent(share)}"


def _deviation_text(deviation: Decimal, settings: Settings) -> str:
    return (
        f"；偏离目标 {fmt_percent(deviation)}（≥{fmt_bound(settings.deviation_threshold)}），"
        f"扣 {show_points(settings.deviation_points)} 分"
    )


def _symbol(comparator: str) -> str:
    # Only a comparator the rule accepted is shown: an unknown one is refused before its text is written.
    return {">=": "≥", "<=": "≤", "=": "="}[comparator]


@dataclass(frozen=True, slots=True)
class DeadlineRule(Rule):
    """A 时效 target read as 'on or before' a date, month or duration ('9月前', '年底前', '3个工作日内').

    Met → the weight; missed → the framework's ``deadline_late_share`` of it (0 unless a framework says otherwise).
    A result that gives no time ('已完成') counts as met, with a warning asking for the time.
    """

    kind = "deadline"
    weight: Decimal

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        deadline = parse_deadline(entry.target_value, timeliness=True)
        if deadline is None:
            if entry.target_value and entry.target_value.strip():
                raise ScoringError(
                    f"时效指标值“{entry.target_value}”不是时限：请写作“9月底前”“6月30日前”“3个工作日内”等",
                    field=entry.code or "target_value",
                )
            return missing_outcome([describe_entry_field("target")])
        actual = entry.actual_value
        if deadline.kind == "duration" and entry.actual is not None:
            actual = f"{entry.actual:f}"  # a number typed for the row: in the deadline's own unit
        done = read_completion(actual, deadline)
        if done.met is None:
            missing = missing_outcome([describe_entry_field("actual")])
            if entry.actual_value and entry.actual_value.strip():
                missing.warnings.append(
                    f"实际完成值“{entry.actual_value}”未写明完成时间（如“8月25日”“2个工作日”“按时完成”）"
                )
            return missing
        outcome = Outcome(None, "", None)
        if done.met:
            outcome.points = self.weight
            outcome.band = "按期完成"
            outcome.text = f"时限 {deadline.describe()}；{done.how}，得满分"
        else:
            share = ctx.settings.deadline_late_share
            outcome.points = share * self.weight
            outcome.band = "未按期完成"
            outcome.text = f"时限 {deadline.describe()}；{done.how}，按{fmt_bound(share)}计分"
        if done.warning:
            outcome.warnings.append(done.warning)
        return outcome


@dataclass(frozen=True, slots=True)
class QuarterlyRule(Rule):
    """Futian 预算执行率: Σ quarters (cumulative progress ÷ time progress) × 1 + the average ratio × 2."""

    kind = "quarterly_progress"
    weight: Decimal
    budget: str = "budget_full_year"
    per_quarter: Decimal = ONE
    average_points: Decimal = Decimal(2)
    time_progress: tuple[Decimal, ...] = (Decimal("0.25"), Decimal("0.5"), Decimal("0.75"), ONE)

    @classmethod
    def from_params(cls, weight: Decimal, params: Mapping, where: str) -> "QuarterlyRule":
        rule = cls(
            weight=weight,
            budget=params.get("budget", "budget_full_year"),
            per_quarter=to_decimal(params.get("per_quarter", 1), field=where),
            average_points=to_decimal(params.get("average_points", 2), field=where),
        )
        if rule.per_quarter * 4 + rule.average_points != weight:
            raise ScoringError("季度执行率各部分分值之和应等于指标分值", field=where)
        return rule

    def facts(self) -> tuple[str, ...]:
        return ("spending_q1", "spending_q2", "spending_q3", "spending_q4", self.budget)

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        facts = ctx.facts
        names = self.facts()
        missing = [vocabulary.describe(name) for name in names if name not in facts]
        if missing:
            return missing_outcome(missing)
        budget = facts[self.budget]
        outcome = Outcome(None, "", None, {name: facts[name] for name in names})
        if budget == ZERO:
            outcome.warnings.append("全年预算数为零，无法计算季度执行率")
            outcome.explanation = "全年预算数为零"
            return outcome
        ratios = []
        progresses = []
        rates = outcome.rates
        cap = ctx.settings.quarterly_cap
        for key, name, time in zip(_QUARTER_KEYS, _QUARTER_FACTS, self.time_progress, strict=True):
            progress = facts[name] / budget
            ratio = progress / time
            if cap:
                ratio = min(ratio, ONE)
            ratios.append(ratio)
            progresses.append(progress)
            rates[key] = ratio
        total = sum(ratios, ZERO)
        average = total / 4
        rates["average_ratio"] = average
        points = total * self.per_quarter + average * self.average_points
        outcome.points = min(points, self.weight)
        outcome.text = (QuarterlyRule._text, self, progresses, ratios, average)
        return outcome

    def _text(self, progresses: list[Decimal], ratios: list[Decimal], average: Decimal) -> str:
        shown = [
            f"Q{quarter} {fmt_percent(progress)}÷{fmt_bound(time)}={fmt_percent(ratio)}"
            for quarter, progress, time, ratio in zip(range(1, 5), progresses, self.time_progress, ratios, strict=True)
        ]
        return f"季度支出进度：{'；'.join(shown)}；平均 {fmt_percent(average)}"


_QUARTER_KEYS = ("q1_ratio", "q2_ratio", "q3_ratio", "q4_ratio")
_QUARTER_FACTS = ("spending_q1", "spending_q2", "spending_q3", "spending_q4")


@dataclass(frozen=True, slots=True)
class Part:
    code: str
    label: str
    rule: Rule
    # Results of yes/no and single-choice parts for each possible answer, built once at load: a checklist is
    # mostly these, and formatting them again for every sheet was most of the time spent scoring.
    fixed: Mapping[object, tuple[PartOutcome, str]]

    @classmethod
    def build(cls, code: str, label: str, rule: Rule) -> "Part":
        answers: list[object] = []
        if isinstance(rule, CheckRule):
            answers = [True, False]
        elif isinstance(rule, ChoiceRule):
            answers = [key for option in rule.options for key in option[:2]]
        fixed = {}
        for answer in answers:
            result = rule.evaluate(Context({}, Settings()), PartEntry(code, answer, None))
            part = PartOutcome(
                code, label, rule.weight, result.points, f"{result.explanation} → {show_points(result.points)} 分"
            )
            fixed[answer] = (part, _part_text(part))
        return cls(code, label, rule, fixed)


@dataclass(frozen=True, slots=True)
class CompositeRule(Rule):
    """Parts with their own rules, added up; a listed answer (e.g. 挪用资金) sets the whole indicator to 0."""

    kind = "composite"
    weight: Decimal
    parts: tuple[Part, ...]
    zero_if: tuple[tuple[str, str], ...] = ()  # (answer key, label)
    # (code, {answer: PartOutcome}, part) for each part, from ``Part.fixed``: what the loop in ``evaluate`` reads.
    plan: tuple = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        plan = tuple((part.code, {key: done for key, (done, _) in part.fixed.items()}, part) for part in self.parts)
        object.__setattr__(self, "plan", plan)

    @classmethod
    def from_params(cls, weight: Decimal, params: Mapping, where: str) -> "CompositeRule":
        parts = []
        for raw in params.get("parts") or params.get("items") or []:
            code = raw.get("code")
            if not code:
                raise ScoringError("组合指标的每个子项都需要 code", field=where)
            part_weight = to_decimal(raw.get("weight"), field=f"{where}.{code}")
            kind = raw.get("kind") or ("choice" if raw.get("options") else "check")
            rule = build_rule(kind, part_weight, raw, f"{where}.{code}", label=raw.get("label", code))
            parts.append(Part.build(code, raw.get("label", code), rule))
        if not parts:
            raise ScoringError("组合指标缺少子项", field=where)
        total = sum((part.rule.weight for part in parts), ZERO)
        if total != weight:
            raise ScoringError(f"子项分值之和 {show_points(total)} 不等于指标分值 {show_points(weight)}", field=where)
        zero_if = tuple((item["code"], item.get("label", item["code"])) for item in params.get("zero_if") or [])
        return cls(weight, tuple(parts), zero_if)

    def facts(self) -> tuple[str, ...]:
        names = [name for part in self.parts for name in part.rule.facts()]
        return tuple(dict.fromkeys(names))

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        for key, label in self.zero_if:
            if entry.answers.get(key) is True:
                return Outcome(ZERO, f"存在“{label}”，本项得 0 分", band=label, literal=True)
        outcome = Outcome(ZERO)
        get = entry.answers.get
        parts = outcome._parts = []
        add = parts.append
        points = ZERO
        for code, fixed, part in self.plan:
            answer = get(code)
            # bool and str answers only: Decimal(1) == True, and a partial score must not pass for a full one.
            if answer is True or answer is False or isinstance(answer, str):
                done = fixed.get(answer)
                if done is not None:
                    add(done)
                    if points is not None:
                        points += done.points
                    continue
            result = part.rule.evaluate(ctx, PartEntry(code, answer, entry.reason))
            if result._inputs:
                # The part's outcome is not kept, so its dicts may be taken over rather than copied.
                if outcome._inputs is None:
                    outcome._inputs = result._inputs
                else:
                    outcome._inputs.update(result._inputs)
                if result._rates:
                    if outcome._rates is None:
                        outcome._rates = result._rates
                    else:
                        outcome._rates.update(result._rates)
            if result._missing:
                outcome.missing.extend(result._missing)
            if result._warnings:
                # A sub-item's own warning may already name it (落实政策功能未得满分…): not named twice.
                label = part.label
                outcome.warnings.extend(
                    [text if text.startswith(label) else f"{label}：{text}" for text in result._warnings]
                )
            part_points = result.points
            if part_points is None:
                points = None
                shown = result.text
            else:
                if points is not None:
                    points += part_points
                shown = result.text
                clause = (_points_clause, part_points, result.close)
                if shown.__class__ is list:
                    shown.append(clause)
                else:
                    shown = [shown, clause]
            add(PartOutcome(code, part.label, part.rule.weight, part_points, shown))
        outcome.points = points
        outcome.text = (_join_parts, tuple(parts))
        outcome.close = CLOSE_TOTAL
        if points is not None and points > self.weight:
            outcome.points = self.weight
        return outcome


def _points_clause(points: Decimal, close: int) -> str:
    return f" → {show_points(points) if close == CLOSE_LITERAL else fmt(points)} 分"


def _join_parts(parts: tuple) -> str:
    return "；".join([_part_text(part) for part in parts])


def _part_text(part: PartOutcome) -> str:
    # A rate part already opens with its own label (政府采购执行率 = …); do not say it twice.
    if part.explanation.startswith(part.label):
        return part.explanation
    return f"{part.label}：{part.explanation}"


# --- the registry ----------------------------------------------------------------------------------------------------


def _weighted_satisfaction(weight: Decimal, params: Mapping, where: str) -> RatioRule:
    rate = {"label": params.get("label", "满意度"), "key": "satisfaction_rate", "weighted": params["weights"]}
    return RatioRule(weight=weight, rate=RateSpec.from_params(rate, where))


def _budget_execution(weight: Decimal, params: Mapping, where: str) -> RatioRule:
    merged = {"reason_below": "90%"} | dict(params)
    merged.setdefault(
        "rate",
        {
            "label": "预算执行率",
            "key": "execution_rate",
            "numerator": "spending_actual",
            "denominator": "budget_full_year",
        },
    )
    return RatioRule.from_params(weight, merged, where)


BUILDERS: dict[str, Callable[[Decimal, Mapping, str], Rule]] = {
    "ratio": RatioRule.from_params,
    "bands": BandsRule.from_params,
    "excess_deduction": ExcessDeductionRule.from_params,
    "item_deduction": ItemDeductionRule.from_params,
    "proportional": ProportionalRule.from_params,
    "check": lambda weight, params, where: CheckRule(weight, params.get("label", "")),
    "choice": ChoiceRule.from_params,
    "checklist": CompositeRule.from_params,
    "composite": CompositeRule.from_params,
    "manual": lambda weight, params, where: ManualRule(weight),
    "qualitative": lambda weight, params, where: QualitativeRule(weight),
    "quantitative": lambda weight, params, where: QuantitativeRule(weight),
    "deadline": lambda weight, params, where: DeadlineRule(weight),
    "budget_execution": _budget_execution,
    "quarterly_progress": QuarterlyRule.from_params,
    "weighted_satisfaction": _weighted_satisfaction,
}

# Kinds whose parameters name no facts and read only what the unit answered.
ENTRY_KINDS = frozenset({"check", "choice", "manual", "qualitative", "quantitative", "deadline"})


def build_rule(kind: str, weight: Decimal, params: Mapping, where: str, *, label: str = "") -> Rule:
    builder = BUILDERS.get(kind)
    if builder is None:
        raise ScoringError(f"未知的评分规则类型“{kind}”，可用：" + "、".join(sorted(BUILDERS)), field=where)
    if kind == "check":
        return CheckRule(weight, label)
    rule = builder(weight, params, where)
    unknown = [name for name in rule.facts() if not vocabulary.is_known(name)]
    if unknown:
        raise ScoringError("规则引用了词汇表中不存在的数据项：" + "、".join(unknown), field=where)
    return rule


def with_execution_carryover(rule: Rule, mode: str) -> Rule:
    """``rule`` with its execution rate netting out the prior-year carry-over as the framework's setting says."""
    rate = getattr(rule, "rate", None)
    if mode == "none" or not isinstance(rate, RateSpec) or rate.key != "execution_rate" or rate.form != "ratio":
        return rule
    carryover = (("carryover_start", -1 if mode == "net_spending" else 1),)
    if mode == "net_spending":
        rate = replace(rate, numerator=rate.numerator + carryover)
    else:
        rate = replace(rate, denominator=rate.denominator + carryover)
    return replace(rule, rate=rate)


def round_points(points: Decimal, places: int) -> Decimal:
    return quantize(points, places)
