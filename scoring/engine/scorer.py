"""``score``: a framework, the facts and the indicator entries in, a score sheet out. Nothing else is read."""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from . import vocabulary
from .errors import ScoringError
from .framework import FrameworkSpec, IndicatorSpec
from .inputs import EMPTY_ENTRY, IndicatorEntry, Stated, outcome_code
from .numbers import ZERO, fmt, fmt_percent, parse_target, quantize
from .rules import Context, Outcome, QualitativeRule, QuantitativeRule, describe_entry_field, show_points
from .sheet import ScoreLine, ScoreSheet


def score(
    framework: FrameworkSpec,
    facts: Mapping[str, Decimal],
    entries: Mapping[str, IndicatorEntry] | Iterable[IndicatorEntry] = (),
    *,
    stated: Stated | None = None,
) -> ScoreSheet:
    _check_facts(facts)
    by_code, rows = _sort_entries(framework, entries)
    stated = stated or Stated()
    stated_items = {framework.resolve(key).code: value for key, value in stated.items.items()}
    scorer = _Scorer(framework, Context(facts, framework.settings, framework.rounding.places), by_code, rows)
    for indicator in framework.indicators:
        scorer.node(indicator, parent=None)
    return scorer.finish(stated_items, stated.total)


def _check_facts(facts: Mapping[str, Decimal]) -> None:
    unknown = facts.keys() - vocabulary.FACTS.keys()
    if unknown:
        name = sorted(unknown)[0]
        raise ScoringError(f"未知的数据项“{name}”", field=name)
    for name, value in facts.items():
        if type(value) is not Decimal:
            raise ScoringError(f"数据项“{vocabulary.label(name)}”应为 Decimal，收到 {type(value).__name__}", field=name)


def _sort_entries(
    framework: FrameworkSpec, entries
) -> tuple[dict[str, IndicatorEntry], dict[str, list[IndicatorEntry]]]:
    """Entries by indicator code, and unit-written rows by their level-2 group."""
    items = entries.values() if isinstance(entries, Mapping) else entries
    by_code: dict[str, IndicatorEntry] = {}
    rows: dict[str, list[IndicatorEntry]] = {}
    for entry in items:
        if entry.parent is not None:
            group = framework.resolve(entry.parent)
            if not group.unit_rows:
                raise ScoringError(f"“{group.name}”下不能填写自定义三级指标", field=entry.parent)
            rows.setdefault(group.code, []).append(entry)
            continue
        indicator = framework.resolve(entry.code)
        if indicator.unit_rows or not indicator.is_leaf:
            raise ScoringError(f"“{indicator.name}”不是末级指标，不能直接评分", field=entry.code)
        by_code[indicator.code] = entry
    return by_code, rows


