"""Consistency checks over an assessment's facts, entries and score sheet: published tables contradict themselves
(a parent row that is not the sum of its children, a typed rate or total that its inputs do not give), so nothing
derived is taken on trust.

Each check returns findings that quote the numbers. Severity: an ``error`` blocks submission (the tables contradict
themselves); a ``warning`` must be explained by the unit (spending above budget, a score below its weight…).
Blank cells inside a group that has figures count as 0, as they do in the printed tables.
"""

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal

from . import vocabulary
from .errors import ScoringError
from .findings import Finding
from .framework import FrameworkSpec
from .inputs import IndicatorEntry, direction_comparator
from .numbers import (
    COMPARATOR_SYMBOLS,
    HUNDRED,
    ZERO,
    fmt,
    fmt_bound,
    fmt_percent,
    is_percent_text,
    parse_comparator,
    parse_number,
    quantize,
    read_target,
    to_decimal,
)
from .sheet import ScoreSheet

TOLERANCE = Decimal("0.01")
ERROR = "error"
WARNING = "warning"
_DONE_WORDS = ("完成", "达成", "按计划", "达到")


def run_checks(
    facts: Mapping[str, Decimal],
    *,
    entries: Iterable[IndicatorEntry] = (),
    institutions: Iterable[tuple[str, Mapping[str, Decimal]]] = (),
    stated_rates: Mapping[str, object] | None = None,
    sheet: ScoreSheet | None = None,
    framework: FrameworkSpec | None = None,
    typed_facts: Mapping[str, Decimal] | None = None,
) -> list[Finding]:
    """Every check. ``framework`` widens the rates a report may state to those the framework computes;
    ``typed_facts`` are the facts as entered when ``facts`` holds totals derived from the funds' sources."""
    findings: list[Finding] = []
    findings += check_sums(facts)
    findings += check_fund_sources(typed_facts if typed_facts is not None else facts)
    findings += check_balance(facts)
    findings += check_over_budget(facts)
    findings += check_year_swings(facts)
    findings += check_staff(facts)
    findings += check_satisfaction_counts(facts)
    findings += check_institutions(facts, list(institutions))
    findings += check_stated_rates(facts, stated_rates or {}, sheet=sheet, framework=framework)
    if sheet is not None:
        findings += check_sheet(sheet, list(entries))
    return findings


# --- parent = Σ children -------------------------------------------------------------------------------------------

_COLUMN_LABELS = {"budget": "预算数", "actual": "决算数", "prior": "上年决算数"}


def _sum_groups() -> list[tuple[str, str, tuple[str, ...], bool]]:
    """(code, parent fact, children, exhaustive). 其中 rows (公用经费) need only stay within their parent."""
    groups = []
    sangong_parent = {"budget": "sangong_budget", "actual": "sangong_actual", "prior": "sangong_actual_prior"}
    for column in vocabulary.COLUMNS:
        groups.append(
            ("sangong_sum", sangong_parent[column], tuple(f"{p}_{column}" for p in vocabulary.SANGONG_PARTS), True)
        )
        groups.append(
            ("vehicle_sum", f"vehicle_{column}", tuple(f"{p}_{column}" for p in vocabulary.VEHICLE_PARTS), True)
        )
        groups.append(
            ("project_sum", f"project_funds_{column}", tuple(f"{p}_{column}" for p in vocabulary.PROJECT_PARTS), True)
        )
        groups.append(
            (
                "public_funds_parts",
                f"public_funds_{column}",
                tuple(f"{p}_{column}" for p in vocabulary.PUBLIC_PARTS),
                False,
            )
        )
    groups.append(("basic_spending_sum", "spending_basic", ("spending_personnel", "spending_public"), True))
    groups.append(("spending_nature_sum", "spending_actual", ("spending_basic", "spending_project"), True))
    groups.append(("income_sum", "income_total", ("carryover_start", *vocabulary.INCOME_SOURCES), True))
    return groups


