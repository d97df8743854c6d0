"""The rule kinds of 财预〔2021〕101号 附件1 (《中央部门项目支出核心绩效目标和指标设置及取值指引（试行）》).

Kept apart from ``rules`` (the kinds every framework so far used) and added to its registry when this module is
imported (``framework`` does): a framework names them in its YAML like any other kind.

* ``direct`` — 直接赋分: a yes/no indicator, full or nothing, or a stated deduction per failure.
* ``threshold_completion`` — a quantitative indicator: completion below 60 % scores 0, otherwise
  (completion − 60 %) ÷ (1 − 60 %) × weight. Completion is what the 10号 linear rule computes (actual ÷ target for
  “≥”, the framework's lower-is-better formula for “≤”, the deviation for “=”), or a rate of facts.
* ``execution_completion`` — 预算执行率: project finished and spending within the budget → full; otherwise bands of
  the execution rate (80 % → 70 %, 60 % → 50 %, below → 0 of the weight).
* ``qualitative_2021`` — 基本达成目标 [80 %, 100 %] · 部分实现目标 [60 %, 80 %) · 实现目标程度较低 [0, 60 %) of the
  weight, the score chosen inside the band (the 10号 outcome names are accepted for the same bands).
* ``satisfaction_bands`` — 满意度: ≥ 90 % → 100 %, [80 %, 90 %) → 80 %, [60 %, 80 %) → 50 %, below → 0 of the
  weight (10 / 8 / 5 / 0 on a weight of 10).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .errors import ScoringError
from .inputs import IndicatorEntry, outcome_code
from .numbers import ONE, ZERO, fmt_bound, fmt_percent, parse_target, show_points, to_decimal
from .rules import (
    BUILDERS,
    CLOSE_LITERAL,
    QUALITATIVE_BANDS,
    Context,
    Outcome,
    QuantitativeRule,
    RateSpec,
    Rule,
    describe_entry_field,
    missing_outcome,
    parse_bound,
)

PROJECT_COMPLETED = "项目是否完成"


def _share(value: object, where: str) -> Decimal:
    share = parse_bound(value, where)
    if share is None or share < ZERO or share > ONE:
        raise ScoringError("档位得分比例应在 0 至 100% 之间", field=where)
    return share


@dataclass(frozen=True, slots=True)
class RateBand:
    """A band of a rate from ``min`` (inclusive) up to the next band's minimum, scoring ``share`` of the weight."""

    min: Decimal
    share: Decimal
    label: str


def parse_rate_bands(raw: object, where: str, default: tuple[RateBand, ...]) -> tuple[RateBand, ...]:
    """Bands by their lower bound, highest first; the lowest must start at 0 so that every rate has a band."""
    if raw is None:
        return default
    if not isinstance(raw, list) or not raw:
        raise ScoringError("分档规则缺少档位", field=where)
    bands = []
    for item in raw:
        low = parse_bound(item.get("min", 0), where)
        share = _share(item.get("share"), where)
        bands.append(RateBand(low, share, item.get("label") or f"{fmt_bound(low)}（含）以上"))
    bands.sort(key=lambda band: band.min, reverse=True)
    if bands[-1].min != ZERO:
        raise ScoringError("分档未覆盖最低值（最低一档应从 0 开始）", field=where)
    if len({band.min for band in bands}) != len(bands):
        raise ScoringError("分档的下限重复", field=where)
    return tuple(bands)


def _find(bands: tuple[RateBand, ...], rate: Decimal) -> RateBand:
    for band in bands:
        if rate >= band.min:
            return band
    return bands[-1]  # a negative rate: the lowest band


def _weight_share(share: Decimal) -> str:
    return f"得分值的 {fmt_bound(share)}"