class _Scorer:
    def __init__(self, framework, ctx, entries, rows):
        self.framework = framework
        self.ctx = ctx
        self.places = ctx.places
        self.entries = entries
        self.rows = rows
        self.lines: list[ScoreLine] = []
        self.leaves: list[ScoreLine] = []
        self.subtotals: dict[str, Decimal | None] = {}
        self.warnings: list[str] = []

    # A node's points are the sum of its rounded leaves, or None while any leaf cannot be scored.
    def node(self, spec: IndicatorSpec, parent: str | None) -> ScoreLine:
        if spec.is_leaf:
            return self.leaf(spec, parent)
        line = ScoreLine(spec.code, spec.name, spec.level, spec.weight, None, parent=parent, is_leaf=False)
        self.lines.append(line)
        children = [self.node(child, spec.code) for child in spec.children]
        if spec.unit_rows:
            children = [
                self.unit_row(spec, index, entry) for index, entry in enumerate(self.rows.get(spec.code, []), 1)
            ]
            line.weight = sum((child.weight for child in children), ZERO)
            if not children:
                line.warnings.append(f"“{spec.name}”下未填写三级指标")
        line.points = _sum_points(children)
        if spec.children and any(child.weight is None for child in spec.children):
            self._row_weights(spec, line, children)
        if spec.level <= 2:
            self.subtotals[spec.code] = line.points
        return line

    def leaf(self, spec: IndicatorSpec, parent: str | None) -> ScoreLine:
        entry = self.entries.get(spec.code, EMPTY_ENTRY)
        outcome = spec.rule.evaluate(self.ctx, entry)
        if outcome.missing and entry.score is not None and spec.kind not in ("manual", "qualitative"):
            outcome = _override(spec, entry, outcome)
        return self.finish_leaf(spec.code, spec.name, spec.level, spec.weight, spec.kind, parent, entry, outcome)

    def unit_row(self, group: IndicatorSpec, index: int, entry: IndicatorEntry) -> ScoreLine:
        code = entry.code or f"{group.code}.{index}"
        name = entry.name or code
        if entry.weight is None:
            raise ScoringError(f"三级指标“{name}”缺少分值", code=code, field="weight")
        kind = entry.kind or _infer_kind(entry)
        if kind == "quantitative":
            rule = QuantitativeRule(entry.weight)
        elif kind == "qualitative":
            rule = QualitativeRule(entry.weight)
        else:
            raise ScoringError(f"三级指标“{name}”的类型应为定量（quantitative）或定性（qualitative）", code=code)
        outcome = rule.evaluate(self.ctx, entry)
        line = self.finish_leaf(code, name, group.level + 1, entry.weight, kind, group.code, entry, outcome)
        line.unit_row = True
        line.target_value = entry.target_value
        line.actual_value = entry.actual_value
        if entry.stated_score is not None:
            line.stated_score = entry.stated_score
        return line

    def finish_leaf(self, code, name, level, weight, kind, parent, entry, outcome: Outcome) -> ScoreLine:
        points = None if outcome.points is None else quantize(outcome.points, self.places)
        explanation = outcome.explanation
        # points are already quantized, so plain formatting shows exactly the framework's places.
        if points is not None and not outcome.parts:
            shown = show_points(points) if outcome.literal else f"{points:f}"
            explanation = f"{explanation} → {shown} 分"
        elif points is not None:
            explanation = f"{explanation}；合计 {points:f} 分"
        warnings = outcome.warnings  # each evaluation builds a fresh Outcome, so the line may own its lists
        if points is not None and weight is not None and points < weight and not entry.has_reason:
            warnings.append("未得满分，需填写偏差原因分析及改进措施")
        line = ScoreLine(
            code=code,
            name=name,
            level=level,
            weight=weight,
            points=points,
            kind=kind,
            band=outcome.band,
            explanation=explanation,
            inputs=outcome.inputs,
            rates=outcome.rates,
            missing=outcome.missing,
            warnings=warnings,
            parts=outcome.parts,
            parent=parent,
            reason=entry.reason,
        )
        self.lines.append(line)
        self.leaves.append(line)
        return line

    def _row_weights(self, spec: IndicatorSpec, line: ScoreLine, children: list[ScoreLine]) -> None:
        """10号 rows are weighted by the unit; a level-1 total that does not match is reported, not refused."""
        rows_weight = sum((child.weight or ZERO for child in children), ZERO)
        if spec.weight is not None and rows_weight != spec.weight:
            message = f"“{spec.name}”下各三级指标分值之和为 {show_points(rows_weight)}，应为 {show_points(spec.weight)}"
            line.warnings.append(message)
            self.warnings.append(message)

    def finish(self, stated_items: dict[str, Decimal], stated_total: Decimal | None) -> ScoreSheet:
        framework = self.framework
        for line in self.leaves:
            if line.code in stated_items:
                line.stated_score = stated_items[line.code]
            if line.stated_score is not None and line.points is not None:
                line.difference = line.points - line.stated_score
                if line.difference:
                    self.warnings.append(
                        f"{line.name}：报告所列 {fmt(line.stated_score, self.places)} 分，按规则 "
                        f"{fmt(line.points, self.places)} 分，相差 {fmt(line.difference, self.places)}"
                    )
        top_lines = [line for line in self.lines if line.level == 1]
        scored_total = sum((line.points for line in self.leaves if line.points is not None), ZERO)
        total = _sum_points(top_lines)
        adjustments: list[str] = []
        if total is not None and framework.settings.execution_caps:
            total = self._execution_cap(total, adjustments)
        sheet = ScoreSheet(
            framework_code=framework.code,
            framework_version=framework.version,
            framework_name=framework.name,
            places=self.places,
            lines=self.lines,
            subtotals=self.subtotals,
            total=total,
            scored_total=scored_total,
            grade=framework.grade(total) if total is not None else None,
            adjustments=adjustments,
            warnings=self.warnings,
            stated_total=stated_total,
        )
        self._stated_totals(sheet)
        return sheet

    def _execution_cap(self, total: Decimal, adjustments: list[str]) -> Decimal:
        facts = self.ctx.facts
        budget, spent = facts.get("budget_full_year"), facts.get("spending_actual")
        if budget is None or spent is None or budget == ZERO:
            self.warnings.append("已启用预算执行率封顶，但缺少全年预算数或全年执行数，未作封顶")
            return total
        rate = spent / budget
        caps = [cap for below, cap in self.ctx.settings.execution_cap_table if rate < below]
        if not caps:
            return total
        cap = min(caps)
        if total > cap:
            adjustments.append(
                f"预算执行率 {fmt_percent(rate)}，总分封顶 {show_points(cap)} 分（按规则 {fmt(total, self.places)} 分）"
            )
            return cap
        return total

    def _stated_totals(self, sheet: ScoreSheet) -> None:
        places = self.places
        stated = [line.stated_score for line in self.leaves]
        if stated and all(value is not None for value in stated):
            sheet.stated_items_total = sum(stated, ZERO)
        if sheet.stated_total is None:
            return
        if sheet.total is not None:
            sheet.total_difference = sheet.total - sheet.stated_total
            if sheet.total_difference:
                sheet.warnings.append(
                    f"报告所列总分 {fmt(sheet.stated_total, places)}，按规则计算 {fmt(sheet.total, places)}，"
                    f"相差 {fmt(sheet.total_difference, places)}"
                )
        if sheet.stated_items_total is not None and sheet.stated_items_total != sheet.stated_total:
            sheet.warnings.append(
                f"报告所列总分 {fmt(sheet.stated_total, places)} 与所列各项得分之和 "
                f"{fmt(sheet.stated_items_total, places)} 不一致"
            )


