"""Decimal helpers and the parsing of numbers as Chinese users type them.

Everything is ``Decimal``: amounts in 万元, rates as fractions (0.9952 = 99.52 %). Floats never enter: a float that
reaches ``to_decimal`` is refused, because ``Decimal(0.1)`` silently carries binary noise into a score.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from .errors import ScoringError

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

QUANTA = {places: Decimal(1).scaleb(-places) for places in range(0, 7)}

# Full-width digits and punctuation as typed with a Chinese input method.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋％：　", "0123456789.,-+%: ")
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
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")


def quantize(value: Decimal, places: int = 2) -> Decimal:
    """Round half-up (四舍五入) to ``places`` decimals."""
    return value.quantize(QUANTA[places], rounding=ROUND_HALF_UP)


def fmt(value: Decimal | None, places: int = 2) -> str:
    """A number as shown in the official tables: fixed places, no exponent."""
    if value is None:
        return "—"
    return f"{quantize(value, places):f}"


@lru_cache(maxsize=1024)
def show_points(points: Decimal) -> str:
    """Band points as written in the framework: 1, 0.7, 0, 1.5 (cached: the same few figures recur on every sheet)."""
    return f"{points.normalize():f}"


def fmt_points(value: Decimal, places: int = 2) -> str:
    return fmt(value, places)


def fmt_percent(rate: Decimal | None, places: int = 2) -> str:
    """A fraction shown as a percentage: Decimal('0.49518') → '49.52%'."""
    if rate is None:
        return "—"
    return f"{quantize(rate * HUNDRED, places):f}%"


def fmt_bound(rate: Decimal) -> str:
    """A band bound as people write it: 0.9 → '90%', 0.055 → '5.5%'."""
    text = f"{(rate * HUNDRED).normalize():f}"
    return f"{text}%"


def to_decimal(value: object, *, field: str | None = None) -> Decimal:
    """A number from JSON or YAML: int, Decimal or text. Floats are refused (see the module docstring)."""
    if isinstance(value, bool):
        raise ScoringError(f"应为数字，收到的是 {value}", field=field)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # JSON numbers are read with parse_float=Decimal; a float here means a caller bypassed that.
        return parse_number(repr(value), field=field)
    if isinstance(value, str):
        return parse_number(value, field=field)
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
    return number


def is_percent_text(text: str) -> bool:
    return _normalise(str(text)).endswith("%")


def parse_rate(value: object, *, field: str | None = None) -> Decimal:
    """A rate as a fraction: '96%' → 0.96, '0.96' → 0.96, Decimal('0.96') → 0.96.

    A bare number above 1 is refused rather than guessed: '96' could be 96 % or a typing slip.
    """
    if isinstance(value, str) and is_percent_text(value):
        return parse_number(value, field=field) / HUNDRED
    number = to_decimal(value, field=field)
    if number > ONE:
        raise ScoringError(f"比率“{value}”应写作百分数（如 96%）或小数（如 0.96）", field=field)
    return number


_GREATER = ("≥", ">=", "＞＝", "不少于", "不低于", "大于等于", "大于或等于", "至少", "以上", "达到", "达")
_LESS = ("≤", "<=", "＜＝", "不超过", "不高于", "不多于", "小于等于", "小于或等于", "以内", "以下", "控制在")
_EQUAL = ("＝", "=", "等于")


def parse_target(text: str | None) -> tuple[str | None, Decimal | None, bool]:
    """'≥90%' → ('>=', 90, True); '=100%' → ('=', 100, True); '12次' → (None, 12, False); '按计划完成' → (None, None, False).

    The number is returned as written (90 for 90 %): target and actual of a row are written the same way, so their
    ratio is unaffected, and the flag tells the sheet to show a percent sign.
    """
    if text is None:
        return None, None, False
    cleaned = _normalise(str(text))
    if not cleaned:
        return None, None, False
    comparator = None
    for words, symbol in ((_GREATER, ">="), (_LESS, "<="), (_EQUAL, "=")):
        if any(word in cleaned for word in words):
            comparator = symbol
            break
    # A lone '>' or '<' is read as the inclusive form: units write '>90%' meaning 'at least 90 %'.
    if comparator is None and (">" in cleaned or "＞" in cleaned):
        comparator = ">="
    if comparator is None and ("<" in cleaned or "＜" in cleaned):
        comparator = "<="
    found = _NUMBER.findall(cleaned)
    if len(found) != 1:
        return comparator, None, False
    return comparator, Decimal(found[0]), "%" in cleaned