def _children_values(facts: Mapping[str, Decimal], parent: str, children: tuple[str, ...]) -> dict[str, Decimal]:
    present = {name: facts[name] for name in children if name in facts}
    if parent.startswith("sangong") and not any(name.startswith("vehicle_") for name in present):
        # The 公务用车 subtotal may be left blank when its two rows are filled in.
        column = children[0].rsplit("_", 1)[1]
        for part in vocabulary.VEHICLE_PARTS:
            if f"{part}_{column}" in facts:
                present[f"{part}_{column}"] = facts[f"{part}_{column}"]
    return present


def check_sums(facts: Mapping[str, Decimal]) -> list[Finding]:
    findings = []
    for code, parent, children, exhaustive in _sum_groups():
        if parent not in facts:
            continue
        present = _children_values(facts, parent, children)
        if not present or (code == "income_sum" and set(present) == {"carryover_start"}):
            continue
        total = sum(present.values(), ZERO)
        value = facts[parent]
        shown = " + ".join(f"{vocabulary.label(name)} {fmt(amount)}" for name, amount in present.items())
        fields = (parent, *present)
        if exhaustive and abs(value - total) > TOLERANCE:
            findings.append(
                Finding(
                    code, ERROR, fields, f"{vocabulary.label(parent)} {fmt(value)} ≠ 各项之和 {fmt(total)}（{shown}）"
                )
            )
        elif not exhaustive and total - value > TOLERANCE:
            findings.append(
                Finding(
                    code,
                    ERROR,
                    fields,
                    f"{vocabulary.label(parent)} {fmt(value)} 小于其中各项之和 {fmt(total)}（{shown}）",
                )
            )
    if "budget_full_year" in facts:
        findings += _funds_block(facts)
    return findings


def _funds_block(facts: Mapping[str, Decimal]) -> list[Finding]:
    """In a 10号 funds block (附件1-2) the 全年预算数 broken down by income nature (一般公共预算 … 其他资金) and by
    spending nature (基本支出 + 项目支出) should each add up to the 全年预算数 itself.

    The breakdown by income nature is read from the budget_* facts; a file that has none of them may give it as the
    income_* facts instead, unless it has an income_total (then those are the 收入 table, checked by income_sum).
    The spending breakdown is checked when both rows are given.
    """
    findings = []
    sources = vocabulary.BUDGET_BY_INCOME
    if not any(name in facts for name in sources) and "income_total" not in facts:
        sources = vocabulary.INCOME_SOURCES
    present = {name: facts[name] for name in sources if name in facts}
    if present:
        findings += _adds_up_to_budget(facts, "income_nature_sum", "按收入性质分合计", present, detail=False)
    if all(name in facts for name in vocabulary.BUDGET_BY_SPENDING):
        present = {name: facts[name] for name in vocabulary.BUDGET_BY_SPENDING}
        findings += _adds_up_to_budget(facts, "spending_nature_budget_sum", "按支出性质分合计", present, detail=True)
    return findings


_BREAKDOWN_LABELS = {"budget_basic": "基本支出", "budget_project": "项目支出"}


def _adds_up_to_budget(
    facts: Mapping[str, Decimal], code: str, what: str, present: dict[str, Decimal], *, detail: bool
) -> list[Finding]:
    total = sum(present.values(), ZERO)
    budget = facts["budget_full_year"]
    if abs(total - budget) <= TOLERANCE:
        return []
    message = f"{what} {fmt(total)} "
    if detail:
        shown = " + ".join(f"{_BREAKDOWN_LABELS[name]} {fmt(value)}" for name, value in present.items())
        message = f"{what} {fmt(total)}（{shown}）"
    message += f"≠ 全年预算数 {fmt(budget)}"
    if "spending_actual" in facts and abs(total - facts["spending_actual"]) <= TOLERANCE:
        message += f"（等于全年执行数 {fmt(facts['spending_actual'])}）"
    return [Finding(code, WARNING, ("budget_full_year", *present), message)]


