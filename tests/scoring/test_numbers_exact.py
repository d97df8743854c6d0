"""How numbers, amounts and times as users type them are read, and refused, in full: the exact value, the exact
explanation of a time limit met or missed, and every refusal with its Chinese message and field."""

from decimal import Decimal

import pytest

from scoring.engine import ScoringError
from scoring.engine.numbers import (
    fmt,
    fmt_bound,
    fmt_percent,
    parse_deadline,
    parse_number,
    parse_rate,
    quantize,
    read_amount,
    read_completion,
    show_points,
    to_decimal,
)

D = Decimal


def refusal(read, *args, **kwargs) -> tuple[str, str | None]:
    with pytest.raises(ScoringError) as refused:
        read(*args, **kwargs)
    return refused.value.message, refused.value.field


# --- a result against its time limit ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "limit", "met", "how", "warning"),
    [
        ("8月25日完成", "9月前", True, "实际 8月25日，按期完成", ""),
        ("9月30日完成", "9月前", True, "实际 9月30日，按期完成", ""),
        ("10月1日完成", "9月底前", False, "实际 10月1日，晚于时限", ""),
        ("9月完成", "9月底前", True, "实际 9月（实际只写到月份，按月末计），按期完成", ""),
        ("9月", "9月30日前", True, "实际 9月（实际只写到月份，按月末计），按期完成", ""),
        ("10月", "9月底前", False, "实际 10月，晚于时限", ""),
        ("十月完成", "九月底前", False, "实际 10月，晚于时限", ""),
        ("2个工作日", "3个工作日内", True, "实际 2个工作日，在时限内", ""),
        ("3个工作日", "3个工作日内", True, "实际 3个工作日，在时限内", ""),
        ("4个工作日", "3个工作日内", False, "实际 4个工作日，超出时限", ""),
        ("3", "3个工作日内", True, "实际 3个工作日，在时限内", ""),  # a bare number, in the limit's unit
        ("1周", "10天内", True, "实际 1周，在时限内", ""),  # weeks and days compare
        ("2周", "10天内", False, "实际 2周，超出时限", ""),
        ("按时完成", "9月前", True, "实际“按时完成”，按期完成", ""),
        ("提前完成", "3天内", True, "实际“提前完成”，按期完成", ""),
        ("延期完成", "9月前", False, "实际“延期完成”，未按期完成", ""),
        ("未完成", "9月前", False, "实际“未完成”，未按期完成", ""),
        (
            "已完成",
            "9月前",
            True,
            "实际“已完成”，按期完成计",
            "实际完成值未写完成时间，按期完成计，请补写完成时间",
        ),
    ],
)
def test_a_result_is_read_against_its_time_limit(actual, limit, met, how, warning):
    assert tuple(read_completion(actual, parse_deadline(limit))) == (met, how, warning)


@pytest.mark.parametrize("actual", ["正在推进", "完成但未验收", "11次", "", None])
def test_a_result_that_says_nothing_about_time_is_neither_met_nor_missed(actual):
    limit = "3天内" if actual == "11次" else "9月前"
    assert tuple(read_completion(actual, parse_deadline(limit))) == (None, "", "")


def test_hours_against_days_are_refused_as_not_comparable():
    assert refusal(read_completion, "2小时", parse_deadline("3天内")) == (
        "实际完成值“2小时”的单位（小时）与指标值“3天内”（天）不同，无法比较",
        None,
    )


# --- rates, amounts, numbers -----------------------------------------------------------------------------------------


def test_a_rate_is_a_percentage_or_a_fraction_never_a_bare_number_above_one():
    assert [parse_rate(value) for value in ("96%", D("0.96"), 1, "0")] == [D("0.96"), D("0.96"), D(1), D(0)]
    assert refusal(parse_rate, "96") == ("比率“96”应写作百分数（如 96%）或小数（如 0.96）", None)
    assert refusal(parse_rate, "1.01", field="execution_rate") == (
        "比率“1.01”应写作百分数（如 96%）或小数（如 0.96）",
        "execution_rate",
    )


@pytest.mark.parametrize(
    ("typed", "value", "written", "unit", "note"),
    [
        ("166300元", "16.63", "166300", "元", "166300元 = 16.63万元"),
        ("0.0041亿元", "41", "0.0041", "亿元", "0.0041亿元 = 41万元"),
        ("5千元", "0.5", "5", "千元", "5千元 = 0.5万元"),
        ("2百万元", "200", "2", "百万元", "2百万元 = 200万元"),
        ("3亿", "30000", "3", "亿", "3亿 = 30000万元"),
        ("16.63万", "16.63", "16.63", "万", ""),
        ("2,681.55万元", "2681.55", "2681.55", "万元", ""),
        ("16.63", "16.63", "16.63", "", ""),
        (D("16.63"), "16.63", "16.63", "", ""),
        (0, "0", "0", "", ""),
    ],
)
def test_an_amount_is_read_in_wan_yuan_whatever_unit_it_was_written_in(typed, value, written, unit, note):
    amount = read_amount(typed)
    assert (amount.value, amount.written, amount.unit, amount.note()) == (D(value), D(written), unit, note)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (None, "全年预算数应为金额（数字，可带“元”“万元”“亿元”），收到的是 None"),
        (True, "全年预算数应为金额（数字，可带“元”“万元”“亿元”），收到的是 True"),
        ([1], "全年预算数应为金额（数字，可带“元”“万元”“亿元”），收到的是 [1]"),
        ("abc元", "全年预算数“abc元”不是金额：请填写数字，可带“元”“万元”或“亿元”"),
        ("元", "全年预算数“元”不是金额：请填写数字，可带“元”“万元”或“亿元”"),
        ("5%", "全年预算数是金额，不能写作百分数（“5%”）"),
        ("-5万元", "全年预算数不能为负数（“-5万元”）"),
        (-5, "全年预算数不能为负数（“-5”）"),
        ("1e16", "全年预算数：“1e16”超出可处理的范围（整数部分最多 15 位）"),
        (10**16, "全年预算数：“10000000000000000”超出可处理的范围（整数部分最多 15 位）"),
        # Within range as written, beyond it once converted to 万元.
        ("100000000000亿元", "全年预算数：“100000000000亿元”超出可处理的范围（整数部分最多 15 位）"),
    ],
)
def test_an_amount_that_is_no_amount_is_refused_naming_the_figure(typed, message):
    assert refusal(read_amount, typed, field="budget_full_year", label="全年预算数") == (message, "budget_full_year")


