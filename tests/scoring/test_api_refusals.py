"""An input file the engine cannot read is refused with a Chinese message that says what is wrong and the field to
correct: every refusal of ``score_input`` and ``load_json``, one by one."""

from decimal import Decimal

import pytest

from scoring.engine import ScoringError, load_json, score_input
from tests.scoring.test_golden_seeds import frameworks

BASE = {"framework": "mof-2020-selfeval"}
FRAMEWORK_CODES = (
    "futian-common-2021、guangdong-overall、hunan-overall、mof-2020-selfeval、mof-2021-core、selfeval-20-80"
)


def row(**fields) -> dict:
    return {"entries": {"数量": [{"name": "开展培训", "weight": 10, **fields}]}}


def refusal(data) -> tuple[str, str | None]:
    with pytest.raises(ScoringError) as refused:
        score_input(data, frameworks())
    return refused.value.message, refused.value.field


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        ([BASE], "评分输入应为一个 JSON 对象（{…}），不能是数组或单个值", None),
        ({}, "未指定指标体系（framework）", "framework"),
        ({"framework": "nope"}, f"指标体系“nope”不存在，可用：{FRAMEWORK_CODES}", "framework"),
        ({"framework": 5}, f"指标体系“5”不存在，可用：{FRAMEWORK_CODES}", "framework"),
        ({**BASE, "facts": [1]}, "数据项（facts）应为对象（键值表）", "facts"),
        ({**BASE, "facts": {"nope": 1}}, "未知的数据项“nope”（见词汇表）", "facts.nope"),
        ({**BASE, "entries": ["x"]}, "指标填报（entries）应为对象（键值表）", "entries"),
        ({**BASE, "entries": {"数量": ["x"]}}, "指标填报内容应为对象（键值表）", "quantity"),
        ({**BASE, **row(bogus=1)}, "无法识别的填报字段“bogus”", "quantity.bogus"),
        ({**BASE, **row(target_value=["≥1"])}, "填报字段“target_value”应为文字", "quantity.target_value"),
        ({**BASE, **row(target_value={"a": 1})}, "填报字段“target_value”应为文字", "quantity.target_value"),
        ({**BASE, **row(answers=["x"])}, "各子项结果（answers）应为对象（键值表）", "quantity.answers"),
        ({**BASE, **row(answers={"x": [1]})}, "子项结果应为是/否、选项代码或得分，收到的是 [1]", "quantity.answers.x"),
        ({**BASE, **row(answer={"x": 1})}, "子项结果应为是/否、选项代码或得分，收到的是 {'x': 1}", "quantity.answer"),
        ({**BASE, **row(answer=True, weight=True)}, "应为数字，收到的是 True", "quantity.weight"),
        ({**BASE, "stated": [1]}, "报告所列得分（stated、stated.items）应为对象（键值表）", "stated"),
        ({**BASE, "stated": {"items": [1]}}, "报告所列得分（stated、stated.items）应为对象（键值表）", "stated"),
        ({**BASE, "stated": {"rates": [1]}}, "报告所列比率（stated.rates）应为对象（键值表）", "stated.rates"),
        ({**BASE, "institutions": {"a": 1}}, "各机构数据（institutions）应为对象的列表", "institutions"),
        ({**BASE, "institutions": [1]}, "各机构数据（institutions）应为对象的列表", "institutions"),
    ],
)
def test_an_input_the_engine_cannot_read_is_refused_at_its_field(data, message, field):
    assert refusal(data) == (message, field)


def test_a_sub_item_answer_typed_as_a_number_is_read_as_a_partial_score_and_a_word_stays_a_word():
    from scoring.engine.api import entry_from_dict

    entry = entry_from_dict({"answers": {"a": "0.5", "b": "符合", "c": True, "d": 1}}, code="x")
    assert entry.answers == {"a": Decimal("0.5"), "b": "符合", "c": True, "d": Decimal(1)}
    assert [type(answer) for answer in entry.answers.values()] == [Decimal, str, bool, Decimal]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": }', "输入不是有效的 JSON：第 1 行第 7 列此处缺少值"),
        ("1" * 5000, "输入不是可处理的 JSON：数字过长或嵌套过深"),
        ("[" * 100000 + "]" * 100000, "输入不是可处理的 JSON：数字过长或嵌套过深"),
    ],
)
def test_a_file_that_is_no_json_the_engine_can_read_is_refused_saying_where_or_why(text, message):
    with pytest.raises(ScoringError) as refused:
        load_json(text)
    assert (refused.value.message, refused.value.field) == (message, None)