# --- 直接赋分 ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DirectRule(Rule):
    """Yes/no: achieved → full, not achieved → 0; with ``per_item`` a count of failures is deducted instead."""

    kind = "direct"
    weight: Decimal
    per_item: Decimal | None = None
    item_label: str = "未达成"

    @classmethod
    def from_params(cls, weight: Decimal, params: Mapping, where: str) -> "DirectRule":
        per_item = params.get("per_item")
        return cls(
            weight,
            to_decimal(per_item, field=where) if per_item is not None else None,
            params.get("item_label", "未达成"),
        )

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        answer = entry.answer
        if answer is None:
            return missing_outcome([describe_entry_field("answer")])
        if answer is True:
            return Outcome(self.weight, "直接赋分：达成，得满分", "达成", literal=True)
        if answer is False:
            return Outcome(ZERO, "直接赋分：未达成，不得分", "未达成", literal=True)
        if self.per_item is None:
            raise ScoringError("直接赋分指标应填写是否达成（true 或 false）", field=entry.code or "answer")
        # A Decimal too: the JSON path hands over a number such as 1e20 unchecked, and only to_decimal checks its range.
        count = to_decimal(answer, field="answer")
        if count < ZERO or count != count.to_integral_value():
            raise ScoringError(f"{self.item_label}次数应为非负整数，收到 {answer}", field=entry.code or "answer")
        points = max(ZERO, self.weight - count * self.per_item)
        text = f"直接赋分：{self.item_label} {count.normalize():f} 次，每次扣 {show_points(self.per_item)} 分"
        return Outcome(points, text, f"{self.item_label} {count.normalize():f} 次", literal=True)


# --- quantitative: nothing below 60 % --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThresholdCompletionRule(Rule):
    kind = "threshold_completion"
    weight: Decimal
    threshold: Decimal = Decimal("0.6")
    rate: RateSpec | None = None  # completion from facts; without it, from the row's target and actual

    @classmethod
    def from_params(cls, weight: Decimal, params: Mapping, where: str) -> "ThresholdCompletionRule":
        threshold = parse_bound(params.get("threshold", "60%"), where)
        if threshold is None or threshold < ZERO or threshold >= ONE:
            raise ScoringError("完成率门槛应在 0 至 100%（不含）之间", field=where)
        rate = RateSpec.from_params(params["rate"], where) if params.get("rate") else None
        return cls(weight, threshold, rate)

    def facts(self) -> tuple[str, ...]:
        return self.rate.facts if self.rate is not None else ()

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        if self.rate is not None:
            outcome = Outcome(None)
            completion = self.rate.evaluate(ctx.facts, outcome)
            if completion is None:
                if not outcome._missing:
                    outcome.warnings.append(f"{self.rate.label}的分母为零，无法计算")
                return outcome
            return self.apply(completion, outcome)
        # The 10号 linear rule gives completion × weight; its explanation (target, actual, comparator) is kept. A row
        # worth 0 is read on a weight of 1, so that its band says how far it got rather than 达到目标.
        scale = self.weight or ONE
        outcome = QuantitativeRule(scale).evaluate(ctx, entry)
        if outcome.points is None:
            return outcome
        return self.apply(outcome.points / scale, outcome)

    def apply(self, completion: Decimal, outcome: Outcome) -> Outcome:
        outcome.rates["completion_rate"] = completion
        threshold = self.threshold
        if completion >= ONE:
            outcome.points = self.weight
            outcome.band = "达到目标"
            return outcome
        if completion < threshold:
            outcome.points = ZERO
            outcome.band = f"完成率低于{fmt_bound(threshold)}"
            outcome.add(f"；完成率 {fmt_percent(completion)}，低于{fmt_bound(threshold)}，不得分")
            outcome.close = CLOSE_LITERAL
            return outcome
        outcome.points = (completion - threshold) / (ONE - threshold) * self.weight
        outcome.band = f"完成率{fmt_bound(threshold)}（含）至100%"
        outcome.add(
            f"；按（{fmt_percent(completion)} − {fmt_bound(threshold)}）÷（1 − {fmt_bound(threshold)}）"
            f"× {show_points(self.weight)}"
        )
        return outcome


# --- 预算执行率 --------------------------------------------------------------------------------------------------------