def check_fund_sources(facts: Mapping[str, Decimal]) -> list[Finding]:
    """The funds block's total row, column by column, is the sum of its sources (当年财政拨款 + 上年结转 + 其他资金).

    A total row left blank or printed 0/0/0 is read from the sources instead (``api.fund_totals_from_sources``) and
    is not compared here.
    """
    columns = vocabulary.FUND_COLUMNS
    if all(facts.get(column) in (None, ZERO) for column in columns):
        return []
    findings = []
    for column, label in columns.items():
        names = [name for source in vocabulary.FUND_SOURCES if (name := f"{source}_{column}") in facts]
        if not names or column not in facts:
            continue
        total = sum((facts[name] for name in names), ZERO)
        if abs(total - facts[column]) > TOLERANCE:
            shown = " + ".join(f"{vocabulary.label(name)} {fmt(facts[name])}" for name in names)
            findings.append(
                Finding(
                    "fund_sources_sum",
                    ERROR,
                    (column, *names),
                    f"资金合计行{label} {fmt(facts[column])} ≠ 各资金来源之和 {fmt(total)}（{shown}）",
                )
            )
    return findings


def check_balance(facts: Mapping[str, Decimal]) -> list[Finding]:
    findings = []
    if {"income_total", "spending_actual", "carryover_end"} <= facts.keys():
        income, spending, balance = facts["income_total"], facts["spending_actual"], facts["carryover_end"]
        if abs(income - spending - balance) > TOLERANCE:
            findings.append(
                Finding(
                    "balance_mismatch",
                    ERROR,
                    ("income_total", "spending_actual", "carryover_end"),
                    f"收入合计 {fmt(income)} − 支出合计 {fmt(spending)} = {fmt(income - spending)}，"
                    f"≠ 年末结转和结余 {fmt(balance)}",
                )
            )
    if {"income_total", "carryover_start", "spending_actual", "balance_year"} <= facts.keys():
        year_income = facts["income_total"] - facts["carryover_start"]
        expected = year_income - facts["spending_actual"]
        if abs(expected - facts["balance_year"]) > TOLERANCE:
            findings.append(
                Finding(
                    "year_balance_mismatch",
                    ERROR,
                    ("income_total", "carryover_start", "spending_actual", "balance_year"),
                    f"本年收入 {fmt(year_income)} − 支出合计 {fmt(facts['spending_actual'])} = {fmt(expected)}，"
                    f"≠ 当年结余 {fmt(facts['balance_year'])}",
                )
            )
    return findings


# --- spending above budget, staffing, surveys --------------------------------------------------------------------

_BUDGET_PAIRS = (
    ("procurement_over_budget", "procurement_actual", "procurement_budget", "政府采购"),
    ("public_funds_over_budget", "public_funds_actual", "public_funds_budget", "公用经费"),
    ("sangong_over_budget", "sangong_actual", "sangong_budget", "三公经费"),
)


def check_over_budget(facts: Mapping[str, Decimal]) -> list[Finding]:
    findings = []
    spent, budget = facts.get("spending_actual"), facts.get("budget_full_year")
    if spent is not None and budget is not None and spent > budget:
        findings.append(
            Finding(
                "spending_over_budget",
                WARNING,
                ("spending_actual", "budget_full_year"),
                f"全年执行数 {fmt(spent)} 超过全年预算数 {fmt(budget)}（多 {fmt(spent - budget)}），"
                "请说明超预算支出的原因和资金来源",
            )
        )
    for code, actual, budget, label in _BUDGET_PAIRS:
        if actual in facts and budget in facts and facts[actual] > facts[budget]:
            findings.append(
                Finding(
                    code,
                    WARNING,
                    (actual, budget),
                    f"{label}决算数 {fmt(facts[actual])} 超过预算数 {fmt(facts[budget])}，需说明原因",
                )
            )
    return findings


YEAR_SWING = Decimal("0.30")  # a change from the 上年决算数 above this needs an explanation


def check_year_swings(facts: Mapping[str, Decimal]) -> list[Finding]:
    """附件1-1 rows whose 本年决算数 moved more than 30 % from the 上年决算数 (a zero or blank prior year is skipped)."""
    findings = []
    for label, prior_name, actual_names in vocabulary.YEAR_ON_YEAR:
        prior = facts.get(prior_name)
        if prior is None or prior <= ZERO:
            continue
        actual_name = next((name for name in actual_names if name in facts), None)
        if actual_name is None:
            continue
        actual = facts[actual_name]
        change = (actual - prior) / prior
        if abs(change) > YEAR_SWING:
            findings.append(
                Finding(
                    "year_swing",
                    WARNING,
                    (prior_name, actual_name),
                    f"{label}本年决算数 {fmt(actual)} 较上年决算数 {fmt(prior)} 变动 {fmt_percent(change)}，"
                    f"超过 {fmt_bound(YEAR_SWING)}，请说明原因",
                )
            )
    return findings


