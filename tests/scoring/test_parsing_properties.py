"""Properties of the shared parsers over random input: units convert exactly, every comparator spelling reads the
same, and nothing a user can type makes the engine raise anything but its own ScoringError."""

import contextlib
import json
from decimal import Decimal
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.engine import ScoringError, framework_from_dict, load_json, score_input
from scoring.engine.api import parse_fact
from scoring.engine.numbers import (
    MONEY_UNITS,
    parse_amount,
    parse_comparator,
    parse_deadline,
    parse_target,
    read_amount,
    read_completion,
    read_target,
)
from scoring.engine.vocabulary import FACTS

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = {
    framework.code: framework
    for framework in (
        framework_from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))
        for path in sorted((ROOT / "fixtures" / "frameworks").glob("*.yaml"))
    )
}

amounts = st.decimals(min_value=0, max_value=Decimal("1E10"), places=4, allow_nan=False, allow_infinity=False)


@given(amounts, st.sampled_from(sorted(MONEY_UNITS)))
def test_any_amount_with_a_unit_suffix_converts_exactly(number, unit):
    converted = parse_amount(f"{number:f}{unit}")
    assert converted == number.scaleb(MONEY_UNITS[unit])
    assert converted * Decimal(10) ** -MONEY_UNITS[unit] == number  # nothing lost to rounding


@given(amounts, st.sampled_from(["元", "亿元"]))
def test_a_converted_amount_always_shows_its_conversion(number, unit):
    amount = read_amount(f"{number:f}{unit}")
    assert amount.note().startswith(f"{number.normalize():f}{unit} = ")


SPELLINGS = {
    ">=": (["≥", "≧", ">", "＞", ">=", "＞＝", "不低于", "不少于", "大于等于", "达到"], ["以上"]),
    "<=": (["≤", "≦", "<", "＜", "<=", "＜＝", "不高于", "不超过", "小于等于"], ["以下", "以内"]),
    "=": (["=", "＝", "═", "﹦"], []),
}
numbers = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def written_targets(draw):
    comparator = draw(st.sampled_from(sorted(SPELLINGS)))
    prefixes, suffixes = SPELLINGS[comparator]
    number = draw(numbers)
    unit = draw(st.sampled_from(["", "%", "次", "人", "个"]))
    spaced = draw(st.sampled_from(["", " "]))
    if suffixes and draw(st.booleans()):
        text = f"{number:f}{unit}{spaced}{draw(st.sampled_from(suffixes))}"
    else:
        text = f"{draw(st.sampled_from(prefixes))}{spaced}{number:f}{unit}"
    return comparator, number, unit == "%", text


@given(written_targets())
def test_any_comparator_spelling_parses_to_the_same_comparator(case):
    comparator, number, percent, text = case
    assert parse_comparator(text) == comparator
    assert parse_target(text) == (comparator, number, percent)


FIELDS_TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789.,-+%元万亿≥≤<>=＝年月日前底内工作天个第季度截止按时未完成 ", max_size=20),
    st.sampled_from(["1e400", "NaN", "-0", "１２３", "9" * 40, "0." + "0" * 30 + "1", "13月前", "2月30日前"]),
)


@given(FIELDS_TEXT)
@settings(max_examples=300)
def test_no_text_makes_a_parser_raise_anything_but_scoring_error(text):
    for call in (
        lambda: parse_amount(text),
        lambda: read_target(text),
        lambda: parse_comparator(text),
        lambda: parse_deadline(text, timeliness=True),
    ):
        with contextlib.suppress(ScoringError):
            call()
    deadline = parse_deadline("年底前")
    for target in (deadline, parse_deadline("3个工作日内")):
        with contextlib.suppress(ScoringError):
            read_completion(text, target)


@given(st.sampled_from(sorted(FACTS)), FIELDS_TEXT)
@settings(max_examples=300)
def test_no_text_in_a_fact_raises_anything_but_scoring_error(name, text):
    with contextlib.suppress(ScoringError):
        parse_fact(name, text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | FIELDS_TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(FIELDS_TEXT, children, max_size=3),
    max_leaves=8,
)
ROW_KEYS = ["name", "weight", "kind", "target_value", "actual_value", "comparator", "direction", "outcome", "score"]
ROW_KEYS += ["reason", "stated_score", "survey_responses", "survey_satisfied", "target", "actual"]


PLAUSIBLE = {
    "name": st.sampled_from(["培训人次", "合格率", "完成时间"]),
    "weight": st.sampled_from([10, 20, "10", "5.5"]),
    "kind": st.sampled_from(["quantitative", "qualitative", "deadline"]),
    "target_value": st.sampled_from(["≥90%", "≦5天", "9月前", "3个工作日内", "≤50万元", "12次", "年底前"]),
    "actual_value": st.sampled_from(["95%", "4天", "8月完成", "2个工作日", "480000元", "按时完成", "≥266米"]),
    "comparator": st.sampled_from(["≧", "不超过", "=", ">"]),
    "direction": st.sampled_from(["正向", "反向"]),
    "outcome": st.sampled_from(["达成预期指标", "部分达成", "未达成"]),
    "score": st.sampled_from([0, 5, 8, 10]),
    "stated_score": st.sampled_from([0, 10, 20]),
    "survey_responses": st.sampled_from([0, 7, 30]),
    "survey_satisfied": st.sampled_from([0, 6, 29]),
}


@st.composite
def inputs(draw):
    framework = draw(st.sampled_from(["mof-2020-selfeval", "mof-2020-selfeval", *sorted(FRAMEWORKS)]))
    fact_value = st.one_of(FIELDS_TEXT, st.integers(), st.sampled_from(["100", "166300元", "96%", "0", "0.5亿元"]))
    facts = draw(st.dictionaries(st.sampled_from(sorted(FACTS)), fact_value, max_size=6))
    row = st.fixed_dictionaries(
        {},
        optional={key: st.one_of(PLAUSIBLE[key], json_values) if key in PLAUSIBLE else json_values for key in ROW_KEYS},
    )
    rows = draw(st.lists(row, max_size=3))
    groups = [spec.name for spec in FRAMEWORKS[framework].walk() if spec.unit_rows] or ["预算执行率"]
    data = {"framework": framework, "facts": facts, "entries": {draw(st.sampled_from(groups)): rows}}
    if draw(st.booleans()):
        data["stated"] = draw(json_values)
    if draw(st.booleans()):
        data["institutions"] = draw(json_values)
    return data


@given(inputs())
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_no_input_makes_score_input_raise_anything_but_scoring_error(data):
    try:
        sheet, _ = score_input(load_json(json.dumps(data, ensure_ascii=False)), FRAMEWORKS)
    except ScoringError:
        return
    sheet.render_text()
    sheet.to_dict()


@given(json_values)
def test_any_json_document_is_scored_or_refused_with_scoring_error(data):
    with contextlib.suppress(ScoringError):
        score_input(data, FRAMEWORKS)
