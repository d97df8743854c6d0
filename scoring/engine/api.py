"""The JSON input format (README: "Scoring input") read into engine objects, scored and checked in one call.

The shape is that of an assessment's JSON export: facts by vocabulary name, entries by indicator code (or Chinese
name), unit-written 10号 rows as a list under their level-2 code, and optionally the scores a report printed.
"""

import json
from collections.abc import Mapping
from decimal import Decimal

from . import metadata, vocabulary
from .checks import run_checks
from .errors import ScoringError
from .findings import Finding
from .framework import FrameworkSpec
from .inputs import DIRECTIONS, IndicatorEntry, Stated
from .numbers import (
    ZERO,
    parse_amount,
    parse_comparator,
    parse_count,
    parse_number,
    parse_share,
    read_amount,
    to_decimal,
)
from .scorer import score
from .sheet import ScoreSheet

# JSON key → IndicatorEntry field; a few keys have the names people use in the tables.
_ENTRY_KEYS = {
    "code": "code",
    "name": "name",
    "weight": "weight",
    "kind": "kind",
    "target_value": "target_value",
    "actual_value": "actual_value",
    "target": "target",
    "actual": "actual",
    "comparator": "comparator",
    "direction": "direction",
    "nature": "direction",
    "指标性质": "direction",
    "outcome": "outcome",
    "score": "score",
    "reason": "reason",
    "deviation_reason": "reason",
    "answer": "answer",
    "failed_items": "answer",
    "answers": "answers",
    "checks": "answers",
    "stated_score": "stated_score",
    "survey_responses": "survey_responses",
    "survey_satisfied": "survey_satisfied",
    "project_completed": "project_completed",
    "manual": "manual",
    "target_basis": "target_basis",
    "指标值设定依据": "target_basis",
    "actual_method": "actual_method",
    "完成值取值方式": "actual_method",
    "data_source": "data_source",
    "数据来源": "data_source",
    "evidence": "evidence",
    "佐证资料": "evidence",
}
_DECIMAL_FIELDS = {"weight", "target", "actual", "score", "stated_score"}
_COUNT_FIELDS = {"weight": "分值", "survey_responses": "有效问卷数", "survey_satisfied": "满意问卷数"}
_TEXT_FIELDS = {"target_value", "actual_value", "name", "kind", "outcome", "reason", "code"}
_IGNORED_KEYS = {"note", "notes", "备注"}


_JSON_REASONS = {
    "Expecting value": "此处缺少值",
    "Expecting property name enclosed in double quotes": "键名应使用英文双引号",
    "Expecting ',' delimiter": "缺少英文逗号",
    "Expecting ':' delimiter": "缺少英文冒号",
    "Extra data": "数据结束后还有多余内容",
    "Unterminated string starting at": "字符串缺少结尾的双引号",
    "Invalid control character at": "字符串中有换行等控制字符",
    "Invalid \\escape": "反斜杠转义无效",
    "Invalid \\uXXXX escape": "\\u 转义无效",
}


def load_json(text: str) -> dict:
    """JSON with every non-integer number read as Decimal, never float. Malformed JSON is a ``ScoringError`` that
    says where, in Chinese."""
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        reason = _JSON_REASONS.get(error.msg, "格式错误")
        raise ScoringError(f"输入不是有效的 JSON：第 {error.lineno} 行第 {error.colno} 列{reason}") from None
    except (ValueError, RecursionError):
        # An integer of thousands of digits, or arrays nested thousands deep.
        raise ScoringError("输入不是可处理的 JSON：数字过长或嵌套过深") from None