def check_staff(facts: Mapping[str, Decimal]) -> list[Finding]:
    if not {"staff_actual", "staff_quota"} <= facts.keys() or facts["staff_quota"] == ZERO:
        return []
    rate = facts["staff_actual"] / facts["staff_quota"]
    if rate <= 1:
        return []
    return [
        Finding(
            "staff_over_quota",
            WARNING,
            ("staff_actual", "staff_quota"),
            f"实际在职人数 {facts['staff_actual']:f} 超过编制数 {facts['staff_quota']:f}（控制率 {fmt_percent(rate)}）",
        )
    ]


def check_satisfaction_counts(facts: Mapping[str, Decimal]) -> list[Finding]:
    findings = []
    for who in ("recipients", "public", "staff"):
        name = f"satisfaction_{who}"
        if name not in facts:
            continue
        responses, satisfied = f"{name}_responses", f"{name}_satisfied"
        label = vocabulary.label(name)
        if responses not in facts or satisfied not in facts:
            absent = [vocabulary.describe(count) for count in (responses, satisfied) if count not in facts]
            findings.append(
                Finding(
                    "satisfaction_without_survey",
                    WARNING,
                    (name, responses, satisfied),
                    f"{label} {fmt_percent(facts[name])} 缺少{'、'.join(absent)}",
                )
            )
            if responses in facts:
                findings += _possible_share(name, label, facts[name], facts[responses], responses)
            continue
        if facts[responses] == ZERO:
            continue
        if facts[satisfied] > facts[responses]:
            findings.append(
                Finding(
                    "satisfaction_mismatch",
                    ERROR,
                    (name, responses, satisfied),
                    f"{label}：满意问卷数 {facts[satisfied]:f} 多于有效问卷数 {facts[responses]:f}",
                )
            )
            continue
        computed = facts[satisfied] / facts[responses]
        if quantize(computed * HUNDRED) != quantize(facts[name] * HUNDRED):
            findings.append(
                Finding(
                    "satisfaction_mismatch",
                    ERROR,
                    (name, responses, satisfied),
                    f"{label} {fmt_percent(facts[name])} ≠ 满意 {facts[satisfied]:f} ÷ 有效 {facts[responses]:f} "
                    f"= {fmt_percent(computed)}",
                )
            )
    return findings


def percent_places(share: Decimal) -> int:
    """The decimals a share was printed with as a percentage: 0.96 → 0 ('96%'), 0.965 → 1 ('96.5%'). The share is
    finite (``score`` refuses a fact that is not, and a row's share is read from its digits); one that is not could
    not be checked anyway (``quantize`` refuses it)."""
    return max(0, -share.as_tuple().exponent - 2)


def possible_survey_share(share: Decimal, responses: Decimal) -> bool:
    """Whether some whole number k of ``responses`` gives ``share`` at the precision it was printed with."""
    if responses <= ZERO or responses != responses.to_integral_value():
        return True
    places = min(percent_places(share), 4)
    printed = quantize(share * HUNDRED, places)
    n = int(responses)
    # k ≈ share × n: only the neighbours can round to the printed figure.
    middle = int(share * n)
    return any(
        0 <= k <= n and quantize(Decimal(k) / Decimal(n) * HUNDRED, places) == printed
        for k in range(middle - 1, middle + 3)
    )


def _possible_share(name: str, label: str, share: Decimal, responses: Decimal, responses_name: str) -> list[Finding]:
    if possible_survey_share(share, responses):
        return []
    return [
        Finding(
            "satisfaction_impossible",
            ERROR,
            (name, responses_name),
            f"{label} {fmt_percent(share, percent_places(share))} 不可能来自 {responses:f} 份有效问卷"
            f"（任何满意份数 ÷ {responses:f} 都不等于这个百分数）",
        )
    ]


