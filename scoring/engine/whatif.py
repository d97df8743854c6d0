"""What-if: the same data scored under two frameworks, side by side. Nothing is stored or changed.

``compare(base, other, facts, entries)`` scores the entries under ``base`` (the framework they were written for) and
under ``other``, and pairs the lines: each indicator with both scores, the rule that produced each, and the
difference; the level-1 subtotals, the totals and the grades; what ``other`` needs that the data lacks (by Chinese
name); and where rows had to be placed differently (a 10号 “成本指标” row under 产出 becomes a 101号 经济成本指标 row,
as ``other`` declares in its ``row_group_map``) or could not be placed at all.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from . import metadata
from .api import entries_from_dict, facts_from_dict, load_json, stated_from_dict
from .errors import ScoringError
from .framework import FrameworkSpec, IndicatorSpec
from .inputs import IndicatorEntry, Stated
from .numbers import fmt
from .scorer import score
from .sheet import ScoreLine, ScoreSheet, _plain

EXIT_OK, EXIT_ERROR = 0, 2


@dataclass
class ComparedLine:
    code: str
    name: str
    base: ScoreLine | None
    other: ScoreLine | None
    base_group: str | None = None  # the name of the group the line sits in, under each framework
    other_group: str | None = None

    @property
    def difference(self) -> Decimal | None:
        if self.base is None or self.other is None or self.base.points is None or self.other.points is None:
            return None
        return self.other.points - self.base.points

    def to_dict(self) -> dict:
        return _plain(
            {
                "code": self.code,
                "name": self.name,
                "base": _side(self.base, self.base_group),
                "other": _side(self.other, self.other_group),
                "difference": self.difference,
            }
        )


def _side(line: ScoreLine | None, group: str | None) -> dict | None:
    if line is None:
        return None
    return {
        "group": group,
        "weight": line.weight,
        "points": line.points,
        "kind": line.kind,
        "rule": line.kind_label,
        "band": line.band,
        "explanation": line.explanation,
        "missing": list(line.missing),
    }


@dataclass
class Comparison:
    base: ScoreSheet
    other: ScoreSheet
    lines: list[ComparedLine]
    groups: list[ComparedLine]  # level-1 indicators
    lacking: list[str] = field(default_factory=list)  # “指标：数据项” the other framework needs and the data lacks
    moved: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)

    @property
    def total_difference(self) -> Decimal | None:
        if self.base.total is None or self.other.total is None:
            return None
        return self.other.total - self.base.total

    @property
    def grade_changed(self) -> bool | None:
        if self.base.grade is None or self.other.grade is None:
            return None
        return self.base.grade != self.other.grade

    def to_dict(self) -> dict:
        def sheet_head(sheet: ScoreSheet) -> dict:
            return {
                "framework": {
                    "code": sheet.framework_code,
                    "version": sheet.framework_version,
                    "name": sheet.framework_name,
                },
                "total": sheet.total,
                "scored_total": sheet.scored_total,
                "grade": sheet.grade,
                "complete": sheet.complete,
                "adjustments": list(sheet.adjustments),
                "warnings": list(sheet.warnings),
            }

        return _plain(
            {
                "base": sheet_head(self.base),
                "other": sheet_head(self.other),
                "total_difference": self.total_difference,
                "grade_changed": self.grade_changed,
                "lacking": self.lacking,
                "moved": self.moved,
                "unplaced": self.unplaced,
            }
        ) | {  # each line is made plain by its own to_dict
            "groups": [line.to_dict() for line in self.groups],
            "lines": [line.to_dict() for line in self.lines],
        }

    def render_text(self) -> str:
        base, other = self.base, self.other
        places = max(base.places, other.places)
        out = [
            "同一数据按两套指标体系评分（不改变任何已存数据）",
            f"基准：{base.framework_name}（{base.framework_code} 第 {base.framework_version} 版）",
            f"对比：{other.framework_name}（{other.framework_code} 第 {other.framework_version} 版）",
            "",
            "逐项对比（得分 / 分值）：",
        ]
        for line in self.lines:
            where = line.other_group or line.base_group or ""
            if line.base_group and line.other_group and line.base_group != line.other_group:
                where = f"{line.base_group} → {line.other_group}"
            out.append(
                f"  {where + ' / ' if where else ''}{line.name}：基准 {_points(line.base, places)}，"
                f"对比 {_points(line.other, places)}，差额 {_signed(line.difference, places)}"
            )
            for label, side in (("基准", line.base), ("对比", line.other)):
                if side is not None:
                    out.append(f"      {label}［{side.kind_label or '—'}］{side.explanation}")
        out += ["", "一级指标小计："]
        for line in self.groups:
            out.append(
                f"  {line.name}：基准 {_points(line.base, places)}，对比 {_points(line.other, places)}，"
                f"差额 {_signed(line.difference, places)}"
            )
        out += ["", f"总分：基准 {_total(base, places)}，对比 {_total(other, places)}"]
        if self.total_difference is not None:
            change = "等次改变" if self.grade_changed else "等次不变"
            out.append(f"相差 {_signed(self.total_difference, places)}，{change}")
        for note in other.adjustments:
            out.append(f"对比体系：{note}")
        if self.lacking:
            out += ["", "对比体系需要而数据中缺少的："]
            out += [f"  - {item}" for item in self.lacking]
        if self.moved:
            out += ["", "按对比体系重新归类的三级指标："]
            out += [f"  - {item}" for item in self.moved]
        if self.unplaced:
            out += ["", "对比体系中无对应位置、未计入的："]
            out += [f"  - {item}" for item in self.unplaced]
        if other.warnings:
            out += ["", "对比体系的提示："]
            out += [f"  ⚠ {warning}" for warning in other.warnings]
        return "\n".join(out)


def _points(line: ScoreLine | None, places: int) -> str:
    if line is None:
        return "（无此指标）"
    points = fmt(line.points, places) if line.points is not None else "未评分"
    weight = fmt(line.weight, places) if line.weight is not None else "—"
    return f"{points} / {weight}"


def _signed(value: Decimal | None, places: int) -> str:
    if value is None:
        return "—"
    text = fmt(value, places)
    return text if value < 0 else f"+{text}"


def _total(sheet: ScoreSheet, places: int) -> str:
    if sheet.total is None:
        return f"未完成（已评分部分 {fmt(sheet.scored_total, places)}）"
    return f"{fmt(sheet.total, places)}（{sheet.grade or '—'}）"


# --- placing the entries ---------------------------------------------------------------------------------------------


def _row_group(base: FrameworkSpec, other: FrameworkSpec, group: IndicatorSpec) -> IndicatorSpec | None:
    """Where rows of ``group`` (a group of ``base``) go in ``other``: ``other``'s map, the same code, the same name;
    failing those, the groups ``base``'s own map brings here (101号 经济成本 → the 10号 成本指标 it takes rows from)."""
    mapped = other.layout.row_group_map.get(group.code) or other.layout.row_group_map.get(group.name)
    if mapped:
        return other.by_code[mapped]
    keys = [group.code, group.name, *group.aliases]
    keys += [source for source, target in base.layout.row_group_map.items() if target == group.code]
    for key in keys:
        spec = other.by_code.get(key) or other.by_code.get(other.by_alias.get(key, ""))
        if spec is not None and spec.unit_rows:
            return spec
    return None


