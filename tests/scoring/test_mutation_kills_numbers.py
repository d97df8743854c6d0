"""Deadlines written with Chinese numerals, a numeric date (2022-12-31, 2022.6.30) or a part of a month (上旬, 中旬) are
read as such. Mutation testing (make mutation) showed that no test would notice these going wrong."""

from decimal import Decimal

import pytest

from scoring.engine.numbers import parse_deadline, read_completion


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


@pytest.mark.parametrize(
    ("text", "date", "shown"),
    [
        ("6月上旬前", (None, 6, 10), "6月10日前"),
        ("6月初前", (None, 6, 10), "6月10日前"),
        ("2022年6月中旬前", (2022, 6, 20), "2022年6月20日前"),
        ("6月中前", (None, 6, 20), "6月20日前"),
        ("6月下旬前", (None, 6, None), "6月底前"),
    ],
)
def test_a_part_of_a_month_is_read_as_its_last_day(text, date, shown):
    """上旬 ends on the 10th and 中旬 on the 20th: a row done on the 15th missed '6月上旬前'."""
    deadline = parse_deadline(text)
    assert (deadline.kind, deadline.year, deadline.month, deadline.day, deadline.approximate) == ("date", *date, False)
    assert deadline.describe() == shown


def test_a_row_done_mid_month_missed_the_first_ten_days_and_met_the_middle_ten():
    assert read_completion("6月15日完成", parse_deadline("6月上旬前")).met is False
    assert read_completion("6月15日完成", parse_deadline("6月中旬前")).met is True