def check_institutions(
    facts: Mapping[str, Decimal], institutions: list[tuple[str, Mapping[str, Decimal]]]
) -> list[Finding]:
    """The 汇总 row of the per-institution tables must be the sum of the institutions."""
    if not institutions:
        return []
    findings = []
    names = dict.fromkeys(name for _, values in institutions for name in values)
    for name in names:
        fact = vocabulary.FACTS[name]
        if fact.is_rate or name not in facts:
            continue
        total = sum((values.get(name, ZERO) for _, values in institutions), ZERO)
        if abs(total - facts[name]) > TOLERANCE:
            shown = " + ".join(f"{label} {fmt(values.get(name, ZERO))}" for label, values in institutions)
            findings.append(
                Finding(
                    "institution_sum_mismatch",
                    ERROR,
                    (name,),
                    f"{fact.label}汇总 {fmt(facts[name])} ≠ 各机构之和 {fmt(total)}（{shown}）",
                )
            )
    return findings


# --- stated figures recomputed -----------------------------------------------------------------------------------

_RATES = {
    "execution_rate": ("预算执行率", "spending_actual", "budget_full_year"),
    # The funds block's 执行率 of each source (当年财政拨款, 上年结转, 其他资金).
    **{
        f"execution_rate_{source.removeprefix('funds_')}": (
            f"{label}执行率",
            f"{source}_spending_actual",
            f"{source}_budget_full_year",
        )
        for source, label in vocabulary.FUND_SOURCES.items()
    },
    "staff_control_rate": ("财政供养人员控制率", "staff_actual", "staff_quota"),
    "building_area_control_rate": ("规模控制率", "building_area_actual", "building_area_approved"),
    "building_investment_control_rate": ("投资概算控制率", "building_investment_actual", "building_investment_budget"),
    "procurement_rate": ("政府采购执行率", "procurement_actual", "procurement_budget"),
    "public_funds_control_rate": ("公用经费控制率", "public_funds_actual", "public_funds_budget"),
    "sangong_control_rate": ("三公经费控制率", "sangong_actual", "sangong_budget"),
    "fixed_asset_utilisation_rate": ("固定资产利用率", "fixed_assets_in_use", "fixed_assets_total"),
}


def _percent_places(text: str) -> int:
    digits = str(text).strip().rstrip("%％")
    return len(digits.split(".", 1)[1]) if "." in digits else 0


def _framework_rates(framework: FrameworkSpec | None) -> dict[str, str]:
    """Rate key → label of every rate the framework computes (its rules' ``rate``, composite parts included)."""
    found: dict[str, str] = {}
    if framework is None:
        return found
    cached = _FRAMEWORK_RATES.get(id(framework))
    if cached is not None:  # an entry keeps its framework alive, so no other framework has that id meanwhile
        return cached[1]
    for indicator in framework.walk():
        rules = [indicator.rule] if indicator.rule is not None else []
        while rules:
            rule = rules.pop()
            rate = getattr(rule, "rate", None)
            if rate is not None and getattr(rate, "key", None):
                found.setdefault(rate.key, rate.label)
            rules.extend(part.rule for part in getattr(rule, "parts", ()) or ())
    if len(_FRAMEWORK_RATES) > 64:
        _FRAMEWORK_RATES.clear()
    _FRAMEWORK_RATES[id(framework)] = (framework, found)  # the framework is kept, so its id is not reused
    return found


# Frameworks never change once built: their rate keys are listed once.
_FRAMEWORK_RATES: dict[int, tuple[FrameworkSpec, dict[str, str]]] = {}


def _sheet_rate(sheet: ScoreSheet | None, key: str) -> tuple[Decimal, str] | None:
    if sheet is None:
        return None
    for line in sheet.lines:
        outcome = line._outcome
        if outcome is not None and outcome._rates and key in outcome._rates:
            return outcome._rates[key], line.name
    return None