def _leaf(other: FrameworkSpec, indicator: IndicatorSpec) -> IndicatorSpec | None:
    for key in (indicator.code, indicator.name, *indicator.aliases):
        spec = other.by_code.get(key) or other.by_code.get(other.by_alias.get(key, ""))
        if spec is not None and spec.is_leaf:
            return spec
    return None


def place_entries(
    base: FrameworkSpec, other: FrameworkSpec, entries: Iterable[IndicatorEntry]
) -> tuple[list[IndicatorEntry], list[IndicatorEntry], dict[str, tuple[str, str]], list[str], list[str]]:
    """The entries for each framework, with the codes the lines will carry made the same on both sides.

    Returns (base entries, other entries, {code: (base group, other group)}, moved, unplaced).
    """
    base_entries, other_entries = [], []
    groups: dict[str, tuple[str, str]] = {}
    moved: dict[tuple[str, str], list[str]] = {}
    unplaced: list[str] = []
    counts: dict[str, int] = {}
    for entry in entries:
        if entry.parent is not None:
            group = base.resolve(entry.parent)
            counts[group.code] = counts.get(group.code, 0) + 1
            # the code the scorer gives a row without one, so both sheets name the row alike
            code = entry.code or f"{group.code}.{counts[group.code]}"
            entry = replace(entry, code=code, parent=group.code)
            base_entries.append(entry)
            target = _row_group(base, other, group)
            name = entry.name or code
            if target is None:
                unplaced.append(f"{group.name}：{name}")
                continue
            # a score the report printed belongs to the base framework's sheet only
            other_entries.append(replace(entry, parent=target.code, stated_score=None))
            groups[code] = (group.name, target.name)
            if target.name != group.name:
                moved.setdefault((group.name, target.name), []).append(name)
            continue
        indicator = base.resolve(entry.code)
        entry = replace(entry, code=indicator.code)
        base_entries.append(entry)
        target = _leaf(other, indicator)
        if target is None:
            unplaced.append(indicator.name)
            continue
        other_entries.append(replace(entry, code=target.code))
    notes = [f"{source} → {target}：" + "、".join(names) for (source, target), names in moved.items()]
    return base_entries, other_entries, groups, notes, unplaced


