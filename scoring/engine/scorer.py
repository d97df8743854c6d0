"""``score``: a framework, the facts and the indicator entries in, a score sheet out. Nothing else is read."""

import linecache
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, getcontext

from . import vocabulary
from .errors import ScoringError
from .framework import FrameworkSpec, IndicatorSpec
from .inputs import _NO_REASON, EMPTY_ENTRY, IndicatorEntry, Stated, outcome_code
from .numbers import QUANTA, ZERO, fmt, fmt_percent, parse_deadline, parse_target
from .rules import (
    Context,
    DeadlineRule,
    Outcome,
    QualitativeRule,
    QuantitativeRule,
    describe_entry_field,
    show_points,
)
from .sheet import ScoreLine, ScoreSheet


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
    scorer = _Scorer(framework, Context(facts, framework.settings, framework.rounding.places), by_code, rows)
    scorer.walk(prepared.walker, stated_items)
    return scorer.finish(stated.total)


_NOTHING_STATED = Stated()
_UNSTATED = object()
_NO_REASON_WARNING = "未得满分，需填写偏差原因分析及改进措施"
_FACT_NAMES = vocabulary.FACTS.keys()
_RATE_FACTS = frozenset(name for name, fact in vocabulary.FACTS.items() if fact.is_rate)
_ONE = Decimal(1)


def _check_facts(facts: Mapping[str, Decimal]) -> None:
    if not facts.keys() <= _FACT_NAMES:
        name = sorted(facts.keys() - _FACT_NAMES)[0]
        raise ScoringError(f"未知的数据项“{name}”", field=name)
    if facts and set(map(type, facts.values())) != {Decimal}:
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
    if low is None or low < ZERO or not low.is_finite():
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
    items = entries.values() if isinstance(entries, Mapping) else entries
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


_OPEN, _LEAF, _CLOSE, _ROWS = range(4)