EXECUTION_BANDS = (
    RateBand(Decimal("0.8"), Decimal("0.7"), "项目未完成，执行率80%（含）以上"),
    RateBand(Decimal("0.6"), Decimal("0.5"), "项目未完成，执行率60%（含）至80%"),
    RateBand(ZERO, ZERO, "项目未完成，执行率低于60%"),
)


@dataclass(frozen=True, slots=True)
class ExecutionCompletionRule(Rule):
    """101号 预算执行率. The notice names the top band “80 % ≤ rate < 100 %” for an unfinished project and does not
    say what a finished project that overspent, or an unfinished one at 100 % or more, scores: both are scored by
    the bands of the rate (so at most the 80 % band), and the explanation says so."""

    kind = "execution_completion"
    weight: Decimal
    rate: RateSpec
    bands: tuple[RateBand, ...] = EXECUTION_BANDS

    @classmethod
    def from_params(cls, weight: Decimal, params: Mapping, where: str) -> "ExecutionCompletionRule":
        rate = params.get("rate") or {
            "label": "预算执行率",
            "key": "execution_rate",
            "numerator": "spending_actual",
            "denominator": "budget_full_year",
        }
        return cls(
            weight, RateSpec.from_params(rate, where), parse_rate_bands(params.get("bands"), where, EXECUTION_BANDS)
        )

    def facts(self) -> tuple[str, ...]:
        return self.rate.facts

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        outcome = Outcome(None)
        rate = self.rate.evaluate(ctx.facts, outcome)
        completed = entry.project_completed
        if completed is None:
            outcome.missing.append(PROJECT_COMPLETED)
            if rate is not None:
                outcome.add(f"；缺少{PROJECT_COMPLETED}")
        if rate is None:
            if not outcome._missing:
                outcome.warnings.append(f"{self.rate.label}的分母为零，无法计算")
            return outcome
        if completed is None:
            return outcome
        within = rate <= ONE
        if completed and within:
            outcome.points = self.weight
            outcome.band = "项目完成且未超预算"
            outcome.add("，项目已完成且支出未超出预算，得满分")
            outcome.close = CLOSE_LITERAL
            return outcome
        band = _find(self.bands, rate)
        outcome.points = band.share * self.weight
        if completed:
            outcome.band = "项目完成但超出预算"
            outcome.add(f"，项目已完成但支出超出预算，按执行率分档：{band.label.removeprefix('项目未完成，')}")
        else:
            outcome.band = band.label
            outcome.add(f"，{band.label}")
            if rate >= ONE:
                outcome.add("（执行率达100%而项目未完成，按最高一档计）")
        outcome.add(f"，{_weight_share(band.share)}")
        outcome.close = CLOSE_LITERAL
        return outcome


# --- qualitative -----------------------------------------------------------------------------------------------------

OUTCOMES_2021: dict[str, str] = {
    "achieved": "基本达成目标",
    "partial": "部分实现目标",
    "not_achieved": "实现目标程度较低",
}
_OUTCOME_2021_ALIASES = {label: code for code, label in OUTCOMES_2021.items()}


def outcome_code_2021(text: str | None) -> str | None:
    """An outcome code from a 101号 label, a 10号 label (the same three bands), or a code."""
    if text is None:
        return None
    text = text.strip()
    return _OUTCOME_2021_ALIASES.get(text) or outcome_code(text)


