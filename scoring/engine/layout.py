"""What a framework says about the rows units write (10号/101号 tables), beyond its indicator tree.

* ``row_rules`` — how a unit-written row of each kind (``quantitative``, ``qualitative``, ``direct``) is scored:
  framework-wide, and per row group (the 满意度 group of 101号 scores its quantitative rows by bands). Without it a
  row is scored as 10号 says.
* ``weight_schemes`` and ``absent_moves`` — level-1 weights that depend on which groups the project uses (101号:
  成本 20 / 产出 40 / 效益 20 / 满意度 10 with 成本指标, 产出 50 / 效益 30 / 满意度 10 without; no 满意度 indicator
  → its 10 to 效益). The rows' weights are the unit's; these are what they must add up to.
* ``row_group_map`` — where rows written under another framework's groups go when the same data is scored here
  (what-if: a 10号 “成本指标” under 产出 → 101号 经济成本指标). Never used for this framework's own input.
* ``required_metadata`` — the row fields of ``metadata`` a unit must fill in (a finding when missing).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from . import metadata
from .errors import ScoringError
from .numbers import ZERO, to_decimal
from .rules import DeadlineRule, QualitativeRule, QuantitativeRule, Rule, build_rule, show_points


class FrozenMap(dict):
    """A dict that hashes by its items, so that a framework without these keys hashes as it did before them."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(tuple(self.items()))


def mapping_at(value: object, where: str) -> Mapping:
    """A part of a framework file that must be a mapping; absent or empty, an empty one. Anything else is refused
    here, so that a file edited by hand is refused with the place to correct rather than failing further on."""
    if not value:
        return {}
    if not isinstance(value, Mapping):
        raise ScoringError("应为键值表（键: 值）", field=where)
    return value


def list_at(value: object, where: str) -> list:
    """A part of a framework file that must be a list; absent or empty, an empty one."""
    if not value:
        return []
    if not isinstance(value, list | tuple):
        raise ScoringError("应为列表", field=where)
    return list(value)


ROW_KINDS = {"quantitative": "定量", "qualitative": "定性", "deadline": "时限", "direct": "直接赋分"}
_TEST_WEIGHT = Decimal(10)


@dataclass(frozen=True, slots=True)
class RowRule:
    kind: str
    params: Mapping = field(default_factory=dict)

    def build(self, weight: Decimal, where: str) -> Rule:
        if self.kind == "quantitative" and not self.params:
            return QuantitativeRule(weight)
        if self.kind == "qualitative" and not self.params:
            return QualitativeRule(weight)
        if self.kind == "deadline" and not self.params:
            return DeadlineRule(weight)
        return build_rule(self.kind, weight, self.params, where)


# 10号: quantitative and qualitative rows as §3.1 says; a yes/no row is full or nothing.
DEFAULT_ROW_RULES: dict[str, RowRule] = {
    "quantitative": RowRule("quantitative"),
    "qualitative": RowRule("qualitative"),
    "deadline": RowRule("deadline"),
    "direct": RowRule("direct"),
}


def parse_row_rules(raw: object, where: str) -> FrozenMap:
    if raw is None:
        return FrozenMap()
    if not isinstance(raw, Mapping):
        raise ScoringError("row_rules 应为“行类型: 规则”的键值表", field=where)
    parsed = FrozenMap()
    for row_kind, spec in raw.items():
        if row_kind not in ROW_KINDS:
            raise ScoringError(
                f"未知的三级指标类型“{row_kind}”，可选：" + "、".join(f"{k}（{v}）" for k, v in ROW_KINDS.items()),
                field=where,
            )
        params = dict(spec) if isinstance(spec, Mapping) else {"kind": spec}
        kind = params.pop("kind", None)
        rule = RowRule(kind, params)
        rule.build(_TEST_WEIGHT, f"{where}.{row_kind}")  # refuses unknown kinds and bad parameters at load
        parsed[row_kind] = rule
    return parsed


@dataclass(frozen=True, slots=True)
class WeightScheme:
    label: str
    when: tuple[tuple[str, bool], ...]  # (level-1 code, whether the project has rows under it)
    weights: Mapping[str, Decimal]


@dataclass(frozen=True, slots=True)
class AbsentMove:
    source: str
    target: str
    label: str


@dataclass(frozen=True, slots=True)
class Layout:
    row_rules: Mapping[str, RowRule] = field(default_factory=FrozenMap)
    weight_schemes: tuple[WeightScheme, ...] = ()
    absent_moves: tuple[AbsentMove, ...] = ()
    row_group_map: Mapping[str, str] = field(default_factory=FrozenMap)
    required_metadata: tuple[str, ...] = ()
    # row group code → its level-1 code, for the weight schemes
    group_tops: Mapping[str, str] = field(default_factory=FrozenMap)

    @property
    def variable_weights(self) -> bool:
        return bool(self.weight_schemes or self.absent_moves)


NO_LAYOUT = Layout()


