"""Frameworks (指标体系) as data: ``framework_from_dict`` turns a parsed YAML/JSON file into frozen specs.

Loading is where mistakes are caught — weights that do not add up, bands with gaps, facts not in the vocabulary —
so that scoring itself never meets a malformed framework. Rules are built here once, not on every score.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from . import rules_2021  # noqa: F401 -- adds the 101号 rule kinds to the registry
from .errors import ScoringError
from .layout import NO_LAYOUT, FrozenMap, Layout, RowRule, list_at, mapping_at, parse_layout, parse_row_rules
from .numbers import HUNDRED, ZERO, to_decimal
from .rules import (
    EXECUTION_CARRYOVER_MODES,
    Rule,
    Settings,
    build_rule,
    parse_bound,
    show_points,
    with_execution_carryover,
)

ROUNDING_MODES = {"half_up"}
LOWER_IS_BETTER_FORMULAS = {"a", "b"}
EQUAL_TO_FORMULAS = {"deviation", "all_or_nothing"}


@dataclass(frozen=True, slots=True)
class GradeBand:
    label: str
    min: Decimal
    max: Decimal | None
    max_inclusive: bool


@dataclass(frozen=True, slots=True)
class Rounding:
    places: int = 2
    mode: str = "half_up"


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    code: str
    name: str
    level: int
    weight: Decimal | None  # None: a 10号 level-2 group whose rows (and weights) are written by the unit
    rule: Rule | None = None
    children: tuple["IndicatorSpec", ...] = ()
    aliases: tuple[str, ...] = ()
    unit_rows: bool = False
    row_rules: Mapping[str, RowRule] = field(default_factory=FrozenMap)  # how this group's unit rows are scored

    @property
    def is_leaf(self) -> bool:
        return not self.children and not self.unit_rows

    @property
    def kind(self) -> str | None:
        return self.rule.kind if self.rule else None

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class FrameworkSpec:
    code: str
    name: str
    region: str
    year_from: int
    year_to: int | None
    version: int
    grades: tuple[GradeBand, ...]
    rounding: Rounding
    settings: Settings
    indicators: tuple[IndicatorSpec, ...]
    total: Decimal = HUNDRED
    layout: Layout = NO_LAYOUT  # unit rows: their rules, level-1 weight schemes, required metadata (``layout``)
    by_code: Mapping[str, IndicatorSpec] = field(default_factory=dict, compare=False, repr=False)
    by_alias: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    # The indicator tree as the scorer walks it, prepared on first use (``scorer.plan``): derived from the fields
    # above, which never change.
    plan: object = field(default=None, init=False, compare=False, repr=False)

    def walk(self):
        for indicator in self.indicators:
            yield from indicator.walk()

    def resolve(self, key: str) -> IndicatorSpec:
        """An indicator by code, Chinese name or alias."""
        code = key if key in self.by_code else self.by_alias.get(key.strip())
        if code is None:
            raise ScoringError(f"指标体系 {self.code} 中没有指标“{key}”", field=key)
        return self.by_code[code]

    def grade(self, total: Decimal) -> str | None:
        for band in self.grades:
            if total >= band.min and (
                band.max is None or total < band.max or (band.max_inclusive and total == band.max)
            ):
                return band.label
        return None


def framework_from_dict(data: Mapping) -> FrameworkSpec:
    if not isinstance(data, Mapping):
        raise ScoringError("指标体系文件应为一个对象（键值表）")
    code = _required(data, "code", "指标体系")
    try:
        years = mapping_at(data.get("years"), "years")
        rounding = _rounding(mapping_at(data.get("rounding"), "rounding"))
        settings = _settings(mapping_at(data.get("settings"), "settings"))
        total = to_decimal(data.get("total", 100), field="total")
        indicators = tuple(
            _indicator(raw, level=1, parent_code="", settings=settings)
            for raw in list_at(data.get("indicators"), "indicators")
        )
        if not indicators:
            raise ScoringError("指标体系没有任何指标", field="indicators")
        _check_weights(indicators, total)
        framework = FrameworkSpec(
            code=code,
            name=_required(data, "name", code),
            region=data.get("region", ""),
            year_from=_whole(years.get("from", 0), "years.from"),
            year_to=_whole(years["to"], "years.to") if years.get("to") is not None else None,
            version=_whole(data.get("version", 1), "version"),
            grades=_grades(data.get("grades")),
            rounding=rounding,
            settings=settings,
            indicators=indicators,
            total=total,
            layout=parse_layout(data, indicators, total),
        )
    except ScoringError as error:
        error.code = error.code or code
        raise
    by_code: dict[str, IndicatorSpec] = {}
    by_alias: dict[str, str] = {}
    for indicator in framework.walk():
        if indicator.code in by_code:
            raise ScoringError(f"指标代码“{indicator.code}”重复", code=code, field=indicator.code)
        by_code[indicator.code] = indicator
        for alias in (indicator.name, *indicator.aliases):
            # Names repeat across branches in some tables; an ambiguous alias is simply not offered.
            by_alias[alias] = indicator.code if alias not in by_alias else ""
    by_alias = {alias: target for alias, target in by_alias.items() if target}
    object.__setattr__(framework, "by_code", by_code)
    object.__setattr__(framework, "by_alias", by_alias)
    return framework


def _required(data: Mapping, key: str, where: str) -> str:
    value = data.get(key)
    if value in (None, ""):
        raise ScoringError(f"缺少必填项“{key}”", field=where)
    return str(value)


def _whole(value: object, where: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ScoringError(f"“{value}”不是整数", field=where) from None


def _rounding(raw: Mapping) -> Rounding:
    try:
        places = int(raw.get("places", 2))
    except (TypeError, ValueError):
        places = None  # refused below, with the rest of what rounding may be
    mode = raw.get("mode", "half_up")
    if places not in (0, 1, 2, 3, 4) or mode not in ROUNDING_MODES:
        raise ScoringError("保留位数应为 0–4 位，舍入方式只支持四舍五入（half_up）", field="rounding")
    return Rounding(places, mode)


def _settings(raw: Mapping) -> Settings:
    settings = Settings()
    values = {}
    formula = str(raw.get("lower_is_better_formula", settings.lower_is_better_formula))
    if formula not in LOWER_IS_BETTER_FORMULAS:
        raise ScoringError("越低越好指标的计分公式应为 a 或 b", field="settings.lower_is_better_formula")
    values["lower_is_better_formula"] = formula
    equal = str(raw.get("equal_to_formula", settings.equal_to_formula))
    if equal not in EQUAL_TO_FORMULAS:
        raise ScoringError("等于型指标的计分方式应为 deviation 或 all_or_nothing", field="settings.equal_to_formula")
    values["equal_to_formula"] = equal
    for flag in ("quarterly_cap", "execution_caps", "deviation_deduction"):
        if flag in raw:
            if not isinstance(raw[flag], bool):
                raise ScoringError("应为 true 或 false", field=f"settings.{flag}")
            values[flag] = raw[flag]
    carryover = str(raw.get("execution_carryover", settings.execution_carryover))
    if carryover not in EXECUTION_CARRYOVER_MODES:
        raise ScoringError(
            "执行率对上年结转的处理应为 " + "、".join(EXECUTION_CARRYOVER_MODES), field="settings.execution_carryover"
        )
    values["execution_carryover"] = carryover
    for name in ("deviation_threshold", "over_completion_warning", "execution_reason_below", "deadline_late_share"):
        if name in raw:
            values[name] = _rate(raw[name], f"settings.{name}")
    if "deviation_points" in raw:
        values["deviation_points"] = to_decimal(raw["deviation_points"], field="settings.deviation_points")
    if "execution_cap_table" in raw:
        where = "settings.execution_cap_table"
        table = []
        for row in list_at(raw["execution_cap_table"], where):
            row = mapping_at(row, where)
            if row.get("below") is None or row.get("cap") is None:
                raise ScoringError("每一行应写明 below（执行率低于）和 cap（总分上限）", field=where)
            table.append((_rate(row["below"], where), to_decimal(row["cap"], field=where)))
        values["execution_cap_table"] = tuple(table)
    return Settings(**values)


def _rate(value: object, where: str) -> Decimal:
    return parse_bound(value, where)


def _grades(raw: object) -> tuple[GradeBand, ...]:
    if not raw:
        raw = [
            {"label": "优", "min": 90, "max": 100, "max_inclusive": True},
            {"label": "良", "min": 80, "max": 90},
            {"label": "中", "min": 60, "max": 80},
            {"label": "差", "min": 0, "max": 60},
        ]
    grades = []
    for item in list_at(raw, "grades"):
        item = mapping_at(item, "grades")
        high = item.get("max")
        grades.append(
            GradeBand(
                label=_required(item, "label", "grades"),
                min=to_decimal(item.get("min", 0), field="grades"),
                max=to_decimal(high, field="grades") if high is not None else None,
                max_inclusive=bool(item.get("max_inclusive", False)),
            )
        )
    grades.sort(key=lambda band: band.min)
    if grades[0].min != ZERO:
        raise ScoringError("等次应从 0 分开始", field="grades")
    for lower, upper in pairwise(grades):
        if lower.max != upper.min or lower.max_inclusive:
            raise ScoringError(f"等次“{lower.label}”与“{upper.label}”之间有空缺或重叠", field="grades")
    if grades[-1].max is not None and not grades[-1].max_inclusive:
        raise ScoringError("最高等次应包含满分", field="grades")
    return tuple(grades)


def _indicator(raw: object, *, level: int, parent_code: str, settings: Settings) -> IndicatorSpec:
    raw = mapping_at(raw, parent_code or "indicators")
    code = raw.get("code")
    if not code:
        raise ScoringError("指标缺少 code", field=parent_code or "indicators")
    name = raw.get("name") or code
    unit_rows = bool(raw.get("unit_rows", False))
    weight = to_decimal(raw["weight"], field=code) if raw.get("weight") is not None else None
    if weight is None and not unit_rows:
        raise ScoringError(f"指标“{name}”缺少分值", field=code)
    if weight is not None and weight < ZERO:
        raise ScoringError(f"指标“{name}”的分值不能为负", field=code)
    children = tuple(
        _indicator(child, level=level + 1, parent_code=code, settings=settings)
        for child in list_at(raw.get("children"), code)
    )
    rule = None
    if raw.get("rule"):
        if children or unit_rows:
            raise ScoringError(f"指标“{name}”有下级指标，不能再设评分规则", field=code)
        params = dict(mapping_at(raw["rule"], code))
        kind = params.pop("kind", None)
        rule = with_execution_carryover(
            build_rule(kind, weight, params, code, label=name), settings.execution_carryover
        )
    elif not children and not unit_rows:
        raise ScoringError(f"末级指标“{name}”缺少评分规则（rule）", field=code)
    return IndicatorSpec(
        code=code,
        name=name,
        level=level,
        weight=weight,
        rule=rule,
        children=children,
        aliases=tuple(list_at(raw.get("aliases"), code)),
        unit_rows=unit_rows,
        row_rules=_row_rules(raw, code, unit_rows),
    )


def _row_rules(raw: Mapping, code: str, unit_rows: bool) -> Mapping[str, RowRule]:
    if raw.get("row_rules") is None:
        return FrozenMap()
    if not unit_rows:
        raise ScoringError("只有可填写三级指标的指标（unit_rows）才能设置 row_rules", field=code)
    return parse_row_rules(raw["row_rules"], f"{code}.row_rules")


def _check_weights(indicators: tuple[IndicatorSpec, ...], total: Decimal) -> None:
    top = sum((indicator.weight or ZERO for indicator in indicators), ZERO)
    if top != total:
        raise ScoringError(f"一级指标分值之和为 {show_points(top)}，应为 {show_points(total)}", field="indicators")
    for indicator in indicators:
        for node in indicator.walk():
            if not node.children or any(child.weight is None for child in node.children):
                continue
            children = sum((child.weight for child in node.children), ZERO)
            if children != node.weight:
                raise ScoringError(
                    f"“{node.name}”的下级指标分值之和为 {show_points(children)}，应为 {show_points(node.weight)}",
                    field=node.code,
                )
