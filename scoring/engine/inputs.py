"""What the engine is given about one assessment, besides its facts (a plain ``{name: Decimal}`` mapping)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

# The three outcomes of a qualitative indicator (财预〔2020〕10号) and the share of the weight each allows.
OUTCOMES: dict[str, str] = {
    "achieved": "达成年度指标",
    "partial": "部分达成年度指标并具有一定效果",
    "not_achieved": "未达成年度指标且效果较差",
}
# The wordings regions print for the same three outcomes (湖南 "达成预期指标", 财预〔2021〕101号 "基本达成目标" …).
OUTCOME_ALIASES: dict[str, str] = {label: code for code, label in OUTCOMES.items()} | {
    "达成": "achieved",
    "全部达成": "achieved",
    "达成目标": "achieved",
    "达成预期指标": "achieved",
    "达成预期目标": "achieved",
    "基本达成": "achieved",
    "基本达成目标": "achieved",
    "基本达成预期指标": "achieved",
    "部分达成": "partial",
    "部分达成预期指标": "partial",
    "部分达成预期指标并具有一定效果": "partial",
    "部分实现目标": "partial",
    "未达成": "not_achieved",
    "未达成预期指标": "not_achieved",
    "未达成预期指标且效果较差": "not_achieved",
    "实现目标程度较低": "not_achieved",
}


def outcome_code(text: str | None) -> str | None:
    """'achieved' for any accepted wording of an outcome; other text is returned as is (the rule refuses it)."""
    if text is None:
        return None
    text = text.strip()
    return text if text in OUTCOMES else OUTCOME_ALIASES.get(text, text)


def accepted_outcomes() -> str:
    """Every accepted wording, for the message that refuses another one."""
    return "、".join(dict.fromkeys([*OUTCOMES.values(), *OUTCOME_ALIASES, *OUTCOMES]))


# 指标性质 as printed beside a target: 正向 (higher is better, '≥') and 反向 (lower is better, '≤').
DIRECTIONS: dict[str, str] = {
    "正向": ">=",
    "正向指标": ">=",
    "反向": "<=",
    "反向指标": "<=",
    "higher": ">=",
    "lower": "<=",
}


def direction_comparator(text: str | None) -> str | None:
    """The comparator a 指标性质 stands for: '正向' → '>=', '反向' → '<='; None for a blank."""
    if text is None or not text.strip():
        return None
    return DIRECTIONS.get(text.strip())


@dataclass(frozen=True, slots=True)
class IndicatorEntry:
    """What the unit wrote for one indicator.

    Most fields are used by one rule kind only: ``answer`` is the count of failed items for a deduction rule or the
    chosen option of a single choice; ``answers`` holds the sub-items of a checklist or the parts of a composite
    indicator; ``target``/``actual``/``comparator`` override what is parsed from the texts as typed.
    Unit-written rows of a 10号 table carry ``parent`` (the level-2 code), ``name``, ``weight`` and ``kind``.
    """

    code: str = ""
    name: str | None = None
    parent: str | None = None
    weight: Decimal | None = None
    kind: str | None = None  # "quantitative" | "qualitative" | "deadline" for unit-written rows
    target_value: str | None = None
    actual_value: str | None = None
    target: Decimal | None = None
    actual: Decimal | None = None
    comparator: str | None = None
    direction: str | None = None  # 指标性质: 正向 / 反向
    outcome: str | None = None
    score: Decimal | None = None
    reason: str | None = None  # 偏差原因分析及改进措施, or the reason for a manual score
    # The unit could not obtain the data a computed indicator reads: ``score`` (with ``reason``) stands in for the rule.
    manual: bool = False
    answer: object = None
    answers: Mapping[str, object] = field(default_factory=dict)
    stated_score: Decimal | None = None
    survey_responses: Decimal | None = None
    survey_satisfied: Decimal | None = None
    # 财预〔2021〕101号: whether the project is finished (its 预算执行率 rule reads it), and what the row records about
    # its values — codes from ``metadata`` (evidence: a tuple of codes).
    project_completed: bool | None = None
    target_basis: str | None = None
    actual_method: str | None = None
    data_source: str | None = None
    evidence: tuple[str, ...] = ()

    @property
    def has_reason(self) -> bool:
        # Written out here and in PartEntry rather than calling a shared function: read for most lines of a sheet.
        reason = self.reason
        return reason is not None and reason.strip() not in _NO_REASON


# Texts units write in the reason column that say there is nothing to explain.
_NO_REASON = frozenset({"", "无", "无偏差", "/", "-", "—"})


class PartEntry:
    """The view a part of a composite indicator gets: its own answer and the indicator's reason.

    A small object instead of a full ``IndicatorEntry``: composite indicators build one per part on every score.
    """

    __slots__ = ("answer", "code", "reason")
    name = parent = weight = kind = target_value = actual_value = target = actual = comparator = direction = None
    outcome = None
    score = stated_score = survey_responses = survey_satisfied = None
    project_completed = target_basis = actual_method = data_source = None
    evidence: tuple[str, ...] = ()
    answers: Mapping[str, object] = MappingProxyType({})

    def __init__(self, code: str, answer: object, reason: str | None):
        self.code = code
        self.answer = answer
        self.reason = reason

    @property
    def has_reason(self) -> bool:
        reason = self.reason  # as IndicatorEntry.has_reason
        return reason is not None and reason.strip() not in _NO_REASON


EMPTY_ENTRY = IndicatorEntry()


@dataclass(frozen=True, slots=True)
class Stated:
    """Scores as printed in a report, so the sheet can show where they differ from the rules."""

    total: Decimal | None = None
    items: Mapping[str, Decimal] = field(default_factory=dict)
