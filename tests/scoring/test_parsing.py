"""The parsers the engine, the forms and the Excel import share: amounts with their units, comparators, deadlines,
facts as typed. Each is one public engine function, so that every door reads a cell the same way."""

from decimal import Decimal

import pytest

from scoring.engine import ScoringError
from scoring.engine.api import parse_comparator_field, parse_fact
from scoring.engine.numbers import (
    parse_amount,
    parse_comparator,
    parse_count,
    parse_deadline,
    parse_share,
    parse_target,
    read_amount,
    read_completion,
    read_target,
    to_decimal,
)

D = Decimal


# --- amounts ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("166300元", "16.63"),
        ("166,300.00元", "16.63"),
        ("0.0041亿元", "41"),
        ("1.2亿", "12000"),
        ("2,681.55万元", "2681.55"),
        ("2681.55", "2681.55"),
        ("１６６３００元", "16.63"),
        ("5000千元", "500"),
    ],
)
def test_an_amount_is_converted_to_wan_yuan_by_its_unit(text, expected):
    assert parse_amount(text) == D(expected)


def test_a_converted_amount_says_how():
    assert read_amount("166300元").note() == "166300元 = 16.63万元"
    assert read_amount("0.0041亿元").note() == "0.0041亿元 = 41万元"
    assert read_amount("16.63万元").note() == ""


def test_a_percent_sign_on_an_amount_is_refused_naming_the_field():
    with pytest.raises(ScoringError, match="全年预算数是金额，不能写作百分数"):
        parse_amount("95%", field="budget_full_year", label="全年预算数")


def test_a_negative_amount_is_refused_naming_the_field():
    with pytest.raises(ScoringError, match="全年执行数不能为负数"):
        parse_amount("-20万元", field="spending_actual", label="全年执行数")


def test_an_amount_with_another_unit_is_refused():
    with pytest.raises(ScoringError, match="不是金额"):
        parse_amount("12人", label="全年预算数")


@pytest.mark.parametrize("value", ["123456789012345678901234567890", 10**30, D("1E+40"), "1e400"])
def test_a_thirty_digit_amount_is_refused_not_a_crash(value):
    with pytest.raises(ScoringError, match="超出可处理的范围"):
        parse_amount(value, label="全年预算数")


def test_shares_lie_between_zero_and_one_hundred_percent():
    assert parse_share("96%") == D("0.96")
    for bad in ("120%", "-5%"):
        with pytest.raises(ScoringError, match="服务对象满意度应在 0% 至 100% 之间"):
            parse_share(bad, label="服务对象满意度")


def test_counts_are_never_negative():
    assert parse_count("26人") == D(26)
    with pytest.raises(ScoringError, match="编制数不能为负数"):
        parse_count(-3, label="编制数")


def test_to_decimal_refuses_nan_and_infinity():
    for value in (D("NaN"), D("Infinity"), float("nan")):
        with pytest.raises(ScoringError):
            to_decimal(value)


# --- facts as typed --------------------------------------------------------------------------------------------------


def test_parse_fact_reads_each_fact_in_its_unit():
    assert parse_fact("budget_full_year", "166300元") == D("16.63")
    assert parse_fact("satisfaction_recipients", "96%") == D("0.96")
    assert parse_fact("staff_quota", "26") == D(26)
    assert parse_fact("spending_actual", "  ") is None


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("budget_full_year", "-100", "全年预算数不能为负数"),
        ("spending_actual", "-20", "全年执行数不能为负数"),
        ("staff_quota", -3, "编制数不能为负数"),
        ("satisfaction_recipients", "120%", "服务对象满意度应在 0% 至 100% 之间"),
        ("satisfaction_public", "-5%", "社会公众满意度应在 0% 至 100% 之间"),
        ("budget_full_year", "99%", "全年预算数是金额，不能写作百分数"),
    ],
)
def test_parse_fact_refuses_impossible_values_naming_the_fact(name, value, message):
    with pytest.raises(ScoringError, match=message) as error:
        parse_fact(name, value)
    assert error.value.field == name


def test_a_year_balance_may_be_negative():
    assert parse_fact("balance_year", "-12.5") == D("-12.5")
    assert parse_fact("balance_year", "-125000元") == D("-12.5")


# --- comparators -----------------------------------------------------------------------------------------------------