# --- comparing -------------------------------------------------------------------------------------------------------


def compare(
    base: FrameworkSpec,
    other: FrameworkSpec,
    facts: Mapping[str, Decimal],
    entries: Iterable[IndicatorEntry] = (),
    *,
    stated: Stated | None = None,
) -> Comparison:
    base_entries, other_entries, groups, moved, unplaced = place_entries(base, other, list(entries))
    base_sheet = score(base, facts, base_entries, stated=stated)
    other_sheet = score(other, facts, other_entries)
    base_leaves = {line.code: line for line in base_sheet.lines if line.is_leaf}
    other_leaves = {line.code: line for line in other_sheet.lines if line.is_leaf}
    base_names = {line.code: line.name for line in base_sheet.lines}
    other_names = {line.code: line.name for line in other_sheet.lines}
    lines = []
    paired_codes = set()
    for code, line in base_leaves.items():
        if line.unit_row:
            other_code = code  # rows carry the same code on both sheets (``place_entries``)
        else:
            target = _leaf(other, base.by_code[code])
            other_code = target.code if target is not None else None
        paired = other_leaves.get(other_code) if other_code is not None else None
        base_group = groups[code][0] if code in groups else base_names.get(line.parent)
        other_group = None
        if paired is not None:
            paired_codes.add(paired.code)
            other_group = groups[code][1] if code in groups else other_names.get(paired.parent)
        lines.append(ComparedLine(code, line.name, line, paired, base_group, other_group))
    for code, line in other_leaves.items():
        if code not in paired_codes:
            lines.append(ComparedLine(code, line.name, None, line, None, other_names.get(line.parent)))
    base_top = {line.code: line for line in base_sheet.lines if line.level == 1}
    other_top = {line.code: line for line in other_sheet.lines if line.level == 1}
    tops = [ComparedLine(code, line.name, line, other_top.get(code)) for code, line in base_top.items()]
    tops += [ComparedLine(code, line.name, None, line) for code, line in other_top.items() if code not in base_top]
    lacking = list(other_sheet.missing)
    # Row weights are the unit's: a block they do not fit under the other framework is re-weighted by a person.
    lacking += [f"{block}（须重新分配）" for block in other_sheet.misfit]
    required = other.layout.required_metadata
    if required:
        for entry in other_entries:
            absent = metadata.missing_metadata(entry, required)
            if absent:
                lacking.append(f"{entry.name or entry.code}：" + "、".join(absent))
    return Comparison(base_sheet, other_sheet, lines, tops, lacking, moved, unplaced)


def compare_input(
    data: Mapping, frameworks: Mapping[str, FrameworkSpec], other_code: str, *, framework_code: str | None = None
) -> Comparison:
    """The JSON input format (README) scored under its own framework and under ``other_code``."""
    code = framework_code or data.get("framework")
    if not code:
        raise ScoringError("未指定指标体系（framework）", field="framework")
    for wanted in (code, other_code):
        if wanted not in frameworks:
            raise ScoringError(f"指标体系“{wanted}”不存在，可用：" + "、".join(sorted(frameworks)), field="framework")
    base = frameworks[code]
    facts = facts_from_dict(data.get("facts") or {})
    entries = entries_from_dict(data.get("entries") or {}, base)
    stated = stated_from_dict(data.get("stated") or {})
    return compare(base, frameworks[other_code], facts, entries, stated=stated)


def run_compare(
    input_path: str,
    frameworks: Mapping[str, FrameworkSpec],
    other: str,
    *,
    framework: str | None = None,
    fmt: str = "text",
) -> tuple[int, str]:
    """The body of ``manage.py score INPUT.json --compare FRAMEWORK``: (exit code, text to print)."""
    try:
        data = load_json(Path(input_path).read_text(encoding="utf-8"))
        comparison = compare_input(data, frameworks, other, framework_code=framework)
    except ScoringError as error:
        return EXIT_ERROR, f"错误：{error}"
    except (OSError, json.JSONDecodeError) as error:
        return EXIT_ERROR, f"无法读取输入文件：{error}"
    if fmt == "json":
        return EXIT_OK, json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2)
    return EXIT_OK, comparison.render_text()


