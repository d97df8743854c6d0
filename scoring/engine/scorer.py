"""``score``: a framework, the facts and the indicator entries in, a score sheet out. Nothing else is read."""

from collections.abc import Iterable, Iterator, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, getcontext

from . import layout, vocabulary
from .errors import ScoringError
from .framework import FrameworkSpec, IndicatorSpec
from .inputs import EMPTY_ENTRY, IndicatorEntry, Stated, outcome_code
from .numbers import QUANTA, ZERO, fmt, fmt_percent, parse_target, row_deadline
from .rules import Context, Outcome, describe_entry_field, show_points
from .sheet import MANUAL_BAND, ScoreLine, ScoreSheet


def score(
    framework: FrameworkSpec,
    facts: Mapping[str, Decimal],
    entries: Mapping[str, IndicatorEntry] | Iterable[IndicatorEntry] = (),
    *,
    stated: Stated | None = None,
) -> ScoreSheet:
    _check_facts(facts)
    prepared = plan(framework)
    by_code, rows = _sort_entries(framework, entries, prepared.leaf_codes)
    stated = stated or _NOTHING_STATED
    stated_items = _stated_items(framework, stated.items, prepared.keys)
    scorer = _Scorer(framework, prepared, Context(facts, framework.settings, framework.rounding.places), by_code, rows)
    scorer.walk(prepared.nodes, stated_items)
    return scorer.finish(stated.total)


_NOTHING_STATED = Stated()
_NO_REASON_WARNING = "未得满分，需填写偏差原因分析及改进措施"
_FACT_NAMES = frozenset(vocabulary.FACTS)
_RATE_FACTS = frozenset(name for name, fact in vocabulary.FACTS.items() if fact.is_rate)
_ONE = Decimal(1)
_new = object.__new__
# The builders bound once, for unit rows: reading a classmethod off the class makes a new bound method at every call.
_scored_line = ScoreLine.scored
_group_line = ScoreLine.group


def _check_facts(facts: Mapping[str, Decimal]) -> None:
    # Every sheet passes these checks, so they are written as the fewest passes over the facts, in C: a frozenset's
    # issuperset, and counting the values whose type is Decimal (a list's count) rather than a set of their types.
    if not _FACT_NAMES.issuperset(facts):
        name = sorted(facts.keys() - _FACT_NAMES)[0]
        raise ScoringError(f"未知的数据项“{name}”", field=name)
    if list(map(type, facts.values())).count(Decimal) != len(facts):
        for name, value in facts.items():
            if type(value) is not Decimal:
                raise ScoringError(
                    f"数据项“{vocabulary.label(name)}”应为 Decimal，收到 {type(value).__name__}", field=name
                )
    # Impossible values are refused, not scored: a negative budget would give a positive rate, 120 % satisfaction a band.
    # (min() and a set intersection first: every sheet passes here, and almost every sheet is fine.)
    try:
        low = min(facts.values()) if facts else ZERO
    except InvalidOperation:  # a NaN among them
        low = None
    # is_finite first: a lone NaN is min() of itself, and comparing it raises InvalidOperation.
    if low is None or not low.is_finite() or low < ZERO:
        for name, value in facts.items():
            if not value.is_finite():
                raise ScoringError(f"“{vocabulary.label(name)}”不是数字", field=name)
            if value < ZERO and name not in vocabulary.SIGNED:
                raise ScoringError(f"“{vocabulary.label(name)}”不能为负数（{value:f}）", field=name)
    for name in _RATE_FACTS & facts.keys():
        if facts[name] > _ONE:
            raise ScoringError(f"“{vocabulary.label(name)}”应在 0% 至 100% 之间（{facts[name]:f}）", field=name)


def _stated_items(framework: FrameworkSpec, items: Mapping[str, Decimal], keys: Mapping[str, str]) -> dict:
    """Stated item scores by indicator code; keys may be codes, names or aliases (``FrameworkSpec.resolve``)."""
    try:
        return {keys[key]: value for key, value in items.items()}
    except (KeyError, TypeError):  # a key that needs resolve(): stripped, or unknown (which raises there)
        return {framework.resolve(key).code: value for key, value in items.items()}


