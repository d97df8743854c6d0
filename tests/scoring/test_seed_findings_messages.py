"""Every finding of each seed report with the whole message a finance user reads, in order: the sums that do not add
up, the swings from the prior year, the stated scores and totals the rules do not give."""

from pathlib import Path

import pytest

from scoring.engine import load_json, score_input
from tests.scoring.test_golden_seeds import frameworks

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("example", "findings"),
    [
        (
            "seed001-zhuzhou-2022",
            [
                (
                    "project_sum",
                    "项目支出·本年预算数 38.00 ≠ 各项之和 58.00（业务工作经费·本年预算数 38.00 + 运行维护经费·本年预算数 0.00 + 专项资金·本年预算数 20.00）",
                ),
                (
                    "project_sum",
                    "项目支出·本年决算数 38.00 ≠ 各项之和 58.00（业务工作经费·本年决算数 38.00 + 运行维护经费·本年决算数 0.00 + 专项资金·本年决算数 20.00）",
                ),
                ("income_nature_sum", "按收入性质分合计 2681.55 ≠ 全年预算数 2707.46（等于全年执行数 2681.55）"),
                (
                    "spending_nature_budget_sum",
                    "按支出性质分合计 2681.55（基本支出 2609.57 + 项目支出 71.98）≠ 全年预算数 2707.46（等于全年执行数 2681.55）",
                ),
                ("year_swing", "公务接待费本年决算数 0.00 较上年决算数 0.16 变动 -100.00%，超过 30%，请说明原因"),
                (
                    "year_swing",
                    "水费、电费、差旅费本年决算数 12.80 较上年决算数 19.59 变动 -34.66%，超过 30%，请说明原因",
                ),
                ("year_swing", "会议费、培训费本年决算数 0.87 较上年决算数 2.00 变动 -56.50%，超过 30%，请说明原因"),
                ("year_swing", "项目支出本年决算数 38.00 较上年决算数 62.00 变动 -38.71%，超过 30%，请说明原因"),
                ("year_swing", "运行维护经费本年决算数 0.00 较上年决算数 62.00 变动 -100.00%，超过 30%，请说明原因"),
                ("stated_rate_imprecise", "财政供养人员控制率填报为 96%，应保留两位小数：96.15%"),
                (
                    "stated_score_mismatch",
                    "开展老干党支部学习活动：报告所列 6.00 分，按规则 5.50 分（报告给了满分，但未达到指标值，需说明偏差原因或调整得分）",
                ),
                ("satisfaction_without_survey", "老干服务满意度：满意度 100% 缺少有效问卷数、满意问卷数"),
                ("stated_total_mismatch", "报告所列总分 99.90，按规则计算 99.40，相差 -0.50"),
            ],
        ),
        (
            "seed003-futian-2021",
            [
                (
                    "stated_score_mismatch",
                    "政府采购执行情况：报告所列 2.00 分，按规则 1.99 分（报告给了满分，但未达到指标值，需说明偏差原因或调整得分）",
                ),
                ("stated_total_mismatch", "报告所列总分 96.98，按规则计算 96.97，相差 -0.01"),
            ],
        ),
        (
            "seed004-taojiang-2024",
            [
                ("procurement_over_budget", "政府采购决算数 4.20 超过预算数 1.40，需说明原因"),
                ("public_funds_over_budget", "公用经费决算数 17.67 超过预算数 4.55，需说明原因"),
                ("year_swing", "三公经费本年决算数 0.00 较上年决算数 0.49 变动 -100.00%，超过 30%，请说明原因"),
                ("year_swing", "公务接待费本年决算数 0.00 较上年决算数 0.49 变动 -100.00%，超过 30%，请说明原因"),
                ("year_swing", "公用经费本年决算数 17.67 较上年决算数 12.96 变动 36.34%，超过 30%，请说明原因"),
                (
                    "year_swing",
                    "水费、电费、差旅费本年决算数 8.34 较上年决算数 3.55 变动 134.93%，超过 30%，请说明原因",
                ),
                ("year_swing", "项目支出本年决算数 1.25 较上年决算数 5.80 变动 -78.45%，超过 30%，请说明原因"),
                ("year_swing", "业务工作经费本年决算数 1.25 较上年决算数 5.80 变动 -78.45%，超过 30%，请说明原因"),
                ("stated_score_mismatch", "职工群众满意度：报告所列 10.00 分，按规则 20.00 分"),
                ("satisfaction_without_survey", "职工群众满意度：满意度 96% 缺少有效问卷数、满意问卷数"),
                ("weights_mismatch", "“产出指标”下各三级指标分值之和为 40，应为 50"),
                (
                    "weights_exceed_cap",
                    "“满意度指标”下各三级指标分值之和为 20，应为 10，超过该部分的分值上限，须调整各三级指标分值",
                ),
                ("stated_total_not_backed", "报告所列总分 98.94 ≠ 所列各项得分之和 88.95"),
                ("stated_total_mismatch", "报告所列总分 98.94，按规则计算 98.95，相差 0.01"),
            ],
        ),
    ],
)
def test_each_seed_report_s_findings_read_exactly_so(example, findings):
    data = load_json((ROOT / "fixtures" / "examples" / f"{example}.json").read_text(encoding="utf-8"))
    _, found = score_input(data, frameworks())
    assert [(finding.code, finding.message) for finding in found] == findings
