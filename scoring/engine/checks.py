"""Consistency checks (domain.md §4) over an assessment's facts, entries and score sheet.

Each check returns findings that quote the numbers. Severity: an ``error`` blocks submission (the tables contradict
themselves); a ``warning`` must be explained by the unit (spending above budget, a score below its weight…).
Blank cells inside a group that has figures count as 0, as they do in the printed tables.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from . import vocabulary
from .inputs import IndicatorEntry
from .numbers import HUNDRED, ZERO, fmt, fmt_bound, fmt_percent, is_percent_text, parse_number, quantize, to_decimal
from .sheet import ScoreSheet

TOLERANCE = Decimal("0.01")
ERROR = "error"
WARNING = "warning"
_DONE_WORDS = ("完成", "达成", "按计划", "达到")


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: str  # "error" | "warning"
    fields: tuple[str, ...]
    message: str

    def to_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "fields": list(self.fields), "message": self.message}


def run_checks(
    facts: Mapping[str, Decimal],
    *,
    entries: Iterable[IndicatorEntry] = (),
    institutions: Iterable[tuple[str, Mapping[str, Decimal]]] = (),
    stated_rates: Mapping[str, object] | None = None,
    sheet: ScoreSheet | None = None,
) -> list[Finding]:
    findings: list[Finding] = []
    findings += check_sums(facts)
    findings += check_balance(facts)
    findings += check_over_budget(facts)
    findings += check_year_swings(facts)
    findings += check_staff(facts)
    findings += check_satisfaction_counts(facts)
    findings += check_institutions(facts, list(institutions))
    findings += check_stated_rates(facts, stated_rates or {})
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
            findings.append(
                Finding(
                    "satisfaction_without_survey",
                    WARNING,
                    (name, responses, satisfied),
                    f"{label} {fmt_percent(facts[name])} 缺少调查数据（有效问卷数、满意问卷数）",
                )
            )
            continue
        if facts[responses] == ZERO:
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


def check_stated_rates(facts: Mapping[str, Decimal], stated: Mapping[str, object]) -> list[Finding]:
    """A rate printed in a report must be what its own inputs give, at the precision it was printed with."""
    findings = []
    for key, raw in stated.items():
        if key not in _RATES:
            findings.append(Finding("unknown_stated_rate", WARNING, (key,), f"无法核对的比率“{key}”"))
            continue
        label, top, base = _RATES[key]
        if top not in facts or base not in facts or facts[base] == ZERO:
            continue
        text = str(raw)
        if not is_percent_text(text):
            stated_percent = to_decimal(raw) * HUNDRED
            places = 2
        else:
            stated_percent = parse_number(text)
            places = _percent_places(text)
        computed = facts[top] / facts[base] * HUNDRED
        if quantize(computed, places) != quantize(stated_percent, places):
            findings.append(
                Finding(
                    "stated_rate_mismatch",
                    ERROR,
                    (key, top, base),
                    f"{label}填报为 {stated_percent:f}%，按 {fmt(facts[top])} ÷ {fmt(facts[base])} 计算为 "
                    f"{fmt(computed)}%",
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
        if line.unit_row and line.parent and "satisf" in line.parent:
            findings += _row_survey(line, entries)
    findings += _row_weight_findings(sheet)
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


def _row_survey(line, entries: list[IndicatorEntry]) -> list[Finding]:
    for entry in entries:
        same_row = entry.parent == line.parent and (entry.name or entry.code) == line.name
        if same_row and (entry.survey_responses is None or entry.survey_satisfied is None):
            return [
                Finding(
                    "satisfaction_without_survey",
                    WARNING,
                    (line.code,),
                    f"{line.name}：满意度 {line.actual_value or ''} 缺少调查数据（有效问卷数、满意问卷数）",
                )
            ]
    return []
