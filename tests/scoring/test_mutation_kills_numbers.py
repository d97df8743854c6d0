"""Deadlines written with Chinese numerals or a numeric date (2022-12-31, 2022.6.30) are read as such. Mutation
testing (make mutation) showed that no test would notice these going wrong."""

from decimal import Decimal

import pytest

from scoring.engine.numbers import parse_deadline


@pytest.mark.parametrize(
    ("text", "amount", "unit"), [("三个工作日内", Decimal(3), "工作日"), ("二十五天内", Decimal(25), "天")]
)
def test_a_duration_in_chinese_numerals_is_read_as_digits(text, amount, unit):
    deadline = parse_deadline(text)
    assert (deadline.kind, deadline.amount, deadline.unit) == ("duration", amount, unit)


def test_a_month_in_chinese_numerals_is_read():
    deadline = parse_deadline("十二月底前")
    assert (deadline.kind, deadline.year, deadline.month, deadline.day) == ("date", None, 12, None)


@pytest.mark.parametrize(
    ("text", "date"),
    [("2022-12-31前完成", (2022, 12, 31)), ("2022.6.30前", (2022, 6, 30)), ("2022/6/30前完成", (2022, 6, 30))],
)
def test_a_numeric_date_is_read_with_its_year(text, date):
    deadline = parse_deadline(text)
    assert (deadline.kind, deadline.year, deadline.month, deadline.day) == ("date", *date)
