"""The score sheet: every indicator with what it read, how it was scored and why, and the totals."""

from dataclasses import dataclass, field
from decimal import Decimal

from .lazy import render
from .numbers import fmt, show_points
from .rules import CLOSE_LITERAL, CLOSE_POINTS, CLOSE_TOTAL, Outcome

# The band of a line scored by hand in place of its rule (the data could not be had): shown as 人工 everywhere.
MANUAL_BAND = "人工录入"

_KIND_LABELS = {
    "ratio": "比率×分值",
    "bands": "分档计分",
    "excess_deduction": "超额扣分",
    "item_deduction": "逐项扣分",
    "proportional": "完成比例",
    "checklist": "子项核查",
    "composite": "组合计分",
    "manual": "人工评分",
    "qualitative": "定性分档",
    "quantitative": "定量指标",
    "budget_execution": "预算执行率",
    "quarterly_progress": "季度执行进度",
    "weighted_satisfaction": "加权满意度",
    "direct": "直接赋分",
    "threshold_completion": "定量（60%门槛）",
    "execution_completion": "预算执行率（完成情况分档）",
    "qualitative_2021": "定性三档",
    "satisfaction_bands": "满意度分档",
}


_new = object.__new__

_AS_IS = frozenset({str, int, bool, type(None)})


def _plain(value: object) -> object:
    """JSON-safe: Decimals become strings so that no float ever carries a score."""
    cls = value.__class__
    if cls in _AS_IS:  # the common case first; the same result as below
        return value
    if cls is Decimal:
        return f"{value:f}"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


