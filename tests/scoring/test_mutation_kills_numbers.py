"""Deadlines written with Chinese numerals, a numeric date (2022-12-31, 2022.6.30) or a part of a month (上旬, 中旬) are
read as such; a result dated in a later year is late; a negative count or an impossible share is refused naming what was
given. Mutation testing (make mutation) showed that no test would notice these going wrong."""

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


@pytest.mark.parametrize(
    ("actual", "deadline", "completion"),
    [
        # Both years written: the year decides before the month (March 2025 is after June 2024).
        ("2025年3月1日完成", "2024年6月30日前", (False, "实际 2025年3月1日，晚于时限")),
        ("2023年12月1日完成", "2024年6月30日前", (True, "实际 2023年12月1日，按期完成")),
        ("2024年6月30日完成", "2024年6月30日前", (True, "实际 2024年6月30日，按期完成")),
        ("2024年7月1日完成", "2024年6月30日前", (False, "实际 2024年7月1日，晚于时限")),
        ("2025年3月完成", "2024年6月底前", (False, "实际 2025年3月，晚于时限")),
        # One year missing: both are dates of the assessed year, compared by month and day.
        ("2025年3月1日完成", "6月30日前", (True, "实际 2025年3月1日，按期完成")),
        ("3月1日完成", "2024年6月30日前", (True, "实际 3月1日，按期完成")),
    ],
)
def test_a_result_dated_in_a_later_year_is_late_whatever_its_month(actual, deadline, completion):
    done = read_completion(actual, parse_deadline(deadline))
    assert (done.met, done.how, done.warning) == (*completion, "")


def test_a_negative_count_or_an_impossible_share_is_refused_naming_what_was_given():
    """The label names the figure; without one, the field; without either, what kind of figure it is."""
    from scoring.engine import ScoringError
    from scoring.engine.numbers import parse_count, parse_share

    def refusal(parse, value, **names):
        with pytest.raises(ScoringError) as refused:
            parse(value, **names)
        return refused.value.message, refused.value.field

    assert refusal(parse_count, "-3") == ("数量不能为负数（“-3”）", None)
    assert refusal(parse_count, "-3", field="staff_quota") == ("staff_quota不能为负数（“-3”）", "staff_quota")
    assert refusal(parse_count, -3, field="staff_quota", label="编制数") == ("编制数不能为负数（“-3”）", "staff_quota")
    assert refusal(parse_share, "120%") == ("比率应在 0% 至 100% 之间（“120%”）", None)
    assert refusal(parse_share, "-5%", label="服务对象满意度") == ("服务对象满意度应在 0% 至 100% 之间（“-5%”）", None)
    assert parse_count("0") == Decimal(0)
    assert (parse_share("0%"), parse_share("100%")) == (Decimal(0), Decimal(1))