def parse_layout(data: Mapping, indicators: tuple, total: Decimal) -> Layout:
    """The layout keys of a framework file, checked against its indicator tree."""
    keys = ("row_rules", "weight_schemes", "absent_moves", "row_group_map", "required_metadata")
    if not any(data.get(key) for key in keys):
        return NO_LAYOUT
    top_codes = {indicator.code: indicator for indicator in indicators}
    group_tops = {}
    groups = {}
    for top in indicators:
        for node in top.walk():
            if node.unit_rows:
                group_tops[node.code] = top.code
                groups[node.code] = node
    schemes = tuple(
        _scheme(mapping_at(raw, f"weight_schemes[{index}]"), top_codes, total, index)
        for index, raw in enumerate(list_at(data.get("weight_schemes"), "weight_schemes"))
    )
    # Only the weight of a level 1 whose rows the unit writes can vary: a fixed indicator's rule is built with its own.
    with_rows = set(group_tops.values())
    for scheme in schemes:
        for code, weight in scheme.weights.items():
            if code not in with_rows and weight != top_codes[code].weight:
                raise ScoringError(
                    f"分值方案“{scheme.label}”不能改变“{top_codes[code].name}”的分值（其评分规则按 "
                    f"{show_points(top_codes[code].weight)} 分设定）",
                    field="weight_schemes",
                )
    moves = []
    for raw in list_at(data.get("absent_moves"), "absent_moves"):
        source, target = mapping_at(raw, "absent_moves").get("from"), raw.get("to")
        for code in (source, target):
            if code not in top_codes:
                raise ScoringError(f"分值转移中的“{code}”不是一级指标", field="absent_moves")
            if code not in with_rows:
                raise ScoringError(f"分值转移中的“{code}”没有可填写的三级指标", field="absent_moves")
        moves.append(
            AbsentMove(
                source, target, raw.get("label") or f"未设{top_codes[source].name}，其分值并入{top_codes[target].name}"
            )
        )
    row_group_map = FrozenMap()
    for source, target in mapping_at(data.get("row_group_map"), "row_group_map").items():
        if target not in groups:
            raise ScoringError(f"“{source}”对应的“{target}”不是可填写三级指标的二级指标", field="row_group_map")
        row_group_map[str(source)] = target
    return Layout(
        row_rules=parse_row_rules(data.get("row_rules"), "row_rules"),
        weight_schemes=schemes,
        absent_moves=tuple(moves),
        row_group_map=row_group_map,
        required_metadata=metadata.required_fields(data.get("required_metadata")),
        group_tops=FrozenMap(group_tops),
    )


def _scheme(raw: Mapping, top_codes: Mapping, total: Decimal, index: int) -> WeightScheme:
    where = f"weight_schemes[{index}]"
    label = raw.get("label") or f"方案{index + 1}"
    when = []
    for code, present in mapping_at(raw.get("when"), where).items():
        if code not in top_codes or not isinstance(present, bool):
            raise ScoringError(f"分值方案“{label}”的条件应为“一级指标代码: true/false”", field=where)
        when.append((code, present))
    weights = {code: to_decimal(value, field=where) for code, value in mapping_at(raw.get("weights"), where).items()}
    if set(weights) != set(top_codes):
        missing = "、".join(sorted(set(top_codes) - set(weights))) or "、".join(sorted(set(weights) - set(top_codes)))
        raise ScoringError(f"分值方案“{label}”应为每个一级指标列出分值（不符：{missing}）", field=where)
    if any(value < ZERO for value in weights.values()):
        raise ScoringError(f"分值方案“{label}”的分值不能为负", field=where)
    added = sum(weights.values(), ZERO)
    if added != total:
        raise ScoringError(
            f"分值方案“{label}”的分值之和为 {show_points(added)}，应为 {show_points(total)}", field=where
        )
    return WeightScheme(label, tuple(when), weights)


def row_rule(framework, group, kind: str, weight: Decimal, where: str) -> Rule:
    """The rule for one unit-written row: the group's, else the framework's, else 10号's."""
    spec = group.row_rules.get(kind) or framework.layout.row_rules.get(kind) or DEFAULT_ROW_RULES.get(kind)
    if spec is None:
        raise ScoringError("三级指标的类型应为" + "、".join(f"{k}（{v}）" for k, v in ROW_KINDS.items()), field=where)
    return spec.build(weight, where)


def choose_weights(framework, rows: Mapping[str, list]) -> tuple[dict[str, Decimal], list[str]]:
    """Level-1 weights for a project with rows in ``rows`` (by group code), and the notes that say why."""
    layout = framework.layout
    if not layout.variable_weights:
        return {}, []
    present = {layout.group_tops.get(code) for code, items in rows.items() if items}
    weights = {indicator.code: indicator.weight for indicator in framework.indicators}
    notes = []
    for scheme in layout.weight_schemes:
        if all((code in present) == wanted for code, wanted in scheme.when):
            weights = dict(scheme.weights)
            notes.append(f"一级指标分值按“{scheme.label}”：" + _shown(framework, weights))
            break
    for move in layout.absent_moves:
        if move.source not in present and weights.get(move.source):
            weights[move.target] += weights[move.source]
            weights[move.source] = ZERO
            notes.append(f"{move.label}：" + _shown(framework, weights))
    return weights, notes


def _shown(framework, weights: Mapping[str, Decimal]) -> str:
    return "、".join(
        f"{indicator.name} {show_points(weights[indicator.code])}"
        for indicator in framework.indicators
        if weights[indicator.code]
    )