def check_stated_rates(
    facts: Mapping[str, Decimal],
    stated: Mapping[str, object],
    *,
    sheet: ScoreSheet | None = None,
    framework: FrameworkSpec | None = None,
) -> list[Finding]:
    """A rate printed in a report must be what its own inputs give, at the precision it was printed with.

    Accepted keys: the fixed rates of ``_RATES`` and every rate the chosen framework computes (read from the sheet).
    """
    findings = []
    computed_by_framework = _framework_rates(framework)
    for key, raw in stated.items():
        text = str(raw)
        if key in _RATES:
            label, top, base = _RATES[key]
            if top not in facts or base not in facts or facts[base] == ZERO:
                continue
            computed = facts[top] / facts[base] * HUNDRED
            formula = f"按 {fmt(facts[top])} ÷ {fmt(facts[base])} 计算为"
            fields = (key, top, base)
        elif key in computed_by_framework:
            found = _sheet_rate(sheet, key)
            if found is None:
                continue  # the sheet could not compute it (inputs missing): reported on the line
            label = computed_by_framework[key]
            computed = found[0] * HUNDRED
            formula = f"按“{found[1]}”的规则计算为"
            fields = (key,)
        else:
            accepted = "、".join(sorted(set(_RATES) | set(computed_by_framework)))
            findings.append(
                Finding("unknown_stated_rate", WARNING, (key,), f"无法核对的比率“{key}”，可核对：{accepted}")
            )
            continue
        try:
            if not is_percent_text(text):
                stated_percent = to_decimal(raw) * HUNDRED
                places = 2
            else:
                stated_percent = parse_number(text)
                places = min(_percent_places(text), 4)
        except ScoringError as error:
            raise ScoringError(f"报告所列{label}：{error.message}", field=f"stated.rates.{key}") from None
        if quantize(computed, places) != quantize(stated_percent, places):
            findings.append(
                Finding(
                    "stated_rate_mismatch",
                    ERROR,
                    fields,
                    f"{label}填报为 {stated_percent:f}%，{formula} {fmt(computed)}%",
                )
            )
        elif places < 2 and quantize(computed) != quantize(stated_percent):
            findings.append(
                Finding(
                    "stated_rate_imprecise",
                    WARNING,
                    (key,),
                    f"{label}填报为 {stated_percent:f}%，应保留两位小数：{fmt(computed)}%",
                )
            )
    return findings


def check_sheet(sheet: ScoreSheet, entries: list[IndicatorEntry]) -> list[Finding]:
    findings = []
    names = {line.code: line.name for line in sheet.lines if not line.is_leaf}
    for line in sheet.lines:
        if not line.is_leaf:
            continue
        if line.stated_score is not None and line.weight is not None and line.stated_score > line.weight:
            findings.append(
                Finding(
                    "score_exceeds_weight",
                    ERROR,
                    (line.code,),
                    f"{line.name}：报告所列得分 {fmt(line.stated_score)} 超过分值 {fmt(line.weight)}",
                )
            )
        if line.difference:
            findings.append(_stated_difference(line))
        findings += _completion_wording(line)
        if line.unit_row:
            entry = _row_entry(line, entries)
            findings += _row_values(line, entry, names.get(line.parent or "", ""))
            if line.parent and "satisf" in line.parent:
                findings += _row_survey(line, entry)
    findings += _row_weight_findings(sheet)
    # Unfinished, like a missing input: no total or grade until the rows are written, but not a contradiction.
    for message in sheet.incomplete:
        findings.append(Finding("structure_incomplete", WARNING, (), message))
    for message in sheet.overweight:
        findings.append(Finding("weights_exceed_total", ERROR, (), message))
    if sheet.misfit:
        message = (
            "三级指标分值与本体系的一级指标分值不符（"
            + "；".join(sheet.misfit)
            + "），须按本体系重新分配各三级指标分值，不计总分和等次"
        )
        findings.append(Finding("weights_misfit_scheme", ERROR, (), message))
    if (
        sheet.stated_total is not None
        and sheet.total is None
        and sheet.max_attainable is not None
        and sheet.stated_total > sheet.max_attainable
    ):
        findings.append(
            Finding(
                "stated_above_attainable",
                ERROR,
                ("total",),
                f"报告所列总分 {fmt(sheet.stated_total)} 高于按规则最多可得的 {fmt(sheet.max_attainable)} 分"
                f"（已评分各项得分加未评分各项的分值）",
            )
        )
    for code, name, stated, attainable in sheet.stated_groups:
        if stated > attainable:
            findings.append(
                Finding(
                    "stated_above_attainable",
                    ERROR,
                    (code,),
                    f"{name}：报告所列 {fmt(stated)} 分，高于按规则最多可得的 {fmt(attainable)} 分",
                )
            )
    if sheet.stated_total is not None:
        if sheet.stated_items_total is not None and sheet.stated_items_total != sheet.stated_total:
            findings.append(
                Finding(
                    "stated_total_not_backed",
                    ERROR,
                    ("total",),
                    f"报告所列总分 {fmt(sheet.stated_total)} ≠ 所列各项得分之和 {fmt(sheet.stated_items_total)}",
                )
            )
        if sheet.total_difference:
            findings.append(
                Finding(
                    "stated_total_mismatch",
                    WARNING,
                    ("total",),
                    f"报告所列总分 {fmt(sheet.stated_total)}，按规则计算 {fmt(sheet.total)}，"
                    f"相差 {fmt(sheet.total_difference)}",
                )
            )
    return findings