def _sort_entries(
    framework: FrameworkSpec, entries, leaf_codes: frozenset[str]
) -> tuple[dict[str, IndicatorEntry], dict[str, list[IndicatorEntry]]]:
    """Entries by indicator code, and unit-written rows by their level-2 group."""
    # A list, as the app and the JSON input give, is taken as is before asking isinstance(…, Mapping), an ABC check
    # that costs about as much as sorting a sheet's entries.
    items = entries if entries.__class__ is list or not isinstance(entries, Mapping) else entries.values()
    by_code: dict[str, IndicatorEntry] = {}
    rows: dict[str, list[IndicatorEntry]] = {}
    for entry in items:
        if entry.parent is None and entry.code in leaf_codes:
            by_code[entry.code] = entry
            continue
        if entry.parent is not None:
            group = framework.resolve(entry.parent)
            if not group.unit_rows:
                raise ScoringError(f"“{group.name}”下不能填写自定义三级指标", field=entry.parent)
            rows.setdefault(group.code, []).append(entry)
            continue
        indicator = framework.resolve(entry.code)
        if indicator.unit_rows or indicator.children:
            raise ScoringError(f"“{indicator.name}”不是末级指标，不能直接评分", field=entry.code)
        by_code[indicator.code] = entry
    return by_code, rows


class _Node:
    """An indicator as the scorer needs it, computed once per framework."""

    __slots__ = (
        "children",
        "code",
        "is_leaf",
        "kind",
        "level",
        "name",
        "overridable",
        "parent",
        "rows_below",
        "rule",
        "spec",
        "subtotal",
        "unit_rows",
        "weight",
    )

    def __init__(self, spec: IndicatorSpec, parent: str | None):
        self.spec = spec
        self.code = spec.code
        self.name = spec.name
        self.level = spec.level
        self.weight = spec.weight
        self.parent = parent
        self.rule = spec.rule
        self.kind = spec.kind
        # A group of rows written by the unit (10号 level-2 groups) is scored from the unit's rows, not from children.
        self.unit_rows = bool(spec.unit_rows)
        self.is_leaf = not self.unit_rows and spec.is_leaf
        self.children = () if self.unit_rows else tuple(_Node(child, spec.code) for child in spec.children)
        # A typed score may stand in for a rule whose inputs are missing, except where the score is the input.
        self.overridable = self.kind not in ("manual", "qualitative")
        # 10号 level-1 groups: the weights of their level-2 groups come from the unit's rows.
        self.rows_below = any(child.weight is None for child in spec.children)
        self.subtotal = spec.level <= 2


class _Plan:
    """What the scorer derives once per framework (kept on ``FrameworkSpec.plan``).

    ``nodes`` are the top-level indicators, each with its ``children``; ``leaf_codes`` are the indicators an entry
    may score; ``keys`` resolves a code, name or alias to a code exactly as ``FrameworkSpec.resolve`` does (keys it
    does not hold go to ``resolve``); ``group_codes`` are the indicators that are not leaves of the framework (a
    stated score for one of them is compared with what its lines can reach).
    """

    __slots__ = ("group_codes", "keys", "leaf_codes", "nodes")

    def __init__(
        self, nodes: tuple[_Node, ...], leaf_codes: frozenset[str], keys: dict[str, str], group_codes: frozenset[str]
    ):
        self.nodes = nodes
        self.leaf_codes = leaf_codes
        self.keys = keys
        self.group_codes = group_codes

    def __reduce__(self):
        # Derived data: a copied or unpickled framework prepares its own on first use.
        return (_no_plan, ())


def _no_plan() -> None:
    return None


def _leaves(nodes: Iterable[_Node]) -> Iterator[_Node]:
    for node in nodes:
        if node.is_leaf:
            yield node
        else:
            yield from _leaves(node.children)


