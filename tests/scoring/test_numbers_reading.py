"""How a 年度指标值 or 实际完成值 is read, in full: the comparator and number of every spelling units use, a result
read in its target's money unit, and every form of time limit with how the sheet describes it."""

from decimal import Decimal

import pytest

from scoring.engine.numbers import (
    Amount,
    Target,
    parse_comparator,
    parse_deadline,
    read_actual,
    read_target,
    row_deadline,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "comparator", "value", "percent"),
    [
        ("≧90%", ">=", "90", True),
        ("不低于90%", ">=", "90", True),
        ("90%以上", ">=", "90", True),
        (">90%", ">=", "90", True),  # units write '>' meaning 'at least'
        ("≥ 9 0 %", ">=", "90", True),
        ("参加率达100%", ">=", "100", True),
        ("达标率95%", None, "95", True),  # 达 only before a number
        ("≦5天", "<=", "5", False),
        ("5天以内", "<=", "5", False),
        ("控制在5天内", "<=", "5", False),
        ("<5", "<=", "5", False),
        ("≤5%以上", "<=", "5", True),  # a sign wins over a word
        ("＝100%", "=", "100", True),
        ("==3", "=", "3", False),
        ("≥90%且≤100%", None, None, False),  # a range: neither, and no single number
        ("按计划完成", None, None, False),
        (None, None, None, False),
        # A day that comes back every month, quarter or year is a date, not a quantity to compare a result with…
        ("每月10日之前", None, None, False),
        ("每月5号前", None, None, False),
        ("每个月的15日前", None, None, False),
        ("每季度第10个工作日前", None, None, False),
        # …while a count per month is one.
        ("每月培训2次", None, "2", False),
        ("每周3次", None, "3", False),
    ],
)
def test_a_target_is_read_as_its_comparator_and_number(text, comparator, value, percent):
    assert parse_comparator(text) == comparator
    assert read_target(text) == Target(comparator, None if value is None else D(value), percent)


@pytest.mark.parametrize(
    ("actual", "target", "read"),
    [
        ("72890", "﹦72890元", Target(None, D("7.289"), False, Amount(D("7.289"), D(72890), "元"))),
        ("72890人", "﹦72890元", Target(None, D(72890), False)),  # not a bare figure: left as written
        ("约72890", "﹦72890元", Target(None, D(72890), False)),
        ("50%", "≤50万元", Target(None, D(50), True)),
        ("3万元", "≤50000元", Target(None, D(3), False, Amount(D(3), D(3), "万元"))),
        ("30", "≥20", Target(None, D(30), False)),
    ],
)
def test_a_bare_result_is_read_in_its_target_s_money_unit(actual, target, read):
    assert read_actual(actual, read_target(target)) == read


@pytest.mark.parametrize(
    ("text", "deadline", "described"),
    [
        ("9月前", ("date", None, 9, None, None, None, True), "9月前（按月底计）"),
        ("10月底前", ("date", None, 10, None, None, None, False), "10月底前"),
        ("6月上旬前", ("date", None, 6, 10, None, None, False), "6月10日前"),
        ("6月中旬前", ("date", None, 6, 20, None, None, False), "6月20日前"),
        ("6月下旬前", ("date", None, 6, None, None, None, False), "6月底前"),
        ("年底前", ("date", None, 12, 31, None, None, False), "12月31日前"),
        ("本年度内", ("date", None, 12, 31, None, None, False), "12月31日前"),
        ("截止6月30日", ("date", None, 6, 30, None, None, False), "6月30日前"),
        ("2022年12月31日前", ("date", 2022, 12, 31, None, None, False), "2022年12月31日前"),
        ("第三季度前", ("date", None, 9, 30, None, None, False), "9月30日前"),
        ("上半年", ("date", None, 6, 30, None, None, False), "6月30日前"),
        ("下半年完成", ("date", None, 12, 31, None, None, False), "12月31日前"),
        ("2024年上半年", ("date", 2024, 6, 30, None, None, False), "2024年6月30日前"),
        ("2025年下半年前", ("date", 2025, 12, 31, None, None, False), "2025年12月31日前"),
        ("3个工作日内", ("duration", None, None, None, D(3), "工作日", False), "3个工作日内"),
        ("≤5天", ("duration", None, None, None, D(5), "天", False), "5天内"),
        ("30天以内", ("duration", None, None, None, D(30), "天", False), "30天内"),
    ],
)
def test_a_time_limit_is_read_and_described(text, deadline, described):
    found = parse_deadline(text)
    fields = (found.kind, found.year, found.month, found.day, found.amount, found.unit, found.approximate)
    assert (fields, found.describe(), found.text) == (deadline, described, text)


@pytest.mark.parametrize("text", ["5天", "≥90%", "按计划完成", "12次", "6月30日", "12月", "每月10日之前", None])
def test_a_text_without_a_limit_is_no_deadline_outside_a_timeliness_group(text):
    assert parse_deadline(text) is None


@pytest.mark.parametrize("text", ["13月5日前", "2024年13月5日前", "截止13月1日", "9月31日前", "2月30日前", "0月5日前"])
def test_a_date_that_does_not_exist_is_no_deadline_even_in_a_timeliness_group(text):
    assert (parse_deadline(text), parse_deadline(text, timeliness=True)) == (None, None)


def test_in_a_timeliness_group_a_bare_date_or_month_is_a_deadline():
    day = parse_deadline("6月30日", timeliness=True)
    assert (day.month, day.day, day.describe()) == (6, 30, "6月30日前")
    assert parse_deadline("12月", timeliness=True).describe() == "12月前（按月底计）"


def test_a_row_is_a_deadline_only_when_its_stored_number_and_comparator_agree_with_its_text():
    assert row_deadline("9月前").describe() == "9月前（按月底计）"
    assert row_deadline("9月前", D(9)).describe() == "9月前（按月底计）"  # the 9 a form stored from the text
    assert row_deadline("9月前", D(10)) is None  # a different number typed: a quantity
    assert row_deadline("9月前", None, ">=") is None
    assert row_deadline("9月前", None, "<=").describe() == "9月前（按月底计）"


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2023-1-15前", (2023, 1, 15)),  # January, the lowest month, written as a numeric date
        ("2023.12.31前", (2023, 12, 31)),
        ("1月底前", (None, 1, None)),  # January written in full
        ("12月底前", (None, 12, None)),
    ],
)
def test_the_first_and_last_months_are_months(text, date):
    found = parse_deadline(text)
    assert (found.year, found.month, found.day) == date