def parse_fact(name: str, value: object) -> Decimal | None:
    """One fact as typed, in the engine's unit, or None for a blank cell (a missing input, never zero).

    Amounts (万元 facts) go through ``parse_amount`` ('166300元' → 16.63, '%' refused); rates (% facts) are shares
    in [0, 100 %]; counts and areas are not negative (except the few ``vocabulary.SIGNED`` facts). The message of a
    refusal names the fact by its Chinese label. Forms and the Excel import call this for every fact cell.
    """
    fact = vocabulary.FACTS.get(name)
    if fact is None:
        raise ScoringError(f"未知的数据项“{name}”（见词汇表）", field=name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if fact.is_rate:
        return parse_share(value, field=name, label=fact.label)
    signed = name in vocabulary.SIGNED
    if fact.unit == "万元":
        if signed and isinstance(value, str) and value.strip().startswith(("-", "－", "−")):
            return -parse_amount(value.strip()[1:], field=name, label=fact.label)
        if signed and not isinstance(value, str) and to_decimal(value, field=name) < ZERO:
            return -parse_amount(-to_decimal(value, field=name), field=name, label=fact.label)
        return parse_amount(value, field=name, label=fact.label)
    if signed:
        return to_decimal(value, field=name)
    return parse_count(value, field=name, label=fact.label)


def facts_from_dict(raw: Mapping, *, where: str = "facts") -> dict[str, Decimal]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ScoringError("数据项（facts）应为对象（键值表）", field=where)
    facts: dict[str, Decimal] = {}
    for name, value in raw.items():
        if name not in vocabulary.FACTS:
            raise ScoringError(f"未知的数据项“{name}”（见词汇表）", field=f"{where}.{name}")
        fact = parse_fact(name, value)
        if fact is not None:
            facts[name] = fact
    return facts


def amount_conversions(raw: Mapping | None) -> dict[str, str]:
    """Fact name → '全年预算数 166300元 = 16.63万元' for every amount typed in 元 or 亿元 (shown in the explanations)."""
    notes = {}
    if not isinstance(raw, Mapping):
        return notes
    for name, value in raw.items():
        fact = vocabulary.FACTS.get(name)
        if (
            fact is None
            or fact.unit != "万元"
            or not isinstance(value, str)
            or ("元" not in value and "亿" not in value)
        ):
            continue
        try:
            amount = read_amount(value.strip().lstrip("-－−"), field=name, label=fact.label)
        except ScoringError:
            continue
        if amount.converted:
            notes[name] = f"{fact.label} {amount.note()}"
    return notes


def show_conversions(sheet: ScoreSheet, notes: Mapping[str, str]) -> None:
    """Open the explanation of every line that read a converted amount with the conversion."""
    if not notes:
        return
    for line in sheet.lines:
        outcome = line._outcome
        if outcome is None or not outcome._inputs:
            continue
        shown = [notes[name] for name in outcome._inputs if name in notes]
        if not shown:
            continue
        prefix = "（" + "；".join(shown) + "）"
        text = outcome.text
        if text.__class__ is list:
            outcome.text = [prefix, *text]
        elif text.__class__ is str:
            outcome.text = prefix + text
        else:
            outcome.text = [prefix, text]


def fund_totals_from_sources(facts: Mapping[str, Decimal]) -> tuple[dict[str, Decimal], list[str]]:
    """The funds block's total row (年初预算数, 全年预算数, 全年执行数) from its sources when the total is blank or printed
    as 0/0/0 while sources are filled. Returns the facts to use and what was derived, in words, for the sheet.

    A total row that is filled is kept as is; ``checks`` then compares it with the sum of its sources.
    """
    columns = vocabulary.FUND_COLUMNS
    totals = [facts.get(column) for column in columns]
    if any(value not in (None, ZERO) for value in totals):
        return dict(facts), []
    derived = dict(facts)
    notes = []
    for column, label in columns.items():
        parts = [(name, facts[name]) for source in vocabulary.FUND_SOURCES if (name := f"{source}_{column}") in facts]
        if not parts:
            continue
        total = sum((value for _, value in parts), ZERO)
        derived[column] = total
        shown = " + ".join(f"{vocabulary.label(name)} {value:f}" for name, value in parts)
        was = "为 0" if facts.get(column) == ZERO else "未填"
        notes.append(f"合计行{label}{was}，按资金来源相加：{shown} = {total:f}")
    return derived, notes


def entry_from_dict(raw: Mapping, *, code: str = "", parent: str | None = None) -> IndicatorEntry:
    if not isinstance(raw, Mapping):
        raise ScoringError("指标填报内容应为对象（键值表）", field=code or parent)
    values: dict[str, object] = {"code": code, "parent": parent}
    for key, value in raw.items():
        if key in _IGNORED_KEYS:
            continue
        target = _ENTRY_KEYS.get(key)
        where = f"{code or parent}.{key}"
        if target is None:
            raise ScoringError(f"无法识别的填报字段“{key}”", field=where)
        if value is None:
            continue
        if target in _COUNT_FIELDS:
            value = parse_count(value, field=where, label=_COUNT_FIELDS[target])
        elif target in _DECIMAL_FIELDS:
            value = to_decimal(value, field=where)
        elif target in _TEXT_FIELDS:
            if isinstance(value, Mapping | list):
                raise ScoringError(f"填报字段“{key}”应为文字", field=where)
            value = str(value)
        elif target == "comparator":
            value = parse_comparator_field(value, field=where)
        elif target == "direction":
            if str(value).strip() not in DIRECTIONS:
                raise ScoringError(f"指标性质“{value}”应为“正向”或“反向”", field=where)
            value = str(value).strip()
        elif target == "answers":
            if not isinstance(value, Mapping):
                raise ScoringError("各子项结果（answers）应为对象（键值表）", field=where)
            value = {str(name): _answer(item, f"{where}.{name}") for name, item in value.items()}
        elif target == "answer":
            value = _answer(value, where)
        elif target in metadata.VOCABULARIES:
            value = metadata.normalise(target, value, where=f"{code or parent}.{key}")
        elif target == "project_completed" and not isinstance(value, bool):
            raise ScoringError("项目是否完成应为 true 或 false", field=f"{code or parent}.{key}")
        elif target == "manual" and not isinstance(value, bool):
            raise ScoringError("是否人工评分应为 true 或 false", field=f"{code or parent}.{key}")
        values[target] = value
    return IndicatorEntry(**values)


def parse_comparator_field(value: object, *, field: str | None = None) -> str:
    """A comparator typed on its own (a form's select, a JSON field): any spelling ``parse_comparator`` reads."""
    comparator = parse_comparator(value) if isinstance(value, str) else None
    if comparator is None:
        raise ScoringError(f"比较符“{value}”无法识别，应为 ≥、≤ 或 =（或“不低于”“不超过”等）", field=field)
    return comparator


def _answer(value: object, field: str) -> object:
    """true/false, an option code, or a partial score ("0.5" is read as a number once, here, not on every score).

    A refusal names ``field`` (the row's answer, or the sub-item's), so that a form can show it next to the answer."""
    if isinstance(value, bool | Decimal) or value is None:
        return value
    if isinstance(value, str):
        try:
            return parse_number(value)
        except ScoringError:
            return value
    if isinstance(value, Mapping | list):
        raise ScoringError(f"子项结果应为是/否、选项代码或得分，收到的是 {value!r}", field=field)
    return to_decimal(value, field=field)


def entries_from_dict(raw: Mapping, framework: FrameworkSpec) -> list[IndicatorEntry]:
    if raw is not None and not isinstance(raw, Mapping):
        raise ScoringError("指标填报（entries）应为对象（键值表）", field="entries")
    entries = []
    for key, value in (raw or {}).items():
        indicator = framework.resolve(key)
        if isinstance(value, list):
            entries.extend(entry_from_dict(row, parent=indicator.code) for row in value)
        else:
            entries.append(entry_from_dict(value, code=indicator.code))
    return entries


def stated_from_dict(raw: Mapping | None) -> Stated:
    raw = raw or {}
    if not isinstance(raw, Mapping) or not isinstance(raw.get("items") or {}, Mapping):
        raise ScoringError("报告所列得分（stated、stated.items）应为对象（键值表）", field="stated")
    items = {key: to_decimal(value, field=f"stated.{key}") for key, value in (raw.get("items") or {}).items()}
    total = raw.get("total")
    return Stated(total=to_decimal(total, field="stated.total") if total is not None else None, items=items)


def score_input(
    data: Mapping, frameworks: Mapping[str, FrameworkSpec], *, framework_code: str | None = None
) -> tuple[ScoreSheet, list[Finding]]:
    if not isinstance(data, Mapping):
        raise ScoringError("评分输入应为一个 JSON 对象（{…}），不能是数组或单个值")
    code = framework_code or data.get("framework")
    if not code:
        raise ScoringError("未指定指标体系（framework）", field="framework")
    framework = frameworks.get(code) if isinstance(code, str) else None
    if framework is None:
        raise ScoringError(f"指标体系“{code}”不存在，可用：" + "、".join(sorted(frameworks)), field="framework")
    typed = facts_from_dict(data.get("facts"))
    facts, derived = fund_totals_from_sources(typed)
    entries = entries_from_dict(data.get("entries"), framework)
    stated_raw = data.get("stated") or {}
    stated = stated_from_dict(stated_raw)
    sheet = score(framework, facts, entries, stated=stated)
    show_conversions(sheet, amount_conversions(data.get("facts")))
    sheet.warnings.extend(derived)
    raw_institutions = data.get("institutions") or []
    if not isinstance(raw_institutions, list) or not all(isinstance(item, Mapping) for item in raw_institutions):
        raise ScoringError("各机构数据（institutions）应为对象的列表", field="institutions")
    institutions = [
        (str(item.get("name") or f"机构{index}"), facts_from_dict(item.get("facts"), where=f"institutions[{index}]"))
        for index, item in enumerate(raw_institutions, 1)
    ]
    # Kept as typed: the precision a rate was printed with decides how it is compared.
    raw_rates = stated_raw.get("rates") or {}
    if not isinstance(raw_rates, Mapping):
        raise ScoringError("报告所列比率（stated.rates）应为对象（键值表）", field="stated.rates")
    findings = run_checks(
        facts,
        entries=entries,
        institutions=institutions,
        stated_rates=dict(raw_rates),
        sheet=sheet,
        framework=framework,
        typed_facts=typed,
    )
    findings += metadata.findings(framework.layout.required_metadata, entries)
    return sheet, findings