@dataclass(frozen=True, slots=True)
class Qualitative2021Rule(Rule):
    """Outcome chosen by the unit, the score inside its band (refused, not clipped, when outside: as ``qualitative``)."""

    kind = "qualitative_2021"
    weight: Decimal

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        key = outcome_code_2021(entry.outcome)
        missing = []
        if key is None:
            missing.append(describe_entry_field("outcome"))
        if entry.score is None:
            missing.append(describe_entry_field("score"))
        if missing:
            return missing_outcome(missing)
        if key not in OUTCOMES_2021:
            raise ScoringError(
                f"定性评价结果“{entry.outcome}”不存在，可选：" + "、".join(OUTCOMES_2021.values()),
                field=entry.code or "outcome",
            )
        points = to_decimal(entry.score, field="score")
        low, low_inc, high, high_inc = QUALITATIVE_BANDS[key]
        share = points / self.weight if self.weight else ZERO
        inside = (share > low or (low_inc and share == low)) and (share < high or (high_inc and share == high))
        shown = self._range(key)
        if not inside:
            raise ScoringError(
                f"定性指标选择“{OUTCOMES_2021[key]}”时，得分应在 {shown} 之间，填报的是 {show_points(points)}",
                field=entry.code or "score",
            )
        text = f"定性评价：{OUTCOMES_2021[key]}，得分区间 {shown}，评 {show_points(points)} 分"
        return Outcome(points, text, OUTCOMES_2021[key])

    def _range(self, key: str) -> str:
        low, low_inc, high, high_inc = QUALITATIVE_BANDS[key]
        left = "[" if low_inc else "("
        right = "]" if high_inc else ")"
        return f"{left}{show_points(low * self.weight)}, {show_points(high * self.weight)}{right}"


# --- 满意度 ------------------------------------------------------------------------------------------------------------

SATISFACTION_BANDS = (
    RateBand(Decimal("0.9"), ONE, "90%（含）以上"),
    RateBand(Decimal("0.8"), Decimal("0.8"), "80%（含）至90%"),
    RateBand(Decimal("0.6"), Decimal("0.5"), "60%（含）至80%"),
    RateBand(ZERO, ZERO, "低于60%"),
)


@dataclass(frozen=True, slots=True)
class SatisfactionBandsRule(Rule):
    """The satisfaction rate in bands, each a share of the weight. The rate is a fact (``rate``) or, for a row, its
    actual value (“96%”; a bare number above 1 is read as a percentage)."""

    kind = "satisfaction_bands"
    weight: Decimal
    bands: tuple[RateBand, ...] = SATISFACTION_BANDS
    rate: RateSpec | None = None

    @classmethod
    def from_params(cls, weight: Decimal, params: Mapping, where: str) -> "SatisfactionBandsRule":
        rate = RateSpec.from_params(params["rate"], where) if params.get("rate") else None
        return cls(weight, parse_rate_bands(params.get("bands"), where, SATISFACTION_BANDS), rate)

    def facts(self) -> tuple[str, ...]:
        return self.rate.facts if self.rate is not None else ()

    def evaluate(self, ctx: Context, entry: IndicatorEntry) -> Outcome:
        if self.rate is not None:
            outcome = Outcome(None)
            value = self.rate.evaluate(ctx.facts, outcome)
            if value is None:
                return outcome
        else:
            value = entry.actual
            percent = False
            if value is None:
                _, value, percent = parse_target(entry.actual_value)
            if value is None:
                return missing_outcome([describe_entry_field("actual")])
            if percent or value > ONE:
                value = value / 100
            outcome = Outcome(None, f"满意度 {fmt_percent(value)}", None, {"actual": value})
            outcome.rates["satisfaction_rate"] = value
        band = _find(self.bands, value)
        outcome.points = band.share * self.weight
        outcome.band = band.label
        outcome.add(f"，{band.label}，{_weight_share(band.share)}")
        outcome.close = CLOSE_LITERAL
        return outcome


KINDS = {
    "direct": DirectRule.from_params,
    "threshold_completion": ThresholdCompletionRule.from_params,
    "execution_completion": ExecutionCompletionRule.from_params,
    "qualitative_2021": lambda weight, params, where: Qualitative2021Rule(weight),
    "satisfaction_bands": SatisfactionBandsRule.from_params,
}

KIND_LABELS = {  # the same as in sheet._KIND_LABELS, for callers that list the kinds
    "direct": "直接赋分",
    "threshold_completion": "定量（60%门槛）",
    "execution_completion": "预算执行率（完成情况分档）",
    "qualitative_2021": "定性三档",
    "satisfaction_bands": "满意度分档",
}

BUILDERS.update(KINDS)
