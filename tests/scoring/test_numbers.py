from decimal import Decimal

import pytest

from scoring.engine import ScoringError, fmt_percent, parse_number, parse_rate, parse_target, quantize
from scoring.engine.numbers import to_decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123456.78", "123456.78"),
        ("１２３，４５６．７８", "123456.78"),
        ("123,456.78万元", "123456.78"),
        (" 2681.55 万元 ", "2681.55"),
        ("49.52%", "49.52"),
        ("96％", "96"),
        ("-18", "-18"),
        ("11次", "11"),
        ("264人", "264"),
    ],
)
def test_parse_number_accepts_what_chinese_users_type(text, expected):
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "按时", "十二", "1.2.3", "abc万元"])
def test_parse_number_refuses_text_with_a_chinese_message(text):
    with pytest.raises(ScoringError) as error:
        parse_number(text)
    assert "不是数字" in error.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("≥90%", (">=", Decimal(90), True)),
        (">=90%", (">=", Decimal(90), True)),
        ("=100%", ("=", Decimal(100), True)),
        ("＝100％", ("=", Decimal(100), True)),
        ("≤100%", ("<=", Decimal(100), True)),
        ("12次", (None, Decimal(12), False)),
        ("按计划完成", (None, None, False)),
        ("不少于150篇", (">=", Decimal(150), False)),
        ("网上正能量发帖宣传不少于 150 篇", (">=", Decimal(150), False)),
        ("不超过5天", ("<=", Decimal(5), False)),
        ("参加率达100%", (">=", Decimal(100), True)),
        ("", (None, None, False)),
        (None, (None, None, False)),
    ],
)
def test_parse_target_reads_comparator_number_and_percent(text, expected):
    assert parse_target(text) == expected


def test_quantize_rounds_half_up_not_half_even():
    assert quantize(Decimal("9.945")) == Decimal("9.95")
    assert quantize(Decimal("0.125")) == Decimal("0.13")
    assert quantize(Decimal("2.5"), 0) == Decimal("3")


def test_fmt_percent_shows_two_places():
    assert fmt_percent(Decimal("246.93") / Decimal("498.67")) == "49.52%"
    assert fmt_percent(Decimal(1)) == "100.00%"


def test_parse_rate_turns_percent_into_a_fraction_and_refuses_a_bare_number_above_one():
    assert parse_rate("96%") == Decimal("0.96")
    assert parse_rate("0.96") == Decimal("0.96")
    with pytest.raises(ScoringError):
        parse_rate("96")


def test_to_decimal_never_keeps_binary_float_noise():
    assert to_decimal(0.1) == Decimal("0.1")
    assert to_decimal(7) == Decimal(7)
    with pytest.raises(ScoringError):
        to_decimal(True)
