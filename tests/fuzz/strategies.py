"""What people (and broken clients) type into perfeval's forms: numbers the way Chinese users write them, numbers no
column can hold, text with control characters, very long text, and the wrong shapes — a list where one value is
expected, a missing key, a file where text is expected."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

_TO_FULL_WIDTH = str.maketrans("0123456789.,-+%", "０１２３４５６７８９．，－＋％")
SUFFIXES = ["", "", "万元", "元", "万", "%", "％", " 万元", "人", "次", "m²", "亿元", "万元万元"]

# Inputs that broke number parsers elsewhere, or that no DecimalField(max_digits=14) column can hold.
NASTY_NUMBERS = [
    "1e400",
    "1e-400",
    "-1e400",
    "1E+999999999",
    "99999999999999999999.999",
    "999999999999.99",
    "1000000000000",
    "0.001",
    "0.005",
    "-0",
    "+0",
    "-0.00",
    "NaN",
    "nan",
    "-NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "-inf",
    "１２３，４５６．７８",
    "１２３，４５６．７８万元",
    "－１２３",
    "1,234,567.891",
    "1,23,456",
    "12,34",
    ",",
    ".",
    "-",
    "+",
    "..1",
    "1..2",
    "1.2.3",
    "0x1F",
    "1_000",
    "٣٤",  # Arabic-Indic digits: Decimal() accepts them
    "১২",  # Bengali digits
    "Ⅻ",
    "²",  # str.isdigit() is true for superscripts and circled digits, yet int() refuses them
    "2022²",
    "①",
    "𝟚𝟘𝟚𝟚",  # mathematical digits: int() reads them
    "万元",
    "%",
    "12%%",
    "≥90%",
    "<=5天",
    "＞＝１００％",
    "1/2",
    "1e5",
    "9" * 40,
    "0." + "0" * 40 + "1",
    "1" + "0" * 400,
]

# The few inputs that break parsers most often, drawn far more often than the long lists above.
TRICKY = ["\x00", "²", "①", "9" * 5000, "1e400", "NaN", "-1", "-0", " ", "1.5", "%", "１２３", "'", "<b>", "\u202e"]

CONTROL = st.characters(min_codepoint=0, max_codepoint=31) | st.sampled_from(
    ["\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "\u200b", "\u202e", "\ufffe", "\U0010ffff"]
)
# Any character that can be encoded as UTF-8 (a browser cannot send a lone surrogate).
ANY_CHAR = st.characters(codec="utf-8")


def _format_decimal(value: Decimal, separators: bool, full_width: bool, suffix: str, spaces: bool) -> str:
    text = f"{value:,f}" if separators else f"{value:f}"
    if full_width:
        text = text.translate(_TO_FULL_WIDTH)
    text += suffix
    return f"  {text} " if spaces else text


numbers_as_typed = st.builds(
    _format_decimal,
    st.decimals(min_value=-(10**16), max_value=10**16, allow_nan=False, allow_infinity=False, places=None)
    | st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**13), max_value=10**13),
    st.booleans(),
    st.booleans(),
    st.sampled_from(SUFFIXES),
    st.booleans(),
)
float_texts = st.floats(allow_nan=True, allow_infinity=True).map(repr)
huge_integers = st.integers(min_value=-(10**30), max_value=10**30).map(str)
free_text = st.text(ANY_CHAR, max_size=40)
control_text = st.text(ANY_CHAR | CONTROL, max_size=20).map(lambda text: text + "\x00" if "\x00" not in text else text)


@st.composite
def long_text(draw):
    """10,000 to 30,000 characters: a pasted document, or a number with thousands of digits."""
    unit = draw(st.text(ANY_CHAR, min_size=1, max_size=4) | st.sampled_from(["9", "1,", "预算", "\x00"]))
    length = draw(st.integers(min_value=10_000, max_value=30_000))
    return (unit * (length // len(unit) + 1))[:length]


# Around the lengths of the columns (50, 80, 100, 150, 200, 300 characters): text that fits one column and not another.
column_boundaries = st.builds(
    lambda char, length: char * length,
    st.sampled_from(["项", "a", " ", "１"]),
    st.sampled_from([49, 50, 51, 79, 80, 81, 99, 100, 101, 149, 150, 151, 199, 200, 201, 255, 256, 299, 300, 301]),
)
medium_text = st.text(ANY_CHAR, min_size=40, max_size=320)

scalar = st.one_of(
    st.sampled_from(TRICKY),
    numbers_as_typed,
    st.sampled_from(NASTY_NUMBERS),
    float_texts,
    huge_integers,
    free_text,
    control_text,
    long_text(),
    column_boundaries,
    medium_text,
    st.just(""),
)


def upload(name_strategy=None, content_strategy=None):
    """A file where the form expects text (or a file of any kind where it expects one)."""
    names = name_strategy or st.sampled_from(["x.txt", "数据.xlsx", "a.pdf", "noext", ".pdf", "x" * 300 + ".png"])
    contents = content_strategy or st.binary(max_size=64)
    return st.builds(lambda name, content: SimpleUploadedFile(name, content), names, contents)


# One posted value: mostly text, sometimes repeated keys (a list) or a file.
value = st.one_of(
    scalar,
    scalar,
    scalar,
    st.lists(scalar, min_size=2, max_size=3),
    upload(),
)

MANAGEMENT_VALUES = ["", "abc", "-1", "0", "1", "2", "3", "1001", "99999999999999999999", "1.5", "１"]


@st.composite
def mutated(draw, base: dict, *, fields=None, extra_fields=(), max_changes: int = 6):
    """The browser's submission `base` with a few fields replaced by fuzzed values, removed, or added: `fields` are the
    names worth changing (default: all of base), `extra_fields` names a tampered client might add."""
    data = dict(base)
    names = sorted(fields if fields is not None else base)
    candidates = names + list(extra_fields)
    for _ in range(draw(st.integers(min_value=1, max_value=max_changes))):
        name = draw(st.sampled_from(candidates))
        action = draw(st.sampled_from(["set", "set", "set", "set", "drop"]))
        if action == "drop":
            data.pop(name, None)
        elif name.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")):
            data[name] = draw(st.sampled_from(MANAGEMENT_VALUES) | value)
        else:
            data[name] = draw(value)
    return data


def describe(data: dict) -> dict:
    """A short, printable form of a submission for failure messages (long values cut, files named)."""
    shown = {}
    for key, item in data.items():
        if isinstance(item, SimpleUploadedFile):
            shown[key] = f"<file {item.name!r} {item.size} bytes>"
        elif isinstance(item, str) and len(item) > 80:
            shown[key] = f"{item[:40]!r}…({len(item)} chars)"
        else:
            shown[key] = item
    return shown


def posted(data: dict, key: str) -> str | None:
    """The text a form reads for `key`: the last of repeated values; None when missing or sent as a file."""
    item = data.get(key)
    if isinstance(item, list):
        item = item[-1]
    return item if isinstance(item, str) else None
