"""The narrative agrees with the tables: placeholders such as {总分} or {预算执行率} in a narrative section are filled
from the computed figures wherever the narrative is shown, and a number typed next to the name of a computed figure
that differs from it is a warning finding. Pure functions over figures already computed: no query."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from assessments.layouts import layout_for
from scoring.engine import Finding

HUNDRED = Decimal(100)
# Ratios the sheet computes: (placeholder, numerator, denominator). The same pairs the consistency checks recompute.
RATES = (
    ("预算执行率", "spending_actual", "budget_full_year"),
    ("财政供养人员控制率", "staff_actual", "staff_quota"),
    ("公用经费控制率", "public_funds_actual", "public_funds_budget"),
    ("三公经费控制率", "sangong_actual", "sangong_budget"),
    ("政府采购执行率", "procurement_actual", "procurement_budget"),
    ("固定资产利用率", "fixed_assets_in_use", "fixed_assets_total"),
)
AMOUNTS = (
    ("年初预算数", "budget_initial"),
    ("全年预算数", "budget_full_year"),
    ("全年执行数", "spending_actual"),
    ("三公经费决算数", "sangong_actual"),
    ("公用经费决算数", "public_funds_actual"),
    ("固定资产合计", "fixed_assets_total"),
)
COUNTS = (("编制数", "staff_quota"), ("实有人数", "staff_actual"))
# Other ways a narrative names a figure (checked, not offered as placeholders). The longest name wins where two
# overlap, so 公用经费控制率 is never read as the staff 控制率.
ALIASES = {
    "总分": ("总体得分", "自评得分", "自评总分"),
    "编制数": ("编制",),
    "实有人数": ("实际在职人数", "在职人数", "实有"),
    "财政供养人员控制率": ("人员控制率", "控制率"),
}
PLACEHOLDER = re.compile(r"\{([^{}\s]{1,20})\}")
NUMBER = r"([0-9０-９]+(?:[.．][0-9０-９]+)?)\s*([%％])?"
# What may stand between a name and its number ("得分为 ", "：", "为"): after a short name (编制, 实有) almost nothing,
# so that 预算编制规范性 4.5 is not read as a head count.
GAPS = {
    True: re.compile(r"[^0-9０-９。；;，,\n{}]{0,1}?" + NUMBER),
    False: re.compile(r"[^0-9０-９。；;，,\n{}]{0,8}?" + NUMBER),
}


@dataclass(frozen=True)
class Figure:
    name: str
    text: str  # as printed: "96.97", "99.04%", "10"
    value: Decimal | None  # for the comparison: a percentage as its number of percent
    is_percent: bool = False


def figures(values: dict, *, total: Decimal | None = None, grade: str | None = None) -> dict[str, Figure]:
    """The figures a narrative may quote, by placeholder name: the total and grade of the score sheet (None while
    incomplete) and the facts and ratios of the fact sheet's values."""
    out: dict[str, Figure] = {
        "总分": Figure("总分", f"{total:f}" if total is not None else "—", total),
        "等次": Figure("等次", grade or "—", None),
    }
    for name, key in COUNTS:
        value = values.get(key)
        out[name] = Figure(name, f"{value:f}" if value is not None else "—", value)
    for name, key in AMOUNTS:
        value = values.get(key)
        out[name] = Figure(name, f"{value:.2f}" if value is not None else "—", value)
    for name, top, base in RATES:
        top_value, base_value = values.get(top), values.get(base)
        if top_value is None or not base_value:
            out[name] = Figure(name, "—", None, True)
            continue
        percent = top_value / base_value * HUNDRED
        out[name] = Figure(name, f"{percent.quantize(Decimal('0.01')):f}%", percent, True)
    return out


def fill(text: str, known: dict[str, Figure]) -> str:
    """The text with each known placeholder replaced by its figure; an unknown {…} is left as typed."""
    return PLACEHOLDER.sub(lambda m: known[m.group(1)].text if m.group(1) in known else m.group(0), text or "")


def _number(text: str) -> Decimal | None:
    text = text.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _names(known: dict[str, Figure]) -> dict[str, str]:
    names = {name: name for name, figure in known.items() if figure.value is not None}
    for name, aliases in ALIASES.items():
        if name in names:
            names.update(dict.fromkeys(aliases, name))
    return names


def disagreements(text: str, known: dict[str, Figure]) -> list[tuple[str, str, Figure]]:
    """(the name as typed, the number as typed, the computed figure) for each number written right after the name of
    a computed figure that differs from it at the precision it was typed with."""
    names = _names(known)
    if not names or not text:
        return []
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    found = []
    for match in pattern.finditer(text):
        after = GAPS[len(match.group(0)) <= 2].match(text, match.end())
        if after is None:
            continue
        figure = known[names[match.group(0)]]
        typed = _number(after.group(1))
        if typed is None:
            continue
        places = max(0, -typed.as_tuple().exponent)
        if figure.value.quantize(Decimal(1).scaleb(-places)) != typed:
            found.append((match.group(0), after.group(1) + (after.group(2) or ""), figure))
    return found


def narrative_findings(narrative: dict[str, str], titles: dict[str, str], known: dict[str, Figure]) -> list[Finding]:
    """A warning for every disagreement, naming the section, the typed number and the computed figure."""
    findings = []
    for key, body in narrative.items():
        for name, typed, figure in disagreements(body, known):
            findings.append(
                Finding(
                    "narrative_figure_mismatch",
                    "warning",
                    (f"narrative:{key}", figure.name),
                    f"叙述“{titles.get(key, key)}”写{name} {typed}，按填报数据计算{figure.name}为 {figure.text}；"
                    f"可改用占位符{{{figure.name}}}自动填入",
                )
            )
    return findings


def agreeing(text: str, known: dict[str, Figure]) -> str:
    """What the report prints: placeholders filled, and a typed total that differs from the computed one replaced by
    it — a report never prints two different totals (the difference is a warning on screen before that)."""
    text = fill(text, known)
    total = known.get("总分")
    if total is None or total.value is None:
        return text
    for name, typed, figure in disagreements(text, {"总分": total}):
        wrong = re.compile(re.escape(name) + r"([^0-9。；;，,\n]{0,8}?)" + re.escape(typed))
        text = wrong.sub(lambda m, name=name, figure=figure: name + m.group(1) + figure.text, text, count=1)
    return text


def sheet_figures(data, scored) -> dict[str, Figure]:
    sheet = scored.sheet if scored is not None else None
    complete = sheet is not None and sheet.complete
    return figures(
        data.fact_sheet().values, total=sheet.total if complete else None, grade=sheet.grade if complete else None
    )


def with_narrative_findings(data, scored) -> list:
    """The assessment's findings and those of its narrative (`data`: an AssessmentData, which reads the sections once
    with the stored explanations)."""
    narrative = data.narrative()
    titles = {section.key: section.title for section in layout_for(data.assessment.unit).sections}
    return [*scored.findings, *narrative_findings(narrative, titles, sheet_figures(data, scored))]