def _row_weight_findings(sheet: ScoreSheet) -> list[Finding]:
    """A block whose unit-written rows weigh less than its cap is a hint (a row may be missing); more than its cap is
    an error: the block would give more points than the framework allows it (满意度 20 / 10 lifts the total)."""
    findings = []
    for line in sheet.lines:
        for warning in line.warnings:
            if "各三级指标分值之和" not in warning:
                continue
            rows_weight = sum((child.weight or ZERO for child in sheet.lines if child.parent == line.code), ZERO)
            if line.weight is not None and rows_weight > line.weight:
                message = f"{warning}，超过该部分的分值上限，须调整各三级指标分值"
                findings.append(Finding("weights_exceed_cap", ERROR, (line.code,), message))
            else:
                findings.append(Finding("weights_mismatch", WARNING, (line.code,), warning))
    return findings


def _stated_difference(line) -> Finding:
    message = f"{line.name}：报告所列 {fmt(line.stated_score)} 分，按规则 {fmt(line.points)} 分"
    if line.weight is not None and line.stated_score == line.weight and line.points < line.weight:
        message += "（报告给了满分，但未达到指标值，需说明偏差原因或调整得分）"
    return Finding("stated_score_mismatch", WARNING, (line.code,), message)


def _completion_wording(line) -> list[Finding]:
    """'完成' written as the result while the rule gives less than full marks needs a deviation reason."""
    text = line.actual_value or ""
    if line.points is None or line.weight is None or line.points >= line.weight:
        return []
    if any(word in text for word in _DONE_WORDS) and not (line.reason and line.reason.strip()):
        return [
            Finding(
                "done_without_full_marks",
                WARNING,
                (line.code,),
                f"{line.name}：实际完成值写作“{text}”，但得分 {fmt(line.points)} 低于分值 {fmt(line.weight)}，需说明偏差原因",
            )
        ]
    return []


def _row_entry(line, entries: list[IndicatorEntry]) -> IndicatorEntry | None:
    for entry in entries:
        if entry.parent == line.parent and (entry.name or entry.code) == line.name:
            return entry
    return None


# The level-2 groups whose rows have an expected direction: more is better for quantities and satisfaction, less
# for costs. A row written the other way round is probably a slip (a 数量 row "≤ 10 次").
_GROUP_DIRECTIONS = {"quantity": ">=", "recipient_satisfaction": ">=", "cost": "<="}
_GROUP_NAMES = {"数量": ">=", "满意度": ">=", "成本": "<="}
# Words in an 实际完成值 that make it a restated target rather than a measurement.
# A number given as a range or an estimate ('260～270米', '约266米左右') rather than as measured.
_RANGE = re.compile(r"\d\s*(?:～|~|至)\s*\d|\d.*(?:之间|左右)|约\s*\d")
_DIGIT = re.compile(r"\d")


