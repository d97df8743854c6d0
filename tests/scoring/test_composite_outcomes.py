"""A composite indicator (Futian 政府采购执行情况: a rate part, a yes/no part, a choice part; 挪用资金 zeroes it) as a
finance user sees it: each part's points and explanation, the total, and what a missing or wrong answer does.

The framework is read inside each test (``one``): a composite's fixed parts are built when the rule is built, and
mutmut runs a mutant's tests in a process forked after a clean run (MUTATION.md, "How it runs")."""

from decimal import Decimal

import pytest

from scoring.engine import IndicatorEntry, ScoringError
from tests.scoring.test_rules import line, one

D = Decimal
NO_REASON = ["未得满分，需填写偏差原因分析及改进措施"]
PROCUREMENT = {
    "code": "procurement",
    "label": "政府采购执行率",
    "weight": 1,
    "kind": "ratio",
    "zero_above": "100%",
    "rate": {
        "label": "政府采购执行率",
        "key": "procurement_rate",
        "numerator": "procurement_actual",
        "denominator": "procurement_budget",
    },
}
DISCLOSURE = {
    "code": "disclosure",
    "label": "公开",
    "weight": 1,
    "options": [
        {"code": "full", "label": "完整公开", "points": 1},
        {"code": "partly", "label": "部分公开", "points": "0.5"},
        {"code": "none", "label": "未公开", "points": 0},
    ],
}
RULE = {
    "kind": "composite",
    "parts": [PROCUREMENT, {"code": "policy", "label": "落实政策功能", "weight": 1}, DISCLOSURE],
    "zero_if": [{"code": "misuse", "label": "挪用资金"}],
}
FACTS = {"procurement_actual": D("170.31"), "procurement_budget": D("172.22")}
RATE = D("170.31") / D("172.22")
RATE_TEXT = "政府采购执行率 = 170.31 ÷ 172.22 = 98.89% → 0.99 分"


def answered(**answers) -> IndicatorEntry:
    return IndicatorEntry(code="item", answers=answers)


def parts(got) -> list[tuple]:
    return [(part.code, part.label, part.weight, part.points, part.explanation) for part in got.parts]


@pytest.mark.parametrize(
    ("policy", "disclosure", "points", "policy_part", "disclosure_part", "warnings"),
    [
        (True, "full", "2.99", (D(1), "符合 → 1 分"), (D(1), "完整公开 → 1 分"), NO_REASON),
        (False, "部分公开", "1.49", (D(0), "不符合 → 0 分"), (D("0.5"), "部分公开 → 0.5 分"), NO_REASON),
        (
            D("0.5"),
            "none",
            "1.49",
            (D("0.5"), "酌情得 0.5 分 → 0.5 分"),
            (D(0), "未公开 → 0 分"),
            ["落实政策功能未得满分，需说明扣分原因", *NO_REASON],
        ),
        # A partial score equal to the weight is still a partial score, not 符合.
        (D(1), "full", "2.99", (D(1), "酌情得 1 分 → 1 分"), (D(1), "完整公开 → 1 分"), NO_REASON),
    ],
)
def test_a_composite_adds_its_parts_rounding_only_the_total(
    policy, disclosure, points, policy_part, disclosure_part, warnings
):
    got = line(one(RULE, weight=3), FACTS, answered(policy=policy, disclosure=disclosure))
    explanation = f"{RATE_TEXT}；落实政策功能：{policy_part[1]}；公开：{disclosure_part[1]}；合计 {points} 分"
    assert (got.points, got.band, got.explanation, got.missing, got.warnings) == (
        D(points),
        None,
        explanation,
        [],
        warnings,
    )
    assert parts(got) == [
        ("procurement", "政府采购执行率", D(1), RATE, RATE_TEXT),
        ("policy", "落实政策功能", D(1), *policy_part),
        ("disclosure", "公开", D(1), *disclosure_part),
    ]
    assert got.rates == {"procurement_rate": RATE}


def test_misuse_of_funds_zeroes_the_whole_indicator_and_only_when_answered_yes():
    framework = one(RULE, weight=3)
    misuse = line(framework, FACTS, answered(policy=True, disclosure="full", misuse=True))
    assert (misuse.points, misuse.band, misuse.explanation, parts(misuse)) == (
        D("0.00"),
        "挪用资金",
        "存在“挪用资金”，本项得 0 分 → 0 分",
        [],
    )
    clean = line(framework, FACTS, answered(policy=True, disclosure="full", misuse=False))
    assert clean.points == D("2.99")


def test_a_part_without_its_input_leaves_the_composite_unscored_naming_what_is_missing():
    framework = one(RULE, weight=3)
    no_facts = line(framework, {}, answered(policy=True, disclosure="full"))
    missing = ["政府采购金额·本年决算数", "政府采购金额·本年预算数"]
    assert (no_facts.points, no_facts.explanation, no_facts.missing) == (
        None,
        "政府采购执行率：缺少" + "、".join(missing) + "；落实政策功能：符合 → 1 分；公开：完整公开 → 1 分",
        missing,
    )
    no_answer = line(framework, FACTS, answered(disclosure="full"))
    assert (no_answer.points, no_answer.explanation, no_answer.missing) == (
        None,
        f"{RATE_TEXT}；落实政策功能：缺少：填报结果；公开：完整公开 → 1 分",
        ["填报结果"],
    )


def test_a_choice_not_offered_in_a_part_is_refused_at_the_part():
    with pytest.raises(ScoringError) as refused:
        line(one(RULE, weight=3), FACTS, answered(policy=True, disclosure="maybe"))
    assert (refused.value.message, refused.value.field) == (
        "选项“maybe”不存在，可选：full（完整公开）、partly（部分公开）、none（未公开）",
        "disclosure",
    )