GREATER = [
    "≥90%",
    "≧90%",
    ">90%",
    "＞90%",
    ">=90%",
    "＞＝90%",
    "不低于90%",
    "不少于90%",
    "大于等于90%",
    "90%以上",
    "达到90%",
]
LESS = ["≤5%", "≦5%", "<5%", "＜5%", "<=5%", "不高于5%", "不超过5%", "小于等于5%", "5%以下", "5%以内", "控制在5%以内"]
EQUAL = ["=100%", "＝100%", "═100%", "﹦100%"]


@pytest.mark.parametrize("text", GREATER)
def test_every_spelling_of_at_least_is_read(text):
    assert parse_comparator(text) == ">="
    assert read_target(text).comparator == ">="


@pytest.mark.parametrize("text", LESS)
def test_every_spelling_of_at_most_is_read(text):
    assert parse_comparator(text) == "<="


@pytest.mark.parametrize("text", EQUAL)
def test_every_spelling_of_equal_is_read(text):
    assert parse_target(text) == ("=", D(100), True)


def test_a_word_inside_another_word_is_not_a_comparator():
    assert parse_comparator("达标率≤5%") == "<="  # 达 of 达标 is not 达到
    assert parse_comparator("参加率达100%") == ">="
    assert parse_comparator("按计划完成") is None


def test_a_range_has_no_single_comparator():
    assert parse_comparator("≥90%且≤100%") is None


def test_a_comparator_typed_alone_accepts_every_spelling_and_refuses_others():
    assert parse_comparator_field("≧") == ">="
    assert parse_comparator_field("不超过") == "<="
    with pytest.raises(ScoringError, match="比较符“约”无法识别"):
        parse_comparator_field("约")


def test_money_in_a_row_is_converted_so_target_and_result_compare():
    assert read_target("≤50万元").value == D(50)
    assert read_target("480000元").value == D(48)


# --- deadlines -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("9月前", "9月前（按月底计）"),
        ("10月底前", "10月底前"),
        ("年底前", "12月31日前"),
        ("截止6月30日", "6月30日前"),
        ("2023年12月31日前", "2023年12月31日前"),
        ("第三季度前", "9月30日前"),
        ("3个工作日内", "3个工作日内"),
        ("三个工作日内", "3个工作日内"),
        ("30天以内", "30天内"),
    ],
)
def test_deadline_targets_are_read_as_on_or_before(text, described):
    assert parse_deadline(text).describe() == described


@pytest.mark.parametrize("text", ["≥90%", "12次", "按计划完成", "每月一次", "5天", "2024年"])
def test_other_targets_are_not_deadlines(text):
    assert parse_deadline(text) is None


def test_a_day_of_every_month_is_not_a_duration_of_that_many_days():
    """'每月10日之前' (the 10th of each month, a demo 时效 row) was read as '10天内'."""
    assert parse_deadline("每月10日之前", timeliness=True) is None
    assert parse_deadline("10日内", timeliness=True).describe() == "10天内"


def test_a_bare_month_is_a_deadline_in_a_timeliness_group_only():
    assert parse_deadline("12月") is None
    assert parse_deadline("12月", timeliness=True).month == 12


@pytest.mark.parametrize(
    ("target", "actual", "met"),
    [
        ("9月前", "8月25日完成", True),
        ("9月前", "9月", True),
        ("9月前", "10月", False),
        ("10月底前", "2023年10月31日", True),
        ("截止6月30日", "7月2日", False),
        ("年底前", "按时完成", True),
        ("年底前", "延期完成", False),
        ("年底前", "未完成", False),
        ("3个工作日内", "2个工作日", True),
        ("3个工作日内", "5个工作日", False),
        ("3个工作日内", "3", True),
        ("1周内", "5天", True),
        ("年底前", "已完成", True),
    ],
)
def test_a_result_meets_a_deadline_when_on_or_before_it(target, actual, met):
    assert read_completion(actual, parse_deadline(target)).met is met


def test_a_result_without_a_time_is_unread():
    assert read_completion("效果良好", parse_deadline("年底前")).met is None
    assert read_completion("11次", parse_deadline("5天以内")).met is None


def test_a_done_result_without_a_time_counts_as_met_with_a_warning():
    assert "未写完成时间" in read_completion("已完成", parse_deadline("年底前")).warning


def test_durations_in_units_that_do_not_convert_are_refused():
    with pytest.raises(ScoringError, match="无法比较"):
        read_completion("2天", parse_deadline("3个工作日内"))
