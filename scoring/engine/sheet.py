"""The score sheet: every indicator with what it read, how it was scored and why, and the totals."""

from dataclasses import dataclass, field
from decimal import Decimal

from .numbers import fmt

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
}


def _plain(value: object) -> object:
    """JSON-safe: Decimals become strings so that no float ever carries a score."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


@dataclass(slots=True)
class ScoreLine:
    code: str
    name: str
    level: int
    weight: Decimal | None
    points: Decimal | None
    kind: str | None = None
    band: str | None = None
    explanation: str = ""
    inputs: dict[str, Decimal] = field(default_factory=dict)
    rates: dict[str, Decimal] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    parts: list = field(default_factory=list)
    parent: str | None = None
    is_leaf: bool = True
    unit_row: bool = False
    target_value: str | None = None
    actual_value: str | None = None
    reason: str | None = None
    stated_score: Decimal | None = None
    difference: Decimal | None = None  # computed − stated

    @property
    def kind_label(self) -> str:
        return _KIND_LABELS.get(self.kind or "", self.kind or "")

    def to_dict(self) -> dict:
        return _plain(
            {
                "code": self.code,
                "name": self.name,
                "level": self.level,
                "parent": self.parent,
                "weight": self.weight,
                "points": self.points,
                "kind": self.kind,
                "band": self.band,
                "explanation": self.explanation,
                "inputs": self.inputs,
                "rates": self.rates,
                "missing": self.missing,
                "warnings": self.warnings,
                "parts": [
                    {
                        "code": p.code,
                        "label": p.label,
                        "weight": p.weight,
                        "points": p.points,
                        "explanation": p.explanation,
                    }
                    for p in self.parts
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

    @property
    def complete(self) -> bool:
        return self.total is not None

    @property
    def missing(self) -> list[str]:
        names: list[str] = []
        for line in self.lines:
            names.extend(f"{line.name}：{name}" for name in line.missing)
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
                "lines": [line.to_dict() for line in self.lines],
            }
        )

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
            if line.is_leaf and line.explanation:
                out.append(f"{indent}    {line.explanation}")
            for name in line.missing:
                out.append(f"{indent}    缺少：{name}")
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