class ScoreLine:
    """One indicator on a sheet.

    A plain slotted class (it was a dataclass, and takes the same arguments and has the same attributes): a sheet
    builds some 35 of them, so building one must be cheap. What a rule found — ``band``, ``explanation``,
    ``inputs``, ``rates``, ``missing``, ``warnings``, ``parts`` — is read from the rule's ``Outcome``, which the
    line keeps (``_outcome``; None for a group line until one of them is set or read). The explanation is kept as
    the pieces the rule recorded until it is first read (see ``lazy``), then written once.
    """

    __slots__ = (
        "_outcome",
        "actual_value",
        "code",
        "difference",
        "is_leaf",
        "kind",
        "level",
        "name",
        "parent",
        "points",
        "reason",
        "stated_score",
        "target_value",
        "unit_row",
        "weight",
    )

    def __init__(
        self,
        code: str,
        name: str,
        level: int,
        weight: Decimal | None,
        points: Decimal | None,
        kind: str | None = None,
        band: str | None = None,
        explanation: str = "",
        inputs: dict[str, Decimal] | None = None,
        rates: dict[str, Decimal] | None = None,
        missing: list[str] | None = None,
        warnings: list[str] | None = None,
        parts: list | None = None,
        parent: str | None = None,
        is_leaf: bool = True,
        unit_row: bool = False,
        target_value: str | None = None,
        actual_value: str | None = None,
        reason: str | None = None,
        stated_score: Decimal | None = None,
        difference: Decimal | None = None,  # computed − stated
    ):
        self.code = code
        self.name = name
        self.level = level
        self.weight = weight
        self.points = points
        self.kind = kind
        self.parent = parent
        self.is_leaf = is_leaf
        self.unit_row = unit_row
        self.target_value = target_value
        self.actual_value = actual_value
        self.reason = reason
        self.stated_score = stated_score
        self.difference = difference
        self._outcome = None
        if (
            band is not None
            or explanation != ""
            or inputs is not None
            or rates is not None
            or missing is not None
            or warnings is not None
            or parts is not None
        ):
            outcome = self._detail()
            outcome.band = band
            outcome.text = explanation
            outcome._inputs = inputs
            outcome._rates = rates
            outcome._missing = missing
            outcome._warnings = warnings
            outcome._parts = parts

    @classmethod
    def scored(
        cls,
        code: str,
        name: str,
        level: int,
        weight: Decimal | None,
        points: Decimal | None,
        kind: str | None,
        parent: str | None,
        reason: str | None,
        stated_score: Decimal | None,
        difference: Decimal | None,
        outcome: Outcome,
    ) -> "ScoreLine":
        """A leaf as the scorer builds it, reading what its rule found from ``outcome``.

        The same line as ``ScoreLine(code, …, kind, parent=…, reason=…, stated_score=…)`` with ``difference`` and
        ``_outcome`` set, built by storing each slot once: the constructor's keyword defaults and its check for
        details cost about as much again, and a sheet builds a line for every indicator.
        """
        line = _new(cls)
        line.code = code
        line.name = name
        line.level = level
        line.weight = weight
        line.points = points
        line.kind = kind
        line.parent = parent
        line.is_leaf = True
        line.unit_row = False
        line.target_value = None
        line.actual_value = None
        line.reason = reason
        line.stated_score = stated_score
        line.difference = difference
        line._outcome = outcome
        return line

    @classmethod
    def group(cls, code: str, name: str, level: int, weight: Decimal | None, parent: str | None) -> "ScoreLine":
        """A group line with no points yet, as ``ScoreLine(code, name, level, weight, None, parent=…,
        is_leaf=False)`` builds it (see ``scored``)."""
        line = _new(cls)
        line.code = code
        line.name = name
        line.level = level
        line.weight = weight
        line.points = None
        line.kind = None
        line.parent = parent
        line.is_leaf = False
        line.unit_row = False
        line.target_value = None
        line.actual_value = None
        line.reason = None
        line.stated_score = None
        line.difference = None
        line._outcome = None
        return line

    def _detail(self) -> Outcome:
        outcome = self._outcome
        if outcome is None:
            outcome = self._outcome = Outcome(None)
            outcome.close = 0
        return outcome

    @property
    def band(self) -> str | None:
        outcome = self._outcome
        return None if outcome is None else outcome.band

    @band.setter
    def band(self, value: str | None) -> None:
        self._detail().band = value

    @property
    def by_hand(self) -> bool:
        """Scored by hand in place of its rule, because the data it reads could not be had."""
        return self.band == MANUAL_BAND

    @property
    def explanation(self) -> str:
        outcome = self._outcome
        if outcome is None:
            return ""
        close = outcome.close
        if close.__class__ is tuple:  # written already, or set
            return close[0]
        text = render(outcome.text)
        if close:
            # The clause the scorer ends a scored explanation with, written with the rest (see ``_CLOSING``).
            text += _CLOSING[close](outcome.close_points)
        # One store, so that a line read by two threads at once never shows a half-written state.
        outcome.close = (text,)
        return text

    @explanation.setter
    def explanation(self, value: str) -> None:
        self._detail().close = (value,)

    @property
    def inputs(self) -> dict[str, Decimal]:
        return self._detail().inputs

    @inputs.setter
    def inputs(self, value: dict[str, Decimal]) -> None:
        self._detail().inputs = value

    @property
    def rates(self) -> dict[str, Decimal]:
        return self._detail().rates

    @rates.setter
    def rates(self, value: dict[str, Decimal]) -> None:
        self._detail().rates = value

    @property
    def missing(self) -> list[str]:
        return self._detail().missing

    @missing.setter
    def missing(self, value: list[str]) -> None:
        self._detail().missing = value

    @property
    def warnings(self) -> list[str]:
        return self._detail().warnings

    @warnings.setter
    def warnings(self, value: list[str]) -> None:
        self._detail().warnings = value

    @property
    def parts(self) -> list:
        return self._detail().parts

    @parts.setter
    def parts(self, value: list) -> None:
        self._detail().parts = value

    @property
    def kind_label(self) -> str:
        return _KIND_LABELS.get(self.kind or "", self.kind or "")

    def _fields(self) -> tuple:
        return tuple(getattr(self, name) for name in _LINE_FIELDS)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # mutable, as the dataclass was

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _LINE_FIELDS)
        return f"ScoreLine({shown})"

    def to_dict(self) -> dict:
        outcome = self._outcome or _NOTHING_FOUND  # read as is: a group line needs no outcome of its own for this
        return _plain(
            {
                "code": self.code,
                "name": self.name,
                "level": self.level,
                "parent": self.parent,
                "weight": self.weight,
                "points": self.points,
                "kind": self.kind,
                "band": outcome.band,
                "explanation": self.explanation,
                "inputs": outcome._inputs or {},
                "rates": outcome._rates or {},
                "missing": outcome._missing or [],
                "warnings": outcome._warnings or [],
                "parts": [
                    {
                        "code": p.code,
                        "label": p.label,
                        "weight": p.weight,
                        "points": p.points,
                        "explanation": p.explanation,
                    }
                    for p in outcome._parts or ()
                ],
                "is_leaf": self.is_leaf,
                "unit_row": self.unit_row,
                "target_value": self.target_value,
                "actual_value": self.actual_value,
                "reason": self.reason,
                "stated_score": self.stated_score,
                "difference": self.difference,
            }
        )


_NOTHING_FOUND = Outcome(None)  # read only: what a line without an outcome shows


# How the explanation of a scored leaf ends (``Outcome.close``, with ``Outcome.close_points``; once written the
# explanation replaces the mode as ``(text,)``). Points are already rounded to the framework's places, so plain
# formatting shows exactly those places; a figure from the framework (a band's 0.7) is shown as written.
_CLOSING = {
    CLOSE_POINTS: lambda points: f" → {points:f} 分",
    CLOSE_LITERAL: lambda points: f" → {show_points(points)} 分",
    CLOSE_TOTAL: lambda points: f"；合计 {points:f} 分",
}


