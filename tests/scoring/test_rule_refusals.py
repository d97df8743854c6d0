"""A malformed rule in a framework file is refused when the framework is read, with the message its author reads and
the field to correct: every refusal of rule construction, one by one, and the bounds just inside them accepted.

Each rule is built inside its test (mutmut runs a mutant's tests in a process forked after a clean run: what was built
at import was built by the unmutated code; MUTATION.md, "How it runs")."""

from decimal import Decimal

import pytest

import scoring.engine.framework  # noqa: F401  (registers the 101号 kinds, as reading any framework does)
from scoring.engine import ScoringError
from scoring.engine.rules import build_rule

D = Decimal
RATE = {"label": "执行率", "numerator": "spending_actual", "denominator": "budget_full_year"}
TWO_BANDS = [{"min": 0, "max": "90%", "points": 1}, {"min": "90%", "points": 2}]
KINDS = (
    "bands、budget_execution、check、checklist、choice、composite、deadline、direct、excess_deduction、"
    "execution_completion、item_deduction、manual、proportional、qualitative、qualitative_2021、quantitative、"
    "quarterly_progress、ratio、satisfaction_bands、threshold_completion、weighted_satisfaction"
)


def refusal(kind: str, params: dict, weight=10) -> tuple[str, str | None]:
    with pytest.raises(ScoringError) as refused:
        build_rule(kind, D(weight), params, "item")
    return refused.value.message, refused.value.field


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        ("nope", {}, f"未知的评分规则类型“nope”，可用：{KINDS}"),
        ("ratio", {"rate": {"label": "执行率", "numerator": "spending_actual"}}, "比率缺少分子或分母"),
        ("ratio", {"rate": {**RATE, "numerator": []}}, "比率缺少分子或分母"),
        ("ratio", {"rate": {**RATE, "numerator": "nope"}}, "规则引用了词汇表中不存在的数据项：nope"),
        (
            "weighted_satisfaction",
            {"weights": {"satisfaction_recipients": "50%", "satisfaction_public": "40%"}},
            "加权满意度的权重之和应为 100%",
        ),
        ("bands", {"rate": RATE}, "分档规则缺少档位"),
        ("bands", {"rate": RATE, "bands": []}, "分档规则缺少档位"),
        ("bands", {"rate": RATE, "bands": [{"min": "10%", "points": 1}]}, "分档未覆盖最低值（应从 0 或负无穷开始）"),
        (
            "bands",
            {"rate": RATE, "bands": [{"min": "0%", "min_inclusive": False, "max": "90%", "points": 1}, TWO_BANDS[1]]},
            "分档未覆盖最低值（应从 0 或负无穷开始）",
        ),
        ("bands", {"rate": RATE, "bands": TWO_BANDS[:1]}, "分档未覆盖最高值（最后一档不应有上限）"),
        (
            "bands",
            {"rate": RATE, "bands": [TWO_BANDS[0], {"min": "80%", "points": 2}]},
            "分档“0%（含）至90%以下”与“80%及以上”之间有空缺或重叠",
        ),
        (
            "bands",
            {"rate": RATE, "bands": [{**TWO_BANDS[0], "max_inclusive": True}, TWO_BANDS[1]]},
            "分档“0%（含）至90%（含）”与“90%及以上”在边界上重叠或遗漏",
        ),
        ("bands", {"rate": RATE, "bands": [TWO_BANDS[0], {"min": "90%", "points": 11}]}, "档位得分 11 超出分值 10"),
        ("bands", {"rate": RATE, "bands": [{**TWO_BANDS[0], "points": -1}, TWO_BANDS[1]]}, "档位得分 -1 超出分值 10"),
        ("excess_deduction", {"rate": RATE}, "超额扣分规则缺少每个百分点的扣分（per_point 或 per_point_share）"),
        (
            "excess_deduction",
            {"rate": RATE, "per_point_share": "一成"},
            "“一成”不是数字：请只填写数字，可带“万元”或“%”",
        ),
        ("proportional", {"done": "projects_on_time"}, "完成比例规则需要 done 和 planned 两个数据项"),
        ("proportional", {"planned": "projects_planned"}, "完成比例规则需要 done 和 planned 两个数据项"),
        ("choice", {}, "单选规则缺少选项"),
        ("choice", {"options": [{"code": "a", "label": "甲", "points": 11}]}, "选项“甲”的得分超出分值"),
        ("choice", {"options": [{"code": "a", "label": "甲", "points": -1}]}, "选项“甲”的得分超出分值"),
        ("composite", {}, "组合指标缺少子项"),
        ("composite", {"parts": [{"label": "甲", "weight": 10}]}, "组合指标的每个子项都需要 code"),
        (
            "composite",
            {"parts": [{"code": "a", "weight": 4}, {"code": "b", "weight": 5}]},
            "子项分值之和 9 不等于指标分值 10",
        ),
        ("quarterly_progress", {"per_quarter": 1, "average_points": 1}, "季度执行率各部分分值之和应等于指标分值"),
        ("budget_execution", {"reason_below": "九成"}, "“九成”不是数字：请只填写数字，可带“万元”或“%”"),
        ("threshold_completion", {"threshold": "100%"}, "完成率门槛应在 0 至 100%（不含）之间"),
        ("threshold_completion", {"threshold": "-1%"}, "完成率门槛应在 0 至 100%（不含）之间"),
        ("execution_completion", {"bands": []}, "分档规则缺少档位"),
        ("execution_completion", {"bands": "80%"}, "分档规则缺少档位"),
        (
            "execution_completion",
            {"bands": [{"min": "80%", "share": "70%"}, {"min": "80%", "share": "50%"}, {"min": 0, "share": 0}]},
            "分档的下限重复",
        ),
        (
            "execution_completion",
            {"bands": [{"min": "80%", "share": "101%"}, {"min": 0, "share": 0}]},
            "档位得分比例应在 0 至 100% 之间",
        ),
        (
            "execution_completion",
            {"bands": [{"min": "80%", "share": "-1%"}, {"min": 0, "share": 0}]},
            "档位得分比例应在 0 至 100% 之间",
        ),
        (
            "execution_completion",
            {"bands": [{"min": "80%"}, {"min": 0, "share": 0}]},
            "档位得分比例应在 0 至 100% 之间",
        ),
        ("satisfaction_bands", {"bands": [{"min": "90%", "share": 1}]}, "分档未覆盖最低值（最低一档应从 0 开始）"),
        ("direct", {"per_item": "两分"}, "“两分”不是数字：请只填写数字，可带“万元”或“%”"),
    ],
)
def test_a_malformed_rule_is_refused_at_its_indicator(kind, params, message):
    assert refusal(kind, params) == (message, "item")


def test_a_sub_item_with_a_weight_that_is_no_number_is_refused_at_the_sub_item():
    params = {"parts": [{"code": "a", "weight": "五"}, {"code": "b", "weight": 5}]}
    assert refusal("composite", params) == ("“五”不是数字：请只填写数字，可带“万元”或“%”", "item.a")


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("threshold_completion", {"threshold": "0%"}),
        ("threshold_completion", {"threshold": "99.9%"}),
        ("execution_completion", {"bands": [{"min": "80%", "share": "100%"}, {"min": 0, "share": 0}]}),
        ("bands", {"rate": RATE, "bands": [{**TWO_BANDS[0], "points": 0}, {"min": "90%", "points": 10}]}),
        (
            "choice",
            {"options": [{"code": "a", "label": "甲", "points": 10}, {"code": "b", "label": "乙", "points": 0}]},
        ),
        ("composite", {"parts": [{"code": "a", "weight": 5}, {"code": "b", "weight": 5}]}),
        ("quarterly_progress", {"per_quarter": 2, "average_points": 2}),
    ],
)
def test_a_rule_at_the_edge_of_what_is_allowed_is_accepted(kind, params):
    assert build_rule(kind, D(10), params, "item").weight == D(10)
