"""Decimal helpers and the parsing of numbers as Chinese users type them.

Everything is ``Decimal``: amounts in 万元, rates as fractions (0.9952 = 99.52 %). Floats never enter: a float that
reaches ``to_decimal`` is refused, because ``Decimal(0.1)`` silently carries binary noise into a score.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from .errors import ScoringError

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

QUANTA = {places: Decimal(1).scaleb(-places) for places in range(0, 7)}

# Full-width digits and punctuation as typed with a Chinese input method, and the look-alike comparison signs
# (≧ ≦ ＞ ＜ ＝ ═ ﹦ ﹥ ﹤) folded to one spelling each.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋％：　≧≦＞＜＝═﹦﹥﹤", "0123456789.,-+%: ≥≤><===><")
_UNITS = (
    "万元",
    "元",
    "万",
    "亿元",
    "人次",
    "人",
    "次",
    "个",
    "项",
    "件",
    "篇",
    "场",
    "m²",
    "㎡",
    "平方米",
    "天",
    "日",
    "户",
)
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")

# Beyond these a figure is a typing slip, and Decimal arithmetic at 28 digits would no longer be exact.
MAX_WHOLE_DIGITS = 15
MIN_EXPONENT = -12


def check_range(number: Decimal, text: object, field: str | None = None) -> Decimal:
    """``number`` if it is finite and within what the engine computes exactly (15 whole digits, 12 decimals)."""
    return _in_range(number, text, field)


def _in_range(number: Decimal, text: object, field: str | None) -> Decimal:
    if not number.is_finite():
        raise ScoringError(f"“{text}”不是数字", field=field)
    if number and (number.adjusted() >= MAX_WHOLE_DIGITS or number.adjusted() < MIN_EXPONENT):
        raise ScoringError(f"“{text}”超出可处理的范围（整数部分最多 {MAX_WHOLE_DIGITS} 位）", field=field)
    return number


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")


def quantize(value: Decimal, places: int = 2) -> Decimal:
    """Round half-up (四舍五入) to ``places`` decimals."""
    return value.quantize(QUANTA[places], rounding=ROUND_HALF_UP)


def fmt(value: Decimal | None, places: int = 2) -> str:
    """A number as shown in the official tables: fixed places, no exponent."""
    if value is None:
        return "—"
    # str() of a Decimal rounded to 0–6 places is its fixed-point text (its exponent is −places, so str() writes no
    # exponent), as f"{…:f}" is, at a third of the cost: the scorer writes a dozen of these for every sheet.
    return str(value.quantize(QUANTA[places], ROUND_HALF_UP))


@lru_cache(maxsize=1024)
def show_points(points: Decimal) -> str:
    """Band points as written in the framework: 1, 0.7, 0, 1.5 (cached: the same few figures recur on every sheet)."""
    return f"{points.normalize():f}"


def fmt_percent(rate: Decimal | None, places: int = 2) -> str:
    """A fraction shown as a percentage: Decimal('0.49518') → '49.52%'."""
    if rate is None:
        return "—"
    return str((rate * HUNDRED).quantize(QUANTA[places], ROUND_HALF_UP)) + "%"  # str(): as in fmt


def fmt_bound(rate: Decimal) -> str:
    """A band bound as people write it: 0.9 → '90%', 0.055 → '5.5%'."""
    text = f"{(rate * HUNDRED).normalize():f}"
    return f"{text}%"


def to_decimal(value: object, *, field: str | None = None) -> Decimal:
    """A number from JSON or YAML: int, Decimal or text. Floats are refused (see the module docstring)."""
    if isinstance(value, bool):
        raise ScoringError(f"应为数字，收到的是 {value}", field=field)
    if isinstance(value, Decimal):
        return _in_range(value, value, field)
    if isinstance(value, int):
        return _in_range(Decimal(value), value, field)
    if isinstance(value, float):
        # JSON numbers are read with parse_float=Decimal; a float here means a caller bypassed that.
        return _in_range(parse_number(repr(value), field=field), value, field)
    if isinstance(value, str):
        return _in_range(parse_number(value, field=field), value, field)
    raise ScoringError(f"应为数字，收到的是 {value!r}", field=field)


def _normalise(text: str) -> str:
    text = text.translate(_FULL_WIDTH).strip().replace(" ", "")
    return _THOUSANDS.sub("", text)


def parse_number(text: str, *, field: str | None = None) -> Decimal:
    """'１２３，４５６．７８万元' → Decimal('123456.78'); '49.52%' → Decimal('49.52') (the number as written).

    Use ``parse_rate`` when a percentage should become a fraction.
    """
    cleaned = _normalise(str(text))
    for unit in sorted(_UNITS, key=len, reverse=True):
        if cleaned.endswith(unit):
            cleaned = cleaned[: -len(unit)]
            break
    cleaned = cleaned.removesuffix("%")
    if not cleaned:
        raise ScoringError(f"“{text}”不是数字", field=field)
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ScoringError(f"“{text}”不是数字：请只填写数字，可带“万元”或“%”", field=field) from None
    if not number.is_finite():
        raise ScoringError(f"“{text}”不是数字", field=field)
    # Not range-checked here: forms say "too big" in their own words; to_decimal and the engine's readers refuse it.
    return number


def is_percent_text(text: str) -> bool:
    return _normalise(str(text)).endswith("%")


def parse_rate(value: object, *, field: str | None = None) -> Decimal:
    """A rate as a fraction: '96%' → 0.96, '0.96' → 0.96, Decimal('0.96') → 0.96.

    A bare number above 1 is refused rather than guessed: '96' could be 96 % or a typing slip.
    """
    if isinstance(value, str) and is_percent_text(value):
        return _in_range(parse_number(value, field=field), value, field) / HUNDRED
    number = to_decimal(value, field=field)
    if number > ONE:
        raise ScoringError(f"比率“{value}”应写作百分数（如 96%）或小数（如 0.96）", field=field)
    return number


# --- amounts ---------------------------------------------------------------------------------------------------------

# Money units as written in published tables, and the power of ten that turns each into 万元 (the engine's unit).
MONEY_UNITS = {"万元": 0, "万": 0, "元": -4, "千元": -1, "百万元": 2, "亿元": 4, "亿": 4}
MONEY_SUFFIX = re.compile(r"(百万元|万元|千元|亿元|万|亿|元)$")


class Amount(NamedTuple):
    """An amount as read: ``value`` in 万元, and the figure and unit as written (for the explanation)."""

    value: Decimal
    written: Decimal
    unit: str  # "" when no unit was written (万元 is assumed)

    @property
    def converted(self) -> bool:
        return MONEY_UNITS.get(self.unit, 0) != 0

    def note(self) -> str:
        """'166300元 = 16.63万元' — how a converted amount is shown; '' when nothing was converted."""
        if not self.converted:
            return ""
        return f"{self.written.normalize():f}{self.unit} = {_plain_number(self.value)}万元"


def _plain_number(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def read_amount(value: object, *, field: str | None = None, label: str | None = None) -> Amount:
    """An amount in 万元 from what a user typed: '166300元' → 16.63, '0.0041亿元' → 41, '2,681.55万元' → 2681.55.

    元 is divided and 亿元 multiplied by 10,000 exactly (a shift of the decimal point); a bare number is 万元, as in
    every official table. A percent sign, another unit or a negative amount is refused, naming ``label``.
    """
    name = label or field or "金额"
    if value is None or isinstance(value, bool) or not isinstance(value, str | int | Decimal | float):
        raise ScoringError(f"{name}应为金额（数字，可带“元”“万元”“亿元”），收到的是 {value!r}", field=field)
    if not isinstance(value, str):
        try:
            number = to_decimal(value, field=field)
        except ScoringError as error:
            raise ScoringError(f"{name}：{error.message}", field=field) from None
        unit = ""
    else:
        cleaned = _normalise(value)
        if cleaned.endswith("%"):
            raise ScoringError(f"{name}是金额，不能写作百分数（“{value}”）", field=field)
        found = MONEY_SUFFIX.search(cleaned)
        unit = found.group(1) if found else ""
        digits = cleaned[: -len(unit)] if unit else cleaned
        try:
            number = Decimal(digits) if digits else None
        except InvalidOperation:
            number = None
        if number is None:
            raise ScoringError(f"{name}“{value}”不是金额：请填写数字，可带“元”“万元”或“亿元”", field=field)
        try:
            number = _in_range(number, value, field)
        except ScoringError as error:
            raise ScoringError(f"{name}：{error.message}", field=field) from None
    if number < ZERO:
        raise ScoringError(f"{name}不能为负数（“{value}”）", field=field)
    converted = number.scaleb(MONEY_UNITS.get(unit, 0))
    try:
        return Amount(_in_range(converted, value, field), number, unit)
    except ScoringError as error:
        raise ScoringError(f"{name}：{error.message}", field=field) from None


def parse_amount(value: object, *, field: str | None = None, label: str | None = None) -> Decimal:
    """``read_amount(...).value``: the amount in 万元 (forms and the Excel import call this for every amount cell)."""
    return read_amount(value, field=field, label=label).value


def parse_share(value: object, *, field: str | None = None, label: str | None = None) -> Decimal:
    """A share (满意度, a 率 that is part of a whole) as a fraction in [0, 1]: '96%' → 0.96; '120%' and '-5%' refused."""
    number = parse_rate(value, field=field)
    if number < ZERO or number > ONE:
        raise ScoringError(f"{label or field or '比率'}应在 0% 至 100% 之间（“{value}”）", field=field)
    return number


def parse_count(value: object, *, field: str | None = None, label: str | None = None) -> Decimal:
    """A count or a quantity that cannot be negative (人, 个, 份, m²): '26人' → 26; '-3' refused."""
    number = to_decimal(value, field=field)
    if number < ZERO:
        raise ScoringError(f"{label or field or '数量'}不能为负数（“{value}”）", field=field)
    return number


# --- comparators -----------------------------------------------------------------------------------------------------

# Every spelling of a comparison seen in the tables, after ``_normalise`` folded the look-alike signs. A lone '>' or
# '<' is read as the inclusive form: units write '>90%' meaning 'at least 90 %'. '达' counts only before a number
# (参加率达100%), not in 达标率.
_COMPARATOR_WORDS = {
    ">=": (
        "≥",
        ">=",
        "=>",
        ">",
        "不少于",
        "不低于",
        "不小于",
        "大于等于",
        "大于或等于",
        "大于",
        "高于",
        "至少",
        "以上",
        "达到",
        "超过",
    ),
    "<=": (
        "≤",
        "<=",
        "=<",
        "<",
        "不超过",
        "不高于",
        "不多于",
        "不大于",
        "小于等于",
        "小于或等于",
        "小于",
        "低于",
        "少于",
        "以内",
        "以下",
        "之内",
        "控制在",
        "最多",
    ),
    "=": ("==", "=", "等于"),
}
_COMPARATOR_OF = {word: symbol for symbol, words in _COMPARATOR_WORDS.items() for word in words}
_COMPARATOR = re.compile(
    "|".join(re.escape(word) for word in sorted(_COMPARATOR_OF, key=len, reverse=True)) + r"|达(?=[-+]?\d)"
)
_SIGNS = frozenset({"≥", ">=", "=>", ">", "≤", "<=", "=<", "<", "==", "="})
COMPARATOR_SYMBOLS = {">=": "≥", "<=": "≤", "=": "="}


def parse_comparator(text: object) -> str | None:
    """The comparator a text states: '≧90%', '不低于90%', '90%以上' → '>='; '≦5天', '5天以内' → '<='; '＝100%' → '='.

    None when none is written, or when the text states two that contradict each other (a range such as '≥90%且≤100%'):
    a sign wins over a word ('≤5%以上' is '≤').
    """
    if text is None:
        return None
    return _comparator(str(text))


# The same few texts recur on every sheet (a row's target is read for its kind, its score and its checks): the
# readers of texts are pure, so their results are kept.
@lru_cache(maxsize=4096)
def _comparator(text: str) -> str | None:
    cleaned = _normalise(text)
    found = [(match.group(0), _COMPARATOR_OF.get(match.group(0), ">=")) for match in _COMPARATOR.finditer(cleaned)]
    symbols = {symbol for _, symbol in found}
    if len(symbols) > 1:
        symbols = {symbol for word, symbol in found if word in _SIGNS}
    return symbols.pop() if len(symbols) == 1 else None


class Target(NamedTuple):
    """A 年度指标值 or 实际完成值 as read: comparator, number (amounts in 万元), percent, and the unit conversion."""

    comparator: str | None
    value: Decimal | None
    percent: bool
    amount: Amount | None = None  # when the number carried a money unit


_BARE_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_NUMBER_WITH_UNIT = re.compile(r"([-+]?\d+(?:\.\d+)?)(百万元|万元|千元|亿元|元)?")
# A day of every month, quarter, week or year ('每月10日之前', '每季度第5个工作日前') is a date that comes back, not a
# quantity: its number is no target to compare a result with ('每月培训2次' is one: a count per month).
_RECURRING_DAY = re.compile(r"每个?(?:月|季度|季|周|年)(?:的)?第?\d+(?:个工作日|日|号)")


def read_target(text: object) -> Target:
    """'≥90%' → ('>=', 90, True); '≤50万元' → ('<=', 50, False); '480000元' → (None, 48, False) with the amount read.

    The number is returned as written (90 for 90 %) except money, which is converted to 万元 so that a target in 万元
    and a result in 元 compare: target and actual of a row are otherwise written the same way, so their ratio is
    unaffected, and the flag tells the sheet to show a percent sign. No number, or several, gives ``value`` None.
    """
    if text is None:
        return Target(None, None, False)
    return _target(str(text))


@lru_cache(maxsize=4096)
def _target(text: str) -> Target:
    cleaned = _normalise(text)
    if not cleaned:
        return Target(None, None, False)
    comparator = _comparator(cleaned)
    found = _NUMBER_WITH_UNIT.findall(cleaned)
    if len(found) != 1 or _RECURRING_DAY.search(cleaned):
        return Target(comparator, None, False)
    digits, unit = found[0]
    number = Decimal(digits)  # as written, however large: the caller decides (``check_range`` in the engine)
    amount = None
    if unit:
        amount = Amount(number.scaleb(MONEY_UNITS[unit]), number, unit)
        number = amount.value
    return Target(comparator, number, "%" in cleaned, amount)


def read_actual(text: object, target: Target) -> Target:
    """An 实际完成值 read beside its target: a bare number is taken in the target's money unit.

    Tables print the unit once, in the 年度指标值 or a 度量单位 column ('﹦72890元' against '72890'): read alone, the
    result would be 72890 万元 against 7.289 万元. A result that writes its own unit, or a percent, is read as written.
    """
    actual = read_target(text)
    unit = target.amount.unit if target.amount is not None else ""
    if not MONEY_UNITS.get(unit) or actual.amount is not None or actual.percent or actual.value is None:
        return actual
    if _NUMBER_WITH_UNIT.fullmatch(_normalise(str(text))) is None:
        return actual  # '72890人' or '约72890': not a bare figure, left as written
    amount = Amount(actual.value.scaleb(MONEY_UNITS[unit]), actual.value, unit)
    return Target(actual.comparator, amount.value, False, amount)


def parse_target(text: str | None) -> tuple[str | None, Decimal | None, bool]:
    """'≥90%' → ('>=', 90, True); '=100%' → ('=', 100, True); '12次' → (None, 12, False); '按计划完成' → (None, None, False).

    ``read_target`` without the amount: the three values the forms store (comparator, number, percent).
    """
    target = read_target(text)
    return target.comparator, target.value, target.percent


# --- deadlines -------------------------------------------------------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十]+")


def _cn_to_arabic(text: str) -> str:
    """Small Chinese numerals as digits: '三个工作日' → '3个工作日', '十二月' → '12月' (up to 99)."""

    def convert(match: re.Match) -> str:
        word = match.group(0)
        if "十" not in word:
            return "".join(str(_CN_DIGITS[char]) for char in word)
        tens, _, ones = word.partition("十")
        if "十" in ones or len(tens) > 1 or len(ones) > 1:
            return word
        return str((_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0))

    return _CN_NUMBER.sub(convert, text)


_DURATION_UNITS = {"工作日": "工作日", "天": "天", "日": "天", "小时": "小时", "周": "周", "个月": "个月", "月": "个月"}
_DURATION_DAYS = {
    "天": Decimal(1),
    "周": Decimal(7),
}  # 天 and 周 compare with each other; 工作日, 小时, 个月 only alike
_UNIT_SHOWN = {"工作日": "个工作日"}
_QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
_MONTH_END = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}

_YEAR_END = re.compile(r"(?:(\d{4})年)?(?:年底|年末|年内|年度内|本年度|本年内|当年内|全年内|当年|本年)")
_HALF = re.compile(r"(?:(\d{4})年)?(上|下)半年")
_QUARTER = re.compile(r"(?:(\d{4})年)?第?([1-4])季度")
_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]")
_MONTH = re.compile(r"(?:(\d{4})[年.\-/])?(\d{1,2})(?:月|月份)(?!\d)(上旬|中旬|下旬|初|中|底|末)?")
_NUMERIC_DATE = re.compile(r"(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})")
# A day of the month ('每月10日之前') is no duration: the number may not follow 月 (nor be the tail of another number).
_DURATION = re.compile(r"(?<![月\d.])(\d+(?:\.\d+)?)个?(工作日|天|日|小时|周|个月)")
_BEFORE_WORDS = ("前", "之前", "以前", "截止", "截至", "底前", "内", "以内", "之内", "不晚于", "不超过", "≤", "<")
_ON_TIME_WORDS = ("按时", "按期", "如期", "提前", "准时", "及时完成", "按计划时间")
_LATE_WORDS = (
    "未完成",
    "未办结",
    "未实现",
    "未达成",
    "未按时",
    "未按期",
    "未如期",
    "延期",
    "逾期",
    "推迟",
    "滞后",
    "延迟",
    "未能按时",
    "超期",
    "超时",
)
_DONE_ONLY = ("已完成", "完成", "已办结", "办结", "已达成", "达成", "已实现", "实现")


@dataclass(frozen=True, slots=True)
class Deadline:
    """'On or before' a date (``month``/``day``, ``day`` None for a month's end) or within a duration.

    ``year`` is kept only when written; two dates without both years compare by month and day (the assessed year).
    """

    kind: str  # "date" | "duration"
    text: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    amount: Decimal | None = None
    unit: str | None = None  # 工作日 · 天 · 小时 · 周 · 个月
    approximate: bool = False  # a date read from a month alone (as its last day)

    def describe(self) -> str:
        if self.kind == "duration":
            return f"{self.amount.normalize():f}{_UNIT_SHOWN.get(self.unit, self.unit)}内"
        year = f"{self.year}年" if self.year else ""
        if self.day is None:
            return f"{year}{self.month}月前（按月底计）" if self.approximate else f"{year}{self.month}月底前"
        return f"{year}{self.month}月{self.day}日前"

    def key(self, with_year: bool) -> tuple:
        day = self.day if self.day is not None else _MONTH_END[self.month]
        return ((self.year or 0) if with_year else 0, self.month, day)

    def in_days(self) -> Decimal | None:
        factor = _DURATION_DAYS.get(self.unit or "")
        return None if factor is None else self.amount * factor


def _date_in(text: str) -> Deadline | None:
    """The date or month a text names, if any (the first one)."""
    match = _NUMERIC_DATE.search(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        if 1 <= month <= 12 and 1 <= day <= _MONTH_END[month]:
            return Deadline("date", text, year, month, day)
    match = _DATE.search(text)
    if match:
        month, day = int(match.group(2)), int(match.group(3))
        if 1 <= month <= 12 and 1 <= day <= _MONTH_END[month]:
            return Deadline("date", text, int(match.group(1)) if match.group(1) else None, month, day)
    match = _MONTH.search(text)
    if match and 1 <= int(match.group(2)) <= 12:
        month = int(match.group(2))
        day = {"上旬": 10, "初": 10, "中旬": 20, "中": 20}.get(match.group(3) or "")
        year = int(match.group(1)) if match.group(1) else None
        return Deadline("date", text, year, month, day, approximate=day is None and not match.group(3))
    match = _QUARTER.search(text)
    if match:
        month, day = _QUARTER_END[int(match.group(2))]
        return Deadline("date", text, int(match.group(1)) if match.group(1) else None, month, day)
    match = _HALF.search(text)
    if match:
        month, day = (6, 30) if match.group(2) == "上" else (12, 31)
        return Deadline("date", text, int(match.group(1)) if match.group(1) else None, month, day)
    match = _YEAR_END.search(text)
    if match:
        return Deadline("date", text, int(match.group(1)) if match.group(1) else None, 12, 31)
    return None


def _duration_in(text: str) -> Deadline | None:
    match = _DURATION.search(text)
    if not match:
        return None
    amount = _in_range(Decimal(match.group(1)), text, None)
    return Deadline("duration", text, amount=amount, unit=_DURATION_UNITS[match.group(2)])


def parse_deadline(text: object, *, timeliness: bool = False) -> Deadline | None:
    """A 时效 target read as 'on or before': '9月前', '10月底前', '年底前', '截止6月30日', '第三季度前', '上半年',
    '3个工作日内', '≤5天', '30天以内'. None when the text is no deadline ('≥90%', '按计划完成', '12次').

    A date needs a word that makes it a limit (前 · 截止 · 底 · 内 …) or a bare month/year-end phrase; a duration
    needs 内/以内 or a '≤'-type comparator, so '5天' alone stays a number. In a 时效 group (``timeliness``) a bare
    date or month ('12月', '6月30日') is a deadline too.
    """
    if text is None:
        return None
    return _deadline(str(text), timeliness)


@lru_cache(maxsize=4096)
def _deadline(text: str, timeliness: bool) -> Deadline | None:
    cleaned = _cn_to_arabic(_normalise(text))
    if not cleaned or "%" in cleaned:
        return None
    limit = any(word in cleaned for word in _BEFORE_WORDS) or parse_comparator(cleaned) == "<="
    duration = _duration_in(cleaned)
    date = _date_in(cleaned)
    limited = limit or timeliness or _YEAR_END.search(cleaned) or _HALF.search(cleaned)
    # '6月30日' holds a duration-looking '30日': a date wins when it names a day or a month's end.
    plainly_date = (
        duration is None
        or date is None
        or date.day is not None
        or any(word in cleaned for word in ("月底", "月末", "月前"))
    )
    if date is not None and limited and plainly_date:
        return date if date.text == str(text) else Deadline(**{**_fields(date), "text": str(text)})
    if duration is not None and limit and parse_comparator(cleaned) in (None, "<="):
        return Deadline(**{**_fields(duration), "text": str(text)})
    return None


def row_deadline(
    text: object, number: Decimal | None = None, comparator: str | None = None, *, timeliness: bool = False
) -> Deadline | None:
    """The time limit a row's 年度指标值 sets, as the scoring reads it; None when the row is a quantity.

    A number stored beside the text that is just the one read from it (the 9 of '9月前', as a form stored it) keeps
    the row a deadline; a different number typed by the user, or a comparator other than '≤', makes it a quantity.
    """
    if comparator not in (None, "", "<="):
        return None
    deadline = parse_deadline(text, timeliness=timeliness)
    if deadline is None or (number is not None and number != read_target(text).value):
        return None
    return deadline


def _fields(deadline: Deadline) -> dict:
    return {name: getattr(deadline, name) for name in Deadline.__slots__}


class Completion(NamedTuple):
    """An 实际完成值 read against a deadline: ``met`` True/False, None when the text says nothing about time."""

    met: bool | None
    how: str  # how it was read, for the explanation
    warning: str = ""


def read_completion(text: object, deadline: Deadline) -> Completion:
    """Whether an 实际完成值 meets ``deadline``: '8月25日完成' before '9月前' → met; '10月' after '9月底前' → not;
    '2个工作日' within '3个工作日内' → met; '按时完成' → met; '延期完成' → not met; '已完成' (no time given) → met,
    with a warning that the time is not written. None for a text that gives neither a time nor an on-time word.
    """
    if text is None:
        return Completion(None, "")
    cleaned = _cn_to_arabic(_normalise(str(text)))
    if not cleaned:
        return Completion(None, "")
    if any(word in cleaned for word in _LATE_WORDS):
        return Completion(False, f"实际“{text}”，未按期完成")
    if deadline.kind == "duration":
        found = _duration_in(cleaned)
        number = None
        if found is None and _BARE_NUMBER.fullmatch(cleaned):
            # A bare number is in the deadline's own unit; '11次' or '16%' is not a duration at all.
            found = Deadline("duration", str(text), amount=_in_range(Decimal(cleaned), text, None), unit=deadline.unit)
        if found is not None:
            if found.unit != deadline.unit:
                mine, theirs = found.in_days(), deadline.in_days()
                if mine is None or theirs is None:
                    raise ScoringError(
                        f"实际完成值“{text}”的单位（{found.unit}）与指标值“{deadline.text}”（{deadline.unit}）不同，无法比较"
                    )
                number, limit = mine, theirs
            else:
                number, limit = found.amount, deadline.amount
            shown = f"实际 {found.amount.normalize():f}{_UNIT_SHOWN.get(found.unit, found.unit)}"
            if number <= limit:
                return Completion(True, f"{shown}，在时限内")
            return Completion(False, f"{shown}，超出时限")
    else:
        found = _date_in(cleaned)
        if found is not None:
            with_year = found.year is not None and deadline.year is not None
            note = "（实际只写到月份，按月末计）" if found.approximate and found.month == deadline.month else ""
            day = f"{found.day}日" if found.day is not None else ""
            shown = f"实际 {f'{found.year}年' if found.year else ''}{found.month}月{day}"
            if found.key(with_year) <= deadline.key(with_year):
                return Completion(True, f"{shown}{note}，按期完成")
            return Completion(False, f"{shown}{note}，晚于时限")
    if any(word in cleaned for word in _ON_TIME_WORDS):
        return Completion(True, f"实际“{text}”，按期完成")
    if any(word in cleaned for word in _DONE_ONLY) and "未" not in cleaned:
        return Completion(True, f"实际“{text}”，按期完成计", "实际完成值未写完成时间，按期完成计，请补写完成时间")
    return Completion(None, "")