def plan(framework: FrameworkSpec) -> _Plan:
    prepared = framework.plan
    if prepared is None:
        nodes = tuple(_Node(indicator, None) for indicator in framework.indicators)
        leaf_codes = frozenset(node.code for node in _leaves(nodes))
        # resolve() strips a key that is not a code before looking it up as an alias: only stripped aliases match as is.
        keys = {alias: code for alias, code in framework.by_alias.items() if alias == alias.strip()}
        keys.update((code, code) for code in framework.by_code)
        group_codes = frozenset(code for code, spec in framework.by_code.items() if not spec.is_leaf)
        prepared = _Plan(nodes, leaf_codes, keys, group_codes)
        object.__setattr__(framework, "plan", prepared)
    return prepared


class _Scorer:
    def __init__(self, framework, prepared, ctx, entries, rows):
        self.framework = framework
        self.group_codes = prepared.group_codes
        self.ctx = ctx
        self.places = ctx.places
        self.quantum = QUANTA[ctx.places]
        self.entries = entries
        self.rows = rows
        self.lines: list[ScoreLine] = []
        self.subtotals: dict[str, Decimal | None] = {}
        self.warnings: list[str] = []
        self.stated_items: Mapping[str, Decimal] = {}
        # Tallied as the leaves are scored, in sheet order: the stated item scores.
        self.stated_sum = ZERO  # while every leaf so far has a stated score
        self.all_stated = True
        self.differences: list[ScoreLine] = []  # leaves whose stated score differs from the rules'
        self.total: Decimal | None = ZERO
        # Level-1 weights that depend on the groups the project uses (101号), and the notes that say which applied.
        self.level_weights, self.weight_notes = layout.choose_weights(framework, rows)
        # Why the total cannot be final although every line was scored: 10号 blocks short of their weight, and
        # blocks whose rows weigh more than the block (an error).
        self.incomplete: list[str] = []
        self.overweight: list[str] = []
        self.misfit: list[str] = []  # blocks whose rows do not weigh what the framework's weight scheme gives them
        self.block_weights: dict[str, tuple[IndicatorSpec, Decimal, list[str]]] = {}  # 10号 blocks: rows' weight

    def walk(self, nodes: tuple[_Node, ...], stated_items: Mapping[str, Decimal]) -> None:
        """Score every indicator in sheet order; the total is the sum of the top-level groups."""
        self.stated_items = stated_items
        self.total = self.score_nodes(nodes)

    def score_nodes(self, nodes: tuple[_Node, ...]) -> Decimal | None:
        """Add the lines of ``nodes`` (and of everything below them); the sum of their points, None if one has none.

        A leaf of the framework is scored here, as ``add_leaf`` scores a unit's row, and its line and a group's are
        built here slot by slot, as ``ScoreLine.scored`` and ``ScoreLine.group`` build them: written out in the loop
        because the calls cost about as much as what they do, and a sheet has a line for every indicator. (A test
        compares every line of every seed's sheet with what the builders give.)
        """
        total = ZERO
        entries = self.entries
        stated_items = self.stated_items
        ctx = self.ctx
        quantum = self.quantum
        lines = self.lines
        for node in nodes:
            if node.is_leaf:
                # One of the framework's indicators, scored by its rule (or by a typed score where the rule cannot run).
                code = node.code
                entry = entries.get(code, EMPTY_ENTRY)
                outcome = node.rule.evaluate(ctx, entry)
                # A hand score stands in where the rule lacks data, or where the unit chose it (数据无法取得，人工评分).
                if node.overridable and entry.score is not None and (outcome._missing or entry.manual):
                    outcome = _override(node.spec, entry, outcome)
                stated = stated_items.get(code)
                points = outcome.points
                difference = None
                if points is None:
                    outcome.close = 0
                else:
                    points = points.quantize(quantum, ROUND_HALF_UP)
                    outcome.close_points = points  # the explanation's end: see add_leaf
                    if points < node.weight and not entry.has_reason:
                        outcome.warnings.append(_NO_REASON_WARNING)
                    if stated is not None:
                        difference = points - stated
                line = _new(ScoreLine)  # as ScoreLine.scored builds it
                line.code = code
                line.name = node.name
                line.level = node.level
                line.weight = node.weight
                line.points = points
                line.kind = node.kind
                line.parent = node.parent
                line.is_leaf = True
                line.unit_row = False
                line.target_value = None
                line.actual_value = None
                line.reason = entry.reason
                line.stated_score = stated
                line.difference = difference
                line._outcome = outcome
                lines.append(line)
                if stated is None:
                    self.all_stated = False
                elif self.all_stated:
                    self.stated_sum += stated
                if difference:
                    self.differences.append(line)
            elif node.unit_rows:
                points = self.rows_group(node).points
            else:
                # A group: its line comes before its children's, and its points are their sum.
                line = _new(ScoreLine)  # as ScoreLine.group builds it
                line.code = node.code
                line.name = node.name
                line.level = node.level
                line.weight = node.weight
                line.points = None
                line.kind = None
                line.parent = node.parent
                line.is_leaf = False
                line.unit_row = False
                line.target_value = None
                line.actual_value = None
                line.reason = None
                line.stated_score = None
                line.difference = None
                line._outcome = None
                lines.append(line)
                points = line.points = self.score_nodes(node.children)
                if node.rows_below:
                    self._row_weights(node.spec, line)
                if node.subtotal:
                    self.subtotals[node.code] = points
            if total is not None:
                total = None if points is None else total + points
        return total

    def rows_group(self, node: _Node) -> ScoreLine:
        """A 10号 level-2 group: its rows are written by the unit, and so is its weight (their sum)."""
        spec = node.spec
        code = node.code
        line = _group_line(code, node.name, node.level, spec.weight, node.parent)
        self.lines.append(line)
        children = [self.unit_row(spec, index, entry) for index, entry in enumerate(self.rows.get(code, ()), 1)]
        line.weight = sum((child.weight for child in children), ZERO)
        if not children:
            line.warnings.append(f"“{spec.name}”下未填写三级指标")
        line.points = _sum_points(children)
        if node.subtotal:
            self.subtotals[code] = line.points
        return line

    def unit_row(self, group: IndicatorSpec, index: int, entry: IndicatorEntry) -> ScoreLine:
        code = entry.code or f"{group.code}.{index}"
        name = entry.name or code
        if entry.weight is None:
            raise ScoringError(f"三级指标“{name}”缺少分值", code=code, field="weight")
        timeliness = _is_timeliness(group)
        kind = entry.kind or _infer_kind(entry, timeliness)
        if kind == "quantitative" and _deadline_target(entry, timeliness):
            # '9月前' has a number in it, but it is a time limit: met or not, never 9 to exceed.
            kind = "deadline"
        rule = layout.row_rule(self.framework, group, kind, entry.weight, code)
        outcome = rule.evaluate(self.ctx, entry)
        # A row may bring its stated score with it; one given with the stated items wins.
        stated = self.stated_items.get(code, entry.stated_score)
        line = self.add_leaf(code, name, group.level + 1, entry.weight, rule.kind, group.code, entry, outcome, stated)
        line.unit_row = True
        line.target_value = entry.target_value
        line.actual_value = entry.actual_value
        return line

    def add_leaf(self, code, name, level, weight, kind, parent, entry, outcome: Outcome, stated) -> ScoreLine:
        """A leaf's line: its points rounded, the warning when full marks were missed without a reason, and the
        comparison with the score the report states (tallied for the stated totals)."""
        points = outcome.points
        difference = None
        if points is None:
            outcome.close = 0
        else:
            points = points.quantize(self.quantum, ROUND_HALF_UP)
            outcome.close_points = points  # the rule chose how the explanation ends; it is written when first read
            if points < weight and not entry.has_reason:
                outcome.warnings.append(_NO_REASON_WARNING)
            if stated is not None:
                difference = points - stated
        # The line reads its band, explanation, inputs… from the rule's outcome.
        line = _scored_line(code, name, level, weight, points, kind, parent, entry.reason, stated, difference, outcome)
        self.lines.append(line)
        if stated is None:
            self.all_stated = False
        elif self.all_stated:
            self.stated_sum += stated
        if difference:
            self.differences.append(line)
        return line

    def _row_weights(self, spec: IndicatorSpec, line: ScoreLine) -> None:
        """10号 rows are weighted by the unit; a level-1 block whose rows do not add up to it is reported (units move
        weight between blocks, with a reason), and the sheet as a whole is checked against the framework's total."""
        children = [child for child in self.lines if child.parent == spec.code]  # its level-2 groups, in order
        rows_weight = sum((child.weight or ZERO for child in children), ZERO)
        expected = self.level_weights.get(spec.code, spec.weight)
        line.weight = expected
        empty = [child.name for child in children if not child.weight]
        self.block_weights[spec.code] = (spec, rows_weight, empty, expected)
        if expected is not None and rows_weight != expected:
            message = f"“{spec.name}”下各三级指标分值之和为 {show_points(rows_weight)}，应为 {show_points(expected)}"
            line.warnings.append(message)
            self.warnings.append(message)

    def _structure(self) -> None:
        """A 10号 sheet whose weights add up to less than the framework's total is incomplete: the shortfall is not a
        zero the unit scored, so there is no final total and no grade. More than the total is an error."""
        if not self.block_weights:
            return
        weight = ZERO
        for line in self.lines:
            if line.level == 1:
                block = self.block_weights.get(line.code)
                weight += block[1] if block is not None else line.weight or ZERO
        total = self.framework.total
        if weight < total:
            short = []
            for spec, rows_weight, empty, expected in self.block_weights.values():
                if expected is not None and rows_weight < expected:
                    where = f"，{'、'.join(empty)}未填写三级指标" if empty else ""
                    short.append(
                        f"“{spec.name}”{show_points(rows_weight)} 分（应为 {show_points(expected)} 分{where}）"
                    )
            blocks = f"：{'；'.join(short)}" if short else ""
            self.incomplete.append(
                f"各指标分值之和为 {show_points(weight)}，比满分 {show_points(total)} 少 {show_points(total - weight)} 分"
                f"{blocks}。评分表不完整，不计总分和等次"
            )
            self.warnings.append(self.incomplete[-1])
        elif weight == total and self.level_weights:
            self._fixed_blocks()
        elif weight > total:
            self.overweight.append(
                f"各指标分值之和为 {show_points(weight)}，超过满分 {show_points(total)}（多 {show_points(weight - total)} 分）"
                "：分值错误，不计总分和等次"
            )
            self.warnings.append(self.overweight[-1])

    def _fixed_blocks(self) -> None:
        """A framework that sets its level-1 weights by scheme (101号) caps each block at its weight: rows written for
        other weights (a 10号 table, 产出 50 with 成本 inside) would let a block give more than its weight and another
        less. The unit's row weights are not rescaled by the engine; the sheet gets no total until they are set."""
        for spec, rows_weight, _, expected in self.block_weights.values():
            if expected is not None and rows_weight != expected:
                self.misfit.append(
                    f"{spec.name}：三级指标分值之和 {show_points(rows_weight)}，应为 {show_points(expected)}"
                )
        if self.misfit:
            self.warnings.append(
                "三级指标分值与本体系的一级指标分值不符（"
                + "；".join(self.misfit)
                + "），须按本体系重新分配，不计总分和等次"
            )

    def finish(self, stated_total: Decimal | None) -> ScoreSheet:
        framework = self.framework
        places = self.places
        for line in self.differences:
            self.warnings.append(
                f"{line.name}：报告所列 {fmt(line.stated_score, places)} 分，按规则 "
                f"{fmt(line.points, places)} 分，相差 {fmt(line.difference, places)}"
            )
        total = self.total
        every_leaf_scored = total is not None and getcontext().prec >= 28
        if every_leaf_scored:
            # Every leaf was scored: their sum is the total (sums of rounded points are exact at this precision).
            scored_total = total
        else:
            scored_total = ZERO
            for line in self.lines:
                if line.is_leaf and line.points is not None:
                    scored_total += line.points
        adjustments: list[str] = list(self.weight_notes)
        self._structure()
        if self.incomplete or self.overweight or self.misfit:
            total = None
        if total is not None and framework.settings.execution_caps:
            total = self._execution_cap(total, adjustments)
        sheet = ScoreSheet(
            framework.code,
            framework.version,
            framework.name,
            self.places,
            self.lines,
            self.subtotals,
            total,
            scored_total,
            framework.grade(total) if total is not None else None,
            adjustments,
            self.warnings,
            stated_total,
        )
        sheet.incomplete = self.incomplete
        sheet.overweight = self.overweight
        sheet.misfit = self.misfit
        # With every leaf scored, the most the sheet can reach is what it scored.
        sheet.max_attainable, sheet.stated_groups = self._attainable(scored_total if every_leaf_scored else None)
        if self.all_stated and any(line.is_leaf for line in self.lines):
            sheet.stated_items_total = self.stated_sum
        self._stated_totals(sheet)
        return sheet

    def _attainable(self, total: Decimal | None) -> tuple[Decimal, list[tuple[str, str, Decimal, Decimal]]]:
        """The most the sheet can still reach (scored points plus the weights of lines not scored; ``total`` when
        the caller knows it), and each group with a stated score: (code, name, stated, most attainable)."""
        if total is None:
            total = ZERO
            for line in self.lines:
                if line.is_leaf:
                    points = line.points
                    total += points if points is not None else line.weight or ZERO
        if self.group_codes.isdisjoint(self.stated_items):
            return total, []
        parents = {line.code: line.parent for line in self.lines}
        by_group: dict[str, Decimal] = {}
        for line in self.lines:
            if not line.is_leaf:
                continue
            reachable = line.points if line.points is not None else line.weight or ZERO
            parent = line.parent
            while parent is not None:
                by_group[parent] = by_group.get(parent, ZERO) + reachable
                parent = parents.get(parent)
        groups = [
            (line.code, line.name, self.stated_items[line.code], by_group.get(line.code, ZERO))
            for line in self.lines
            if not line.is_leaf and line.code in self.stated_items
        ]
        return total, groups

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
    warning = f"未按规则计算：缺少{missing}" if missing else "未按规则计算：数据无法取得，人工评分"
    return Outcome(points, (_override_text, missing, entry.reason), MANUAL_BAND, None, None, [warning])


def _override_text(missing: str, reason: str) -> str:
    if not missing:
        return f"数据无法取得，按人工录入得分（理由：{reason.strip()}）"
    return f"缺少{missing}，按人工录入得分（理由：{reason.strip()}）"


def _sum_points(lines: list[ScoreLine]) -> Decimal | None:
    total = ZERO
    for line in lines:
        if line.points is None:
            return None
        total += line.points
    return total


def _is_timeliness(group: IndicatorSpec) -> bool:
    return group.code == "timeliness" or "时效" in group.name


def _deadline_target(entry: IndicatorEntry, timeliness: bool) -> bool:
    """A row whose 年度指标值 is a time limit (``numbers.row_deadline``, which the forms use too)."""
    return row_deadline(entry.target_value, entry.target, entry.comparator, timeliness=timeliness) is not None


def _infer_kind(entry: IndicatorEntry, timeliness: bool = False) -> str:
    if entry.answer is True or entry.answer is False:
        return "direct"
    if outcome_code(entry.outcome) is not None:
        return "qualitative"
    if _deadline_target(entry, timeliness):
        return "deadline"
    if entry.target is not None or parse_target(entry.target_value)[1] is not None:
        return "quantitative"
    return "qualitative"
