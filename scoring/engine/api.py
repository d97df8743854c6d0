"""The JSON input format (README: "Scoring input") read into engine objects, scored and checked in one call.

The shape is that of an assessment's JSON export: facts by vocabulary name, entries by indicator code (or Chinese
name), unit-written 10号 rows as a list under their level-2 code, and optionally the scores a report printed.
"""

import json
from collections.abc import Mapping
from decimal import Decimal

from . import metadata, vocabulary
from .checks import Finding, run_checks
from .errors import ScoringError
from .framework import FrameworkSpec
from .inputs import IndicatorEntry, Stated
from .numbers import parse_number, parse_rate, to_decimal
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
_DECIMAL_FIELDS = {"weight", "target", "actual", "score", "stated_score", "survey_responses", "survey_satisfied"}
_TEXT_FIELDS = {"target_value", "actual_value"}
_COMPARATORS = {">=": ">=", "≥": ">=", "<=": "<=", "≤": "<=", "=": "=", "==": "="}
_IGNORED_KEYS = {"note", "notes", "备注"}


def load_json(text: str) -> dict:
    """JSON with every non-integer number read as Decimal, never float."""
    return json.loads(text, parse_float=Decimal)


def facts_from_dict(raw: Mapping, *, where: str = "facts") -> dict[str, Decimal]:
    facts: dict[str, Decimal] = {}
    for name, value in (raw or {}).items():
        fact = vocabulary.FACTS.get(name)
        if fact is None:
            raise ScoringError(f"未知的数据项“{name}”（见词汇表）", field=f"{where}.{name}")
        if value is None or value == "":
            continue  # a blank cell is a missing input, reported by the rule that needs it
        facts[name] = parse_rate(value, field=name) if fact.is_rate else to_decimal(value, field=name)
    return facts


def entry_from_dict(raw: Mapping, *, code: str = "", parent: str | None = None) -> IndicatorEntry:
    if not isinstance(raw, Mapping):
        raise ScoringError("指标填报内容应为对象（键值表）", field=code or parent)
    values: dict[str, object] = {"code": code, "parent": parent}
    for key, value in raw.items():
        if key in _IGNORED_KEYS:
            continue
        target = _ENTRY_KEYS.get(key)
        if target is None:
            raise ScoringError(f"无法识别的填报字段“{key}”", field=f"{code or parent}.{key}")
        if value is None:
            continue
        if target in _DECIMAL_FIELDS:
            value = to_decimal(value, field=f"{code or parent}.{key}")
        elif target in _TEXT_FIELDS:
            value = str(value)
        elif target == "comparator":
            if value not in _COMPARATORS:
                raise ScoringError(f"比较符“{value}”应为 ≥、≤ 或 =", field=f"{code or parent}.{key}")
            value = _COMPARATORS[value]
        elif target == "answers":
            value = {str(name): _answer(item) for name, item in value.items()}
        elif target == "answer":
            value = _answer(value)
        elif target in metadata.VOCABULARIES:
            value = metadata.normalise(target, value, where=f"{code or parent}.{key}")
        elif target == "project_completed" and not isinstance(value, bool):
            raise ScoringError("项目是否完成应为 true 或 false", field=f"{code or parent}.{key}")
        elif target == "manual" and not isinstance(value, bool):
            raise ScoringError("是否人工评分应为 true 或 false", field=f"{code or parent}.{key}")
        values[target] = value
    return IndicatorEntry(**values)


def _answer(value: object) -> object:
    """true/false, an option code, or a partial score ("0.5" is read as a number once, here, not on every score)."""
    if isinstance(value, bool | Decimal) or value is None:
        return value
    if isinstance(value, str):
        try:
            return parse_number(value)
        except ScoringError:
            return value
    return to_decimal(value)


def entries_from_dict(raw: Mapping, framework: FrameworkSpec) -> list[IndicatorEntry]:
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
    items = {key: to_decimal(value, field=f"stated.{key}") for key, value in (raw.get("items") or {}).items()}
    total = raw.get("total")
    return Stated(total=to_decimal(total, field="stated.total") if total is not None else None, items=items)


def score_input(
    data: Mapping, frameworks: Mapping[str, FrameworkSpec], *, framework_code: str | None = None
) -> tuple[ScoreSheet, list[Finding]]:
    code = framework_code or data.get("framework")
    if not code:
        raise ScoringError("未指定指标体系（framework）", field="framework")
    framework = frameworks.get(code)
    if framework is None:
        raise ScoringError(f"指标体系“{code}”不存在，可用：" + "、".join(sorted(frameworks)), field="framework")
    facts = facts_from_dict(data.get("facts") or {})
    entries = entries_from_dict(data.get("entries") or {}, framework)
    stated_raw = data.get("stated") or {}
    sheet = score(framework, facts, entries, stated=stated_from_dict(stated_raw))
    institutions = [
        (item.get("name") or f"机构{index}", facts_from_dict(item.get("facts") or {}, where=f"institutions[{index}]"))
        for index, item in enumerate(data.get("institutions") or [], 1)
    ]
    # Kept as typed: the precision a rate was printed with decides how it is compared.
    stated_rates = dict(stated_raw.get("rates") or {})
    findings = run_checks(facts, entries=entries, institutions=institutions, stated_rates=stated_rates, sheet=sheet)
    findings += metadata.findings(framework.layout.required_metadata, entries)
    return sheet, findings
