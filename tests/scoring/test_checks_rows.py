"""The checks of a 10号 row's own texts, each with the complete finding a finance user reads: a result that restates
its target, full marks without values, '完成' without full marks, a comparator against the row's 指标性质 or its
group, and a satisfaction share its survey could not give."""

from decimal import Decimal

import pytest

from scoring.engine import IndicatorEntry, run_checks, score
from tests.scoring.test_golden_seeds import frameworks

D = Decimal
# Findings about the sheet as a whole (one row cannot fill it): not what these tests are about.
SHEET_WIDE = {"weights_mismatch", "weights_incomplete", "weights_exceed_cap", "structure_incomplete"}


def row_findings(group: str, **fields) -> list[tuple]:
    entry = IndicatorEntry(parent=group, name="行", weight=D(10), **fields)
    sheet = score(frameworks()["mof-2020-selfeval"], {}, [entry])
    found = run_checks({}, entries=[entry], sheet=sheet)
    return [(f.code, f.severity, f.fields, f.message) for f in found if f.code not in SHEET_WIDE]


def restated(code: str, text: str) -> list[tuple]:
    message = f"行：实际完成值“{text}”带有比较符或范围，像是照抄的指标值，应填写实际达到的数值"
    return [("actual_is_target", "warning", (code,), message)]


@pytest.mark.parametrize(
    ("group", "fields", "findings"),
    [
        ("quantity", {"target_value": "≥100", "actual_value": "≥100"}, restated("quantity.1", "≥100")),
        ("quantity", {"target_value": "≥260米", "actual_value": "260～270米"}, restated("quantity.1", "260～270米")),
        ("quantity", {"target_value": "≥260", "actual_value": "约266"}, restated("quantity.1", "约266")),
        (
            "quality",
            {"target_value": "不超过预算", "actual_value": "不超过预算", "score": D(10)},
            restated("quality.1", "不超过预算"),
        ),
        ("quality", {"target_value": "达到预期", "actual_value": "达到预期", "score": D(10)}, []),
        (
            "quality",
            {"score": D(10)},
            [
                (
                    "full_marks_without_values",
                    "error",
                    ("quality.1",),
                    "行：既无年度指标值也无实际完成值，却得满分 10.00",
                )
            ],
        ),
        (
            "quantity",
            {"target_value": "≤10次", "actual_value": "8", "direction": "正向"},
            [("direction_contradiction", "warning", ("quantity.1",), "行：指标性质为“正向”，指标值却写作“≤”")],
        ),
        (
            "quantity",
            {"target_value": "≤10次", "actual_value": "8"},
            [
                (
                    "direction_contradiction",
                    "warning",
                    ("quantity.1",),
                    "行：数量、满意度指标通常写作“≥”，这里写作“≤”（≤10次），请核对",
                )
            ],
        ),
        (
            "cost",
            {"target_value": "≥10万元", "actual_value": "12"},
            [
                (
                    "direction_contradiction",
                    "warning",
                    ("cost.1",),
                    "行：成本指标通常写作“≤”，这里写作“≥”（≥10万元），请核对",
                )
            ],
        ),
        (
            "recipient_satisfaction",
            {"target_value": "≥90%", "actual_value": "95.5%", "survey_responses": D(30)},
            [
                (
                    "satisfaction_without_survey",
                    "warning",
                    ("recipient_satisfaction.1",),
                    "行：满意度 95.5% 缺少满意问卷数",
                ),
                (
                    "satisfaction_impossible",
                    "error",
                    ("recipient_satisfaction.1",),
                    "行：满意度 95.5% 不可能来自 30 份有效问卷（任何满意份数 ÷ 30 都不等于这个百分数）",
                ),
            ],
        ),
    ],
)
def test_a_row_s_texts_are_checked_against_each_other(group, fields, findings):
    assert row_findings(group, reason="偏差原因", **fields) == findings


def test_done_written_on_a_row_without_full_marks_needs_a_reason():
    assert row_findings("quantity", target_value="≥100", actual_value="95（已完成）") == [
        (
            "done_without_full_marks",
            "warning",
            ("quantity.1",),
            "行：实际完成值写作“95（已完成）”，但得分 9.50 低于分值 10.00，需说明偏差原因",
        )
    ]
    assert row_findings("quantity", target_value="≥100", actual_value="95（已完成）", reason="原因") == []