def test_an_amount_without_a_label_is_named_by_its_field_or_as_an_amount():
    assert refusal(read_amount, "-5", field="budget_full_year") == (
        "budget_full_year不能为负数（“-5”）",
        "budget_full_year",
    )
    assert refusal(read_amount, "-5") == ("金额不能为负数（“-5”）", None)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (True, "应为数字，收到的是 True"),
        ([1], "应为数字，收到的是 [1]"),
        ("  ", "“  ”不是数字"),
        ("NaN", "“NaN”不是数字"),
        ("abc", "“abc”不是数字：请只填写数字，可带“万元”或“%”"),
        ("1e15", "“1e15”超出可处理的范围（整数部分最多 15 位）"),
        ("1e-13", "“1e-13”超出可处理的范围（整数部分最多 15 位）"),
    ],
)
def test_a_number_that_is_no_number_or_out_of_range_is_refused_quoting_it(typed, message):
    assert refusal(to_decimal, typed, field="answer") == (message, "answer")


def test_numbers_at_the_edge_of_the_range_are_read_exactly():
    assert to_decimal("999999999999999") == D("999999999999999")
    assert to_decimal("0.000000000001") == D("1E-12")
    assert to_decimal(0.5) == D("0.5")  # a float is read from its shortest text, never from its binary value
    assert parse_number("１２３，４５６．７８万元") == D("123456.78")
    assert (parse_number("49.52%"), parse_number("26人次")) == (D("49.52"), D(26))


def test_figures_are_shown_rounded_half_up_with_their_places():
    assert (fmt(None), fmt(D("2.005")), fmt(D("2.004")), fmt(D("1.5"), 0)) == ("—", "2.01", "2.00", "2")
    assert (quantize(D("0.125")), quantize(D("-0.125")), quantize(D("0.1249"))) == (D("0.13"), D("-0.13"), D("0.12"))
    assert (fmt_percent(None), fmt_percent(D("0.49515")), fmt_percent(D("0.5"), 0)) == ("—", "49.52%", "50%")
    assert (fmt_bound(D("0.055")), fmt_bound(D("0.9")), fmt_bound(D(1))) == ("5.5%", "90%", "100%")
    assert (show_points(D("1.50")), show_points(D(0)), show_points(D("0.70"))) == ("1.5", "0", "0.7")


def test_fmt_writes_the_fixed_point_text_of_the_rounded_figure_at_every_places():
    # fmt and fmt_percent write str() of the rounded Decimal: the same text as f"{…:f}" for 0–6 places, with zeros,
    # negative zero, tiny and large figures and whole numbers with a positive exponent.
    values = [D(text) for text in ("0", "-0", "0E+3", "1E+2", "123456789012345", "-0.0001", "1E-12", "0.5", "-2.5")]
    values += [D("9.999999"), D("0.0000005"), D("-0.0000005"), D("99.995"), D("96.97"), D("1") / D("3")]
    for value in values:
        for places in range(7):
            rounded = value.quantize(D(1).scaleb(-places), rounding="ROUND_HALF_UP")
            assert fmt(value, places) == f"{rounded:f}", (value, places)
            percent = (value * 100).quantize(D(1).scaleb(-places), rounding="ROUND_HALF_UP")
            assert fmt_percent(value, places) == f"{percent:f}%", (value, places)


def test_a_bare_result_too_large_for_the_engine_is_refused_quoting_it():
    limit = parse_deadline("3天内")
    assert refusal(read_completion, "100000000000000000000", limit) == (
        "“100000000000000000000”超出可处理的范围（整数部分最多 15 位）",
        None,
    )


def test_a_percentage_too_large_for_the_engine_is_refused_at_its_field():
    assert refusal(parse_rate, "1e20%", field="execution_rate") == (
        "“1e20%”超出可处理的范围（整数部分最多 15 位）",
        "execution_rate",
    )


@pytest.mark.parametrize(
    ("typed", "message"), [("abc%", "“abc%”不是数字：请只填写数字，可带“万元”或“%”"), ("%", "“%”不是数字")]
)
def test_a_percentage_that_is_no_number_is_refused_at_its_field(typed, message):
    assert refusal(parse_rate, typed, field="execution_rate") == (message, "execution_rate")