def _expected_direction(parent: str, parent_name: str) -> str | None:
    if parent in _GROUP_DIRECTIONS:
        return _GROUP_DIRECTIONS[parent]
    return next((symbol for word, symbol in _GROUP_NAMES.items() if word in parent_name), None)


def _row_values(line, entry: IndicatorEntry | None, parent_name: str) -> list[Finding]:
    """A 10号 row's texts against each other: a comparator in the result, no values but full marks, and a
    comparator that contradicts the group or the row's 指标性质."""
    findings = []
    target_text = (line.target_value or "").strip()
    actual_text = (line.actual_value or "").strip()
    bounded = parse_comparator(actual_text) is not None
    measured_as_target = bounded and _DIGIT.search(actual_text)
    # A worded bound copied from the target ('不超过预算' for '不超过预算'); '达到预期' reports an outcome, not a bound.
    copied_bound = bounded and actual_text == target_text and parse_comparator(actual_text.replace("达到", ""))
    if measured_as_target or copied_bound or _RANGE.search(actual_text):
        findings.append(
            Finding(
                "actual_is_target",
                WARNING,
                (line.code,),
                f"{line.name}：实际完成值“{actual_text}”带有比较符或范围，像是照抄的指标值，应填写实际达到的数值",
            )
        )
    claimed = line.stated_score if line.stated_score is not None else (entry.score if entry else None)
    if (
        not target_text
        and not actual_text
        and (entry is None or (entry.target is None and entry.actual is None and entry.outcome is None))
        and claimed is not None
        and line.weight is not None
        and claimed >= line.weight
        and line.weight > ZERO
    ):
        findings.append(
            Finding(
                "full_marks_without_values",
                ERROR,
                (line.code,),
                f"{line.name}：既无年度指标值也无实际完成值，却得满分 {fmt(claimed)}",
            )
        )
    if line.kind != "quantitative" or entry is None:
        return findings
    comparator = entry.comparator or read_target(target_text).comparator
    if comparator is None:
        return findings
    direction = direction_comparator(entry.direction)
    if direction is not None and comparator in (">=", "<=") and comparator != direction:
        findings.append(
            Finding(
                "direction_contradiction",
                WARNING,
                (line.code,),
                f"{line.name}：指标性质为“{entry.direction.strip()}”，指标值却写作“{COMPARATOR_SYMBOLS[comparator]}”",
            )
        )
    expected = _expected_direction(line.parent or "", parent_name)
    if direction is None and expected is not None and comparator in (">=", "<=") and comparator != expected:
        findings.append(
            Finding(
                "direction_contradiction",
                WARNING,
                (line.code,),
                f"{line.name}：{'成本' if expected == '<=' else '数量、满意度'}指标通常写作“{COMPARATOR_SYMBOLS[expected]}”，"
                f"这里写作“{COMPARATOR_SYMBOLS[comparator]}”{target_text and f'（{target_text}）'}，请核对",
            )
        )
    return findings


def _row_survey(line, entry: IndicatorEntry | None) -> list[Finding]:
    if entry is None:
        return []
    absent = [
        label
        for value, label in ((entry.survey_responses, "有效问卷数"), (entry.survey_satisfied, "满意问卷数"))
        if value is None
    ]
    if absent:
        findings = [
            Finding(
                "satisfaction_without_survey",
                WARNING,
                (line.code,),
                f"{line.name}：满意度 {line.actual_value or ''} 缺少{'、'.join(absent)}",
            )
        ]
        share = read_target(line.actual_value)
        if entry.survey_responses is not None and share.value is not None and share.percent:
            value = share.value / HUNDRED
            if ZERO <= value <= 1 and not possible_survey_share(value, entry.survey_responses):
                findings.append(
                    Finding(
                        "satisfaction_impossible",
                        ERROR,
                        (line.code,),
                        f"{line.name}：满意度 {line.actual_value} 不可能来自 {entry.survey_responses:f} 份有效问卷"
                        f"（任何满意份数 ÷ {entry.survey_responses:f} 都不等于这个百分数）",
                    )
                )
        return findings
    return []
