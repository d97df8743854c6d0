"""What an indicator row records besides its values (财预〔2021〕101号 附件1): where the target comes from, how the
actual value was obtained, the data source and the kinds of evidence.

The vocabularies are defined once here — codes, Chinese labels and the names people write in tables — so the
engine, the JSON format and later the Django forms (``choices()``) share them. A framework may require some of the
fields (``required_metadata``); a row without them is a finding, not a scoring error: the score does not depend on
them.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .errors import ScoringError
from .findings import Finding


@dataclass(frozen=True, slots=True)
class Term:
    code: str
    label: str
    group: str = ""  # 历史标准 for its three kinds
    aliases: tuple[str, ...] = ()

    @property
    def full_label(self) -> str:
        return f"{self.group}（{self.label}）" if self.group else self.label


@dataclass(frozen=True, slots=True)
class Vocabulary:
    field: str  # the entry field it fills
    label: str  # the column's name in a 101号 table
    terms: tuple[Term, ...]
    many: bool = False  # evidence: a row may have several kinds

    def choices(self) -> list[tuple[str, str]]:
        """(code, label) pairs, as a Django ``choices`` list wants them."""
        return [(term.code, term.full_label) for term in self.terms]

    def label_of(self, code: str) -> str:
        for term in self.terms:
            if term.code == code:
                return term.full_label
        return code

    def code_of(self, value: object, *, where: str) -> str:
        """A code from a code, a label or an alias (as typed in a table); anything else is refused."""
        text = str(value).strip()
        for term in self.terms:
            if text in (term.code, term.label, term.full_label, *term.aliases):
                return term.code
        known = "、".join(term.full_label for term in self.terms)
        raise ScoringError(f"{self.label}“{text}”不在可选范围内，可选：{known}", field=where)


TARGET_BASIS = Vocabulary(
    "target_basis",
    "指标值设定依据",
    (
        Term("plan", "计划标准"),
        Term("industry", "行业标准"),
        Term("history_average", "近三年平均", "历史标准", ("近三年平均值", "历史标准-近三年平均")),
        Term("history_last_year", "上年值", "历史标准", ("上年实际值", "历史标准-上年值")),
        Term("history_extreme", "历史极值", "历史标准", ("历史标准-历史极值",)),
        Term("budget_standard", "预算支出标准", aliases=("支出标准",)),
        Term("other", "其他"),
    ),
)

ACTUAL_METHOD = Vocabulary(
    "actual_method",
    "完成值取值方式",
    (
        Term("direct_proof", "直接证明法"),
        Term("statistics", "情况统计法"),
        Term("explanation", "情况说明法"),
        Term("survey", "问卷调查法"),
        Term("trend", "趋势判断法"),
    ),
)

# The nine sources 101号 lists for 数据来源, in its order.
DATA_SOURCE = Vocabulary(
    "data_source",
    "数据来源",
    (
        Term("statistics_bureau", "统计部门统计数据"),
        Term("authority_survey", "权威机构调查"),
        Term("statistical_yearbook", "部门统计年鉴"),
        Term("business_statistics", "部门业务统计"),
        Term("business_records", "部门业务记录"),
        Term("business_judgement", "部门业务评判"),
        Term("survey_report", "问卷调查报告"),
        Term("media", "媒体舆论"),
        Term("other", "其他"),
    ),
)

EVIDENCE = Vocabulary(
    "evidence",
    "佐证资料",
    (
        Term("formal", "正式资料"),
        Term("working", "工作资料"),
        Term("vouchers", "原始凭证"),
        Term("statement", "说明材料"),
    ),
    many=True,
)

VOCABULARIES: dict[str, Vocabulary] = {
    vocab.field: vocab for vocab in (TARGET_BASIS, ACTUAL_METHOD, DATA_SOURCE, EVIDENCE)
}


def normalise(field: str, value: object, *, where: str) -> object:
    """The stored form of a metadata field: a code, or a tuple of codes for evidence (a list or '正式资料、原始凭证')."""
    vocab = VOCABULARIES[field]
    if not vocab.many:
        return vocab.code_of(value, where=where)
    items = value if isinstance(value, list | tuple) else _split(str(value))
    codes = tuple(dict.fromkeys(vocab.code_of(item, where=where) for item in items))
    return codes


def _split(text: str) -> list[str]:
    for separator in ("，", ",", "；", ";", "/"):
        text = text.replace(separator, "、")
    return [part for part in (piece.strip() for piece in text.split("、")) if part]


def required_fields(raw: object, where: str = "required_metadata") -> tuple[str, ...]:
    """A framework's ``required_metadata``: field names from VOCABULARIES, or their Chinese column names."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ScoringError("required_metadata 应为列表", field=where)
    names = []
    by_label = {vocab.label: name for name, vocab in VOCABULARIES.items()}
    for item in raw:
        name = item if item in VOCABULARIES else by_label.get(item)
        if name is None:
            known = "、".join(f"{name}（{vocab.label}）" for name, vocab in VOCABULARIES.items())
            raise ScoringError(f"未知的指标信息项“{item}”，可选：{known}", field=where)
        names.append(name)
    return tuple(dict.fromkeys(names))