# --- many comparisons: what a finance bureau asks before adopting new rules ------------------------------------------


@dataclass
class IndicatorShift:
    """How one indicator (a framework indicator by name, unit rows by their group in the other framework) moved."""

    name: str
    count: int = 0
    total: Decimal = Decimal(0)
    total_abs: Decimal = Decimal(0)

    @property
    def mean(self) -> Decimal:
        return self.total / self.count if self.count else Decimal(0)

    @property
    def mean_abs(self) -> Decimal:
        return self.total_abs / self.count if self.count else Decimal(0)


@dataclass
class Summary:
    count: int
    compared: int  # both totals known
    grade_changes: dict[tuple[str, str], int]  # (base grade, other grade) → assessments, changed ones only
    unchanged: int
    total_difference: Decimal  # the sum over the compared assessments
    lowest: Decimal | None
    highest: Decimal | None
    shifts: list[IndicatorShift]  # largest mean absolute change first
    lacking: dict[str, int]  # “指标或二级指标：数据项” → assessments lacking it (inputs of the rules)

    @property
    def changed(self) -> int:
        return sum(self.grade_changes.values())

    @property
    def mean_difference(self) -> Decimal | None:
        return self.total_difference / self.compared if self.compared else None

    def to_dict(self) -> dict:
        return _plain(
            {
                "count": self.count,
                "compared": self.compared,
                "changed": self.changed,
                "unchanged": self.unchanged,
                "grade_changes": [
                    {"from": base, "to": other, "count": count} for (base, other), count in self.grade_changes.items()
                ],
                "mean_difference": self.mean_difference,
                "lowest": self.lowest,
                "highest": self.highest,
                "shifts": [
                    {"name": s.name, "count": s.count, "mean": s.mean, "mean_abs": s.mean_abs} for s in self.shifts
                ],
                "lacking": self.lacking,
            }
        )

    def render_text(self, places: int = 2) -> str:
        out = [f"共 {self.count} 份，其中 {self.compared} 份两套体系均可算出总分"]
        out.append(f"等次改变 {self.changed} 份，不变 {self.unchanged} 份")
        for (base, other), count in sorted(self.grade_changes.items(), key=lambda item: -item[1]):
            out.append(f"  {base} → {other}：{count} 份")
        if self.mean_difference is not None:
            out.append(
                f"总分平均变化 {_signed(self.mean_difference, places)}（最低 {_signed(self.lowest, places)}，"
                f"最高 {_signed(self.highest, places)}）"
            )
        if self.shifts:
            out.append("变化最大的指标（平均变化）：")
            out += [f"  {s.name}：{_signed(s.mean, places)}（{s.count} 项）" for s in self.shifts[:10]]
        if self.lacking:
            out.append("对比体系需要而数据中缺少的：")
            out += [f"  {name}：{count} 份" for name, count in sorted(self.lacking.items(), key=lambda item: -item[1])]
        return "\n".join(out)


def summarise(comparisons: Iterable[Comparison]) -> Summary:
    """Grade changes, total changes, the indicators that move most and the inputs most often lacking.

    Reads points only, never explanations, so summarising a region-year costs little beyond scoring it.
    """
    count = compared = unchanged = 0
    grade_changes: dict[tuple[str, str], int] = {}
    total_difference = Decimal(0)
    lowest = highest = None
    shifts: dict[str, IndicatorShift] = {}
    lacking: dict[str, int] = {}
    for comparison in comparisons:
        count += 1
        difference = comparison.total_difference
        if difference is not None:
            compared += 1
            total_difference += difference
            lowest = difference if lowest is None else min(lowest, difference)
            highest = difference if highest is None else max(highest, difference)
            key = (comparison.base.grade, comparison.other.grade)
            if key[0] == key[1]:
                unchanged += 1
            else:
                grade_changes[key] = grade_changes.get(key, 0) + 1
        missing_here = set()
        for line in comparison.lines:
            other = line.other
            if other is None:
                continue
            # a unit's own rows are named by the unit: across units they are counted by their group
            name = line.other_group if other.unit_row else line.name
            for item in other.missing:
                missing_here.add(f"{name}：{item}")
            moved = line.difference
            if moved is None:
                continue
            shift = shifts.setdefault(name, IndicatorShift(name))
            shift.count += 1
            shift.total += moved
            shift.total_abs += abs(moved)
        for item in missing_here:
            lacking[item] = lacking.get(item, 0) + 1
    ranked = sorted(shifts.values(), key=lambda shift: (-shift.mean_abs, shift.name))
    return Summary(count, compared, grade_changes, unchanged, total_difference, lowest, highest, ranked, lacking)