class _Node:
    """An indicator as the scorer needs it, computed once per framework."""

    __slots__ = (
        "code",
        "kind",
        "level",
        "name",
        "overridable",
        "parent",
        "rows_below",
        "rule",
        "spec",
        "subtotal",
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
        # A typed score may stand in for a rule whose inputs are missing, except where the score is the input.
        self.overridable = self.kind not in ("manual", "qualitative")
        # 10号 level-1 groups: the weights of their level-2 groups come from the unit's rows.
        self.rows_below = any(child.weight is None for child in spec.children)
        self.subtotal = spec.level <= 2


class _Plan:
    """What the scorer derives once per framework (kept on ``FrameworkSpec.plan``).

    ``program`` is the indicator tree as a flat list of steps: ``(_OPEN, group)`` … ``(_CLOSE, group)`` around a
    group's children, ``(_LEAF, indicator)``, and ``(_ROWS, group)`` for a group of unit-written rows.
    ``leaf_codes`` are the indicators an entry may score; ``keys`` resolves a code, name or alias to a code exactly
    as ``FrameworkSpec.resolve`` does (keys it does not hold go to ``resolve``).
    """

    __slots__ = ("keys", "leaf_codes", "program", "source", "walker")

    def __init__(self, program: tuple, leaf_codes: frozenset[str], keys: dict[str, str], name: str):
        self.program = program
        self.leaf_codes = leaf_codes
        self.keys = keys
        self.source, self.walker = _compile(program, name)

    def __reduce__(self):
        # Derived data with a generated function, which does not pickle or copy: a copied framework prepares its own.
        return (_no_plan, ())


def _no_plan() -> None:
    return None


def plan(framework: FrameworkSpec) -> _Plan:
    prepared = framework.plan
    if prepared is None:
        steps: list[tuple[int, _Node]] = []

        def add(spec: IndicatorSpec, parent: str | None) -> None:
            node = _Node(spec, parent)
            if spec.unit_rows:
                steps.append((_ROWS, node))
            elif spec.is_leaf:
                steps.append((_LEAF, node))
            else:
                steps.append((_OPEN, node))
                for child in spec.children:
                    add(child, spec.code)
                steps.append((_CLOSE, node))

        for indicator in framework.indicators:
            add(indicator, None)
        leaf_codes = frozenset(node.code for step, node in steps if step == _LEAF)
        # resolve() strips a key that is not a code before looking it up as an alias: only stripped aliases match as is.
        keys = {alias: code for alias, code in framework.by_alias.items() if alias == alias.strip()}
        keys.update((code, code) for code in framework.by_code)
        prepared = _Plan(tuple(steps), leaf_codes, keys, f"{framework.code} v{framework.version}")
        object.__setattr__(framework, "plan", prepared)
    return prepared


# The walk over one framework's indicators, written out as Python when the framework is first scored (``_compile``):
# straight-line code with the tree's shape and each indicator's constants built in, which scores a sheet markedly
# faster than a loop over the steps. The source is kept on the plan (``_Plan.source``) for reading and debugging.
_WALK_HEAD = """\
def walk(scorer, ctx, entries_get, stated_get, quantum, add_line, subtotals):
    differences = scorer.differences
    stated_sum = ZERO  # the stated item scores, while every leaf so far has one
    all_stated = True
    a0 = ZERO  # the running sum of the top-level lines: the total
"""

# One indicator of the framework: {i} numbers its constants, {acc} is the running sum of its group.
_WALK_LEAF = """\
    # {code!r}
    e = entries_get({code!r}, EMPTY_ENTRY)
    o = RULE_{i}.evaluate(ctx, e)
{override}\
    p = o.points
    st = stated_get({code!r})
    d = None
    if p is None:
        o.close = 0
        {acc} = None
    else:
        p = p.quantize(quantum, ROUND_HALF_UP)
        o.close_points = p  # the rule chose how the explanation ends; it is written when first read
        if p < WEIGHT_{i} and ((r := e.reason) is None or r.strip() in NO_REASON):
            o.warnings.append(NO_REASON_WARNING)
        if st is not None:
            d = p - st
        if {acc} is not None:
            {acc} += p
    if st is None:
        all_stated = False
    elif all_stated:
        stated_sum += st
    line = new_line(ScoreLine)  # ScoreLine(...) written out: the constructor call costs more than the stores
    line.code = {code!r}
    line.name = {name!r}
    line.level = {level!r}
    line.weight = WEIGHT_{i}
    line.points = p
    line.kind = {kind!r}
    line.parent = {parent!r}
    line.is_leaf = True
    line.unit_row = False
    line.target_value = None
    line.actual_value = None
    line.reason = e.reason
    line.stated_score = st
    line.difference = d
    line._outcome = o  # the line reads its band, explanation, inputs… from the rule's outcome
    add_line(line)
    if d:
        differences.append(line)
"""
_WALK_OVERRIDE = """\
    if o._missing and e.score is not None:
        o = _override(SPEC_{i}, e, o)
"""
_WALK_OPEN = """\
    # {code!r}
    g{i} = new_line(ScoreLine)
    g{i}.code = {code!r}
    g{i}.name = {name!r}
    g{i}.level = {level!r}
    g{i}.weight = WEIGHT_{i}
    g{i}.kind = None
    g{i}.parent = {parent!r}
    g{i}.is_leaf = False
    g{i}.unit_row = False
    g{i}.target_value = None
    g{i}.actual_value = None
    g{i}.reason = None
    g{i}.stated_score = None
    g{i}.difference = None
    g{i}._outcome = None
    add_line(g{i})
    a{i} = ZERO
"""
_WALK_CLOSE = """\
    g{i}.points = a{i}  # (unset until here: a sheet is only returned once every group has closed)
{row_weights}{subtotal}\
    {acc} = None if {acc} is None or a{i} is None else {acc} + a{i}
"""
_WALK_ROWS = """\
    # {code!r}: rows written by the unit, scored by _Scorer.rows_group, which keeps the tallies on the scorer
    scorer.stated_sum, scorer.all_stated = stated_sum, all_stated
    line = scorer.rows_group(NODE_{i})
    stated_sum, all_stated = scorer.stated_sum, scorer.all_stated
    if {acc} is not None:
        {acc} = None if line.points is None else {acc} + line.points
"""
_WALK_TAIL = """\
    scorer.stated_sum, scorer.all_stated, scorer.total = stated_sum, all_stated, a0
"""


def _compile(program: tuple[tuple[int, _Node], ...], name: str) -> tuple[str, Callable]:
    """The Python source of a framework's walk, and the function it defines."""
    namespace = {
        "ZERO": ZERO,
        "EMPTY_ENTRY": EMPTY_ENTRY,
        "ROUND_HALF_UP": ROUND_HALF_UP,
        "NO_REASON": _NO_REASON,
        "NO_REASON_WARNING": _NO_REASON_WARNING,
        "ScoreLine": ScoreLine,
        "new_line": object.__new__,
        "_override": _override,
    }
    parts = [_WALK_HEAD]
    accs = ["a0"]  # the running sum each step adds to: the innermost open group's
    for i, (step, node) in enumerate(program, 1):
        fields = {"i": i, "acc": accs[-1], "code": node.code, "name": node.name, "level": node.level}
        fields |= {"kind": node.kind, "parent": node.parent}
        namespace[f"WEIGHT_{i}"] = node.weight
        if step == _LEAF:
            namespace[f"RULE_{i}"] = node.rule
            namespace[f"SPEC_{i}"] = node.spec
            override = _WALK_OVERRIDE.format(i=i) if node.overridable else ""
            parts.append(_WALK_LEAF.format(override=override, **fields))
        elif step == _OPEN:
            parts.append(_WALK_OPEN.format(**fields))
            accs.append(f"a{i}")
        elif step == _CLOSE:
            opened = int(accs.pop()[1:])
            namespace[f"SPEC_{opened}"] = node.spec
            row_weights = f"    scorer._row_weights(SPEC_{opened}, g{opened})\n" if node.rows_below else ""
            subtotal = f"    subtotals[{node.code!r}] = a{opened}\n" if node.subtotal else ""
            parts.append(_WALK_CLOSE.format(i=opened, acc=accs[-1], row_weights=row_weights, subtotal=subtotal))
        else:
            namespace[f"NODE_{i}"] = node
            parts.append(_WALK_ROWS.format(**fields))
    parts.append(_WALK_TAIL)
    source = "".join(parts)
    filename = f"<scoring walk {name}>"
    # Safe to run: our own templates, filled with numbers and the repr() of strings (a name or code can hold nothing
    # but a string literal, comments included); objects go in the namespace.
    exec(compile(source, filename, "exec"), namespace)
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    return source, namespace["walk"]


class _Scorer:
    def __init__(self, framework, ctx, entries, rows):
        self.framework = framework
        self.ctx = ctx
        self.places = ctx.places
        self.quantum = QUANTA[ctx.places]
        self.entries = entries
        self.rows = rows
        self.lines: list[ScoreLine] = []
        self.subtotals: dict[str, Decimal | None] = {}
        self.warnings: list[str] = []
        # Tallied as the leaves are scored, in sheet order: the stated item scores.
        self.stated_sum = ZERO  # while every leaf so far has a stated score
        self.all_stated = True
        self.differences: list[ScoreLine] = []  # leaves whose stated score differs from the rules'
        self.total: Decimal | None = ZERO
        # Why the total cannot be final although every line was scored: 10号 blocks short of their weight, and
        # blocks whose rows weigh more than the block (an error).
        self.incomplete: list[str] = []
        self.overweight: list[str] = []
        self.block_weights: dict[str, tuple[IndicatorSpec, Decimal, list[str]]] = {}  # 10号 blocks: rows' weight

    def walk(self, walker: Callable, stated_items: Mapping[str, Decimal]) -> None:
        """Score every indicator in sheet order, with the framework's compiled walk (``_compile``)."""
        self.stated_items = stated_items
        walker(self, self.ctx, self.entries.get, stated_items.get, self.quantum, self.lines.append, self.subtotals)

    def rows_group(self, node: _Node) -> ScoreLine:
        """A 10号 level-2 group: its rows are written by the unit, and so is its weight (their sum)."""
        spec = node.spec
        code = node.code
        line = ScoreLine(code, node.name, node.level, spec.weight, None, parent=node.parent, is_leaf=False)
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
        if kind == "quantitative":
            rule = QuantitativeRule(entry.weight)
        elif kind == "qualitative":
            rule = QualitativeRule(entry.weight)
        elif kind == "deadline":
            rule = DeadlineRule(entry.weight)
        else:
            raise ScoringError(
                f"三级指标“{name}”的类型应为定量（quantitative）、定性（qualitative）或时限（deadline）", code=code
            )
        outcome = rule.evaluate(self.ctx, entry)
        line = self.finish_leaf(code, name, group.level + 1, entry.weight, kind, group.code, entry, outcome)
        line.unit_row = True
        line.target_value = entry.target_value
        line.actual_value = entry.actual_value
        if entry.stated_score is not None:
            line.stated_score = entry.stated_score
        self._tally(line)
        return line

    def _tally(self, line: ScoreLine) -> None:
        """What ``leaf`` tallies inline, for a unit-written row (whose stated score may come with the row)."""
        stated = self.stated_items.get(line.code, _UNSTATED)
        if stated is _UNSTATED:
            stated = line.stated_score
        else:
            line.stated_score = stated
        points = line.points
        if stated is None:
            self.all_stated = False
            return
        if self.all_stated:
            self.stated_sum += stated
        if points is not None:
            line.difference = points - stated
            if line.difference:
                self.differences.append(line)

    def finish_leaf(self, code, name, level, weight, kind, parent, entry, outcome: Outcome) -> ScoreLine:
        """A unit-written row's line (``walk`` does the same inline for the framework's indicators)."""
        points = outcome.points
        if points is None:
            outcome.close = 0
        else:
            points = points.quantize(self.quantum, ROUND_HALF_UP)
            outcome.close_points = points
            if weight is not None and points < weight and not entry.has_reason:
                outcome.warnings.append(_NO_REASON_WARNING)
        line = ScoreLine(code, name, level, weight, points, kind, parent=parent, reason=entry.reason)
        line._outcome = outcome
        self.lines.append(line)
        return line

    def _row_weights(self, spec: IndicatorSpec, line: ScoreLine) -> None:
        """10号 rows are weighted by the unit; a level-1 block whose rows do not add up to it is reported (units move
        weight between blocks, with a reason), and the sheet as a whole is checked against the framework's total."""
        children = [child for child in self.lines if child.parent == spec.code]  # its level-2 groups, in order
        rows_weight = sum((child.weight or ZERO for child in children), ZERO)
        self.block_weights[spec.code] = (spec, rows_weight, [child.name for child in children if not child.weight])
        if spec.weight is not None and rows_weight != spec.weight:
            message = f"“{spec.name}”下各三级指标分值之和为 {show_points(rows_weight)}，应为 {show_points(spec.weight)}"
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
            for spec, rows_weight, empty in self.block_weights.values():
                if spec.weight is not None and rows_weight < spec.weight:
                    where = f"，{'、'.join(empty)}未填写三级指标" if empty else ""
                    short.append(
                        f"“{spec.name}”{show_points(rows_weight)} 分（应为 {show_points(spec.weight)} 分{where}）"
                    )
            blocks = f"：{'；'.join(short)}" if short else ""
            self.incomplete.append(
                f"各指标分值之和为 {show_points(weight)}，比满分 {show_points(total)} 少 {show_points(total - weight)} 分"
                f"{blocks}。评分表不完整，不计总分和等次"
            )
            self.warnings.append(self.incomplete[-1])
        elif weight > total:
            self.overweight.append(
                f"各指标分值之和为 {show_points(weight)}，超过满分 {show_points(total)}（多 {show_points(weight - total)} 分）"
                "：分值错误，不计总分和等次"
            )
            self.warnings.append(self.overweight[-1])

    def finish(self, stated_total: Decimal | None) -> ScoreSheet:
        framework = self.framework
        places = self.places
        for line in self.differences:
            self.warnings.append(
                f"{line.name}：报告所列 {fmt(line.stated_score, places)} 分，按规则 "
                f"{fmt(line.points, places)} 分，相差 {fmt(line.difference, places)}"
            )
        total = self.total
        if total is not None and getcontext().prec >= 28:
            # Every leaf was scored: their sum is the total (sums of rounded points are exact at this precision).
            scored_total = total
        else:
            scored_total = ZERO
            for line in self.lines:
                if line.is_leaf and line.points is not None:
                    scored_total += line.points
        adjustments: list[str] = []
        self._structure()
        if self.incomplete or self.overweight:
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
        sheet.max_attainable, sheet.stated_groups = self._attainable()
        if self.all_stated and any(line.is_leaf for line in self.lines):
            sheet.stated_items_total = self.stated_sum
        self._stated_totals(sheet)
        return sheet

    def _attainable(self) -> tuple[Decimal, list[tuple[str, str, Decimal, Decimal]]]:
        """The most the sheet can still reach (scored points plus the weights of lines not scored), and each group
        with a stated score: (code, name, stated, most attainable)."""
        total = ZERO
        for line in self.lines:
            if line.is_leaf:
                points = line.points
                total += points if points is not None else line.weight or ZERO
        by_code = self.framework.by_code
        stated_groups = [code for code in self.stated_items if code in by_code and not by_code[code].is_leaf]
        if not stated_groups:
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
    return Outcome(
        points, (_override_text, missing, entry.reason), "人工录入", None, None, [f"未按规则计算：缺少{missing}"]
    )


def _override_text(missing: str, reason: str) -> str:
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
    """A row whose 年度指标值 is a time limit. A stored target number that is just the number read from that text
    (the 9 of '9月前', as a form stores it) does not make it a quantity; a different one typed by the user, or a
    comparator other than '≤', does."""
    if entry.comparator not in (None, "<=") or parse_deadline(entry.target_value, timeliness=timeliness) is None:
        return False  # a '≥' or '=' chosen for the row makes it a quantity, whatever its text
    return entry.target is None or entry.target == parse_target(entry.target_value)[1]


def _infer_kind(entry: IndicatorEntry, timeliness: bool = False) -> str:
    if outcome_code(entry.outcome) is not None:
        return "qualitative"
    if _deadline_target(entry, timeliness):
        return "deadline"
    if entry.target is not None or parse_target(entry.target_value)[1] is not None:
        return "quantitative"
    return "qualitative"