def missing_metadata(entry: object, required: Iterable[str]) -> list[str]:
    """The Chinese names of the required fields an entry leaves empty."""
    return [VOCABULARIES[name].label for name in required if not getattr(entry, name, None)]


def describe(entry: object) -> Mapping[str, str]:
    """The metadata an entry carries, as Chinese labels by field (for sheets and exports)."""
    shown = {}
    for name, vocab in VOCABULARIES.items():
        value = getattr(entry, name, None)
        if not value:
            continue
        if vocab.many:
            shown[name] = "、".join(vocab.label_of(code) for code in value)
        else:
            shown[name] = vocab.label_of(value)
    return shown


def findings(required: Iterable[str], entries: Iterable[object]) -> list:
    """One finding per unit-written row that leaves a required field empty (blocking: the framework asks for it)."""

    required = tuple(required)
    found = []
    if not required:
        return found
    for entry in entries:
        if entry.parent is None:
            continue  # the framework's own indicators: their basis is the framework
        absent = missing_metadata(entry, required)
        if absent:
            name = entry.name or entry.code or "三级指标"
            fields = tuple(
                f"{entry.parent}.{name}.{field}" for field in required if VOCABULARIES[field].label in absent
            )
            found.append(Finding("metadata_missing", "error", fields, f"“{name}”未填写：" + "、".join(absent)))
    return found


@dataclass(frozen=True, slots=True)
class Suggestion:
    basis: str  # a TARGET_BASIS code
    value: Decimal
    text: str


def suggest_targets(history: Mapping[int, Decimal], year: int, comparator: str = ">=") -> list[Suggestion]:
    """Targets a 历史标准 row may take, from the indicator's actual values of earlier years ({year: actual}).

    上年值 needs last year; 近三年平均 needs each of the three years before ``year`` (no average of fewer);
    历史极值 is the best year on record — the highest for “≥”, the lowest for “≤” (none for “=”).
    """
    past = {y: value for y, value in history.items() if y < year and value is not None}
    found = []
    if year - 1 in past:
        found.append(Suggestion("history_last_year", past[year - 1], f"{year - 1}年实际完成值"))
    last_three = [past.get(y) for y in range(year - 3, year)]
    if all(value is not None for value in last_three):
        average = sum(last_three, Decimal(0)) / 3
        found.append(Suggestion("history_average", average, f"{year - 3}—{year - 1}年实际完成值的平均"))
    if past and comparator in (">=", "<="):
        best = (max if comparator == ">=" else min)(past.values())
        # A best reached in several years is dated by the first of them, for either direction.
        best_year = min(y for y, value in past.items() if value == best)
        found.append(Suggestion("history_extreme", best, f"历年最好值（{best_year}年）"))
    return found