_LINE_FIELDS = (
    "code",
    "name",
    "level",
    "weight",
    "points",
    "kind",
    "band",
    "explanation",
    "inputs",
    "rates",
    "missing",
    "warnings",
    "parts",
    "parent",
    "is_leaf",
    "unit_row",
    "target_value",
    "actual_value",
    "reason",
    "stated_score",
    "difference",
)


@dataclass(slots=True)
class ScoreSheet:
    framework_code: str
    framework_version: int
    framework_name: str
    places: int
    lines: list[ScoreLine]
    subtotals: dict[str, Decimal | None]
    total: Decimal | None  # None while any indicator cannot be scored
    scored_total: Decimal  # the sum of what could be scored, shown next to the missing inputs
    grade: str | None
    adjustments: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stated_total: Decimal | None = None
    stated_items_total: Decimal | None = None
    total_difference: Decimal | None = None  # computed − stated
    # Why the total is not final though every line may be scored: 10号 blocks whose rows weigh less than the block
    # (``incomplete``) or more (``overweight``, an error). Either leaves ``total`` and ``grade`` None.
    incomplete: list[str] = field(default_factory=list)
    overweight: list[str] = field(default_factory=list)
    # Blocks whose rows do not weigh what the framework's weight scheme gives them (101号): no total until re-weighted.
    misfit: list[str] = field(default_factory=list)
    # The most the sheet can still reach: scored points plus the weights of the lines not scored.
    max_attainable: Decimal | None = None
    # Groups (一级/二级指标) with a score stated in the report: (code, name, stated, most attainable).
    stated_groups: list[tuple[str, str, Decimal, Decimal]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.total is not None

    @property
    def missing(self) -> list[str]:
        names: list[str] = []
        for line in self.lines:
            outcome = line._outcome
            if outcome is not None and outcome._missing:
                names.extend(f"{line.name}：{name}" for name in outcome._missing)
        return names

    def line(self, key: str) -> ScoreLine:
        for line in self.lines:
            if key in (line.code, line.name):
                return line
        raise KeyError(key)

    def to_dict(self) -> dict:
        return _plain(
            {
                "framework": {
                    "code": self.framework_code,
                    "version": self.framework_version,
                    "name": self.framework_name,
                },
                "places": self.places,
                "total": self.total,
                "scored_total": self.scored_total,
                "grade": self.grade,
                "complete": self.complete,
                "subtotals": self.subtotals,
                "adjustments": self.adjustments,
                "warnings": self.warnings,
                "missing": self.missing,
                "stated_total": self.stated_total,
                "stated_items_total": self.stated_items_total,
                "total_difference": self.total_difference,
                "lines": [],
            }
            # Only when set, so that the sheets of complete structures read as before.
            | ({"incomplete": self.incomplete} if self.incomplete else {})
            | ({"overweight": self.overweight} if self.overweight else {})
            | ({"misfit": self.misfit} if self.misfit else {})
        ) | {"lines": [line.to_dict() for line in self.lines]}  # plain already: not walked twice

    def render_text(self) -> str:
        places = self.places
        out = [f"{self.framework_name}（{self.framework_code} 第 {self.framework_version} 版）", ""]
        for line in self.lines:
            indent = "  " * (line.level - 1)
            points = fmt(line.points, places) if line.points is not None else "未评分"
            weight = fmt(line.weight, places) if line.weight is not None else "—"
            head = f"{indent}{line.name}  {points} / {weight}"
            if line.stated_score is not None and line.difference:
                head += f"  （报告所列 {fmt(line.stated_score, places)}，相差 {fmt(line.difference, places)}）"
            out.append(head)
            said = line.is_leaf and line.explanation
            if said:
                out.append(f"{indent}    {line.explanation}")
            # A row that could not be scored already says what it lacks ("缺少：…"): not a second time.
            if not (said and line.explanation.startswith("缺少：")):
                out.extend(f"{indent}    缺少：{name}" for name in line.missing)
            for warning in line.warnings:
                out.append(f"{indent}    ⚠ {warning}")
        out.append("")
        if self.total is not None:
            out.append(f"总分：{fmt(self.total, places)}    等次：{self.grade or '—'}")
        else:
            out.append(f"总分：未完成（已评分部分合计 {fmt(self.scored_total, places)}）")
        if self.stated_total is not None:
            out.append(f"报告所列总分：{fmt(self.stated_total, places)}")
        for adjustment in self.adjustments:
            out.append(f"调整：{adjustment}")
        for warning in self.warnings:
            out.append(f"⚠ {warning}")
        return "\n".join(out)