def _override(spec: IndicatorSpec, entry: IndicatorEntry, computed: Outcome) -> Outcome:
    """A score typed in place of a rule whose inputs are not available (a report that printed only the score).

    Only used when the rule cannot run, so it never hides a computed result; it needs a reason, and the inputs that
    were missing stay on the line as a warning.
    """
    missing = "、".join(computed.missing)
    if not entry.has_reason:
        computed.missing.append(describe_entry_field("reason"))
        computed.explanation += "；人工录入得分须填写理由"
        return computed
    points = entry.score
    if points < ZERO or points > spec.weight:
        raise ScoringError(f"评分 {show_points(points)} 应在 0 至 {show_points(spec.weight)} 之间", field=spec.code)
    return Outcome(
        points,
        f"缺少{missing}，按人工录入得分（理由：{entry.reason.strip()}）",
        band="人工录入",
        warnings=[f"未按规则计算：缺少{missing}"],
    )


def _sum_points(lines: list[ScoreLine]) -> Decimal | None:
    total = ZERO
    for line in lines:
        if line.points is None:
            return None
        total += line.points
    return total


def _infer_kind(entry: IndicatorEntry) -> str:
    if outcome_code(entry.outcome) is not None:
        return "qualitative"
    if entry.target is not None or parse_target(entry.target_value)[1] is not None:
        return "quantitative"
    return "qualitative"
