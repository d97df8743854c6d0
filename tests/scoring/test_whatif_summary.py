"""The summary of many what-if comparisons as a finance bureau reads it, in full: counts, grade changes, the mean
change with its range, the indicators that move most and the inputs most often lacking."""

from decimal import Decimal

from scoring.engine.whatif import compare, summarise
from tests.scoring.test_whatif import MOF2020, MOF2021, project

D = Decimal


def test_the_summary_of_three_projects_reads_in_full():
    comparisons = []
    for completed, satisfaction in ((False, "85%"), (True, "95%"), (None, "85%")):
        facts, entries = project(completed=completed, satisfaction=satisfaction, cost=False)
        comparisons.append(compare(MOF2020, MOF2021, facts, entries))
    summary = summarise(comparisons)
    assert summary.render_text().splitlines() == [
        "共 3 份，其中 2 份两套体系均可算出总分",
        "等次改变 2 份，不变 0 份",
        "  良 → 中：2 份",
        "总分平均变化 -16.97（最低 -19.19，最高 -14.75）",
        "变化最大的指标（平均变化）：",
        "  数量指标：-3.81（12 项）",
        "  预算执行率：-1.00（2 项）",
        "  服务对象满意度指标：-0.96（3 项）",
        "  社会效益指标：+0.00（6 项）",
        "  质量指标：+0.00（3 项）",
        "对比体系需要而数据中缺少的：",
        "  预算执行率：项目是否完成：1 份",
    ]
    assert summary.to_dict() == {
        "count": 3,
        "compared": 2,
        "changed": 2,
        "unchanged": 0,
        "grade_changes": [{"from": "良", "to": "中", "count": 2}],
        "mean_difference": "-16.97",
        "lowest": "-19.19",
        "highest": "-14.75",
        "shifts": [
            {"name": "数量指标", "count": 12, "mean": "-3.8125", "mean_abs": "3.8125"},
            {"name": "预算执行率", "count": 2, "mean": "-1.00", "mean_abs": "1.50"},
            {"name": "服务对象满意度指标", "count": 3, "mean": "-0.96", "mean_abs": "0.96"},
            {"name": "社会效益指标", "count": 6, "mean": "0.00", "mean_abs": "0.00"},
            {"name": "质量指标", "count": 3, "mean": "0.00", "mean_abs": "0.00"},
        ],
        "lacking": {"预算执行率：项目是否完成": 1},
    }


def test_the_summary_of_nothing_says_so():
    summary = summarise([])
    assert summary.render_text() == "共 0 份，其中 0 份两套体系均可算出总分\n等次改变 0 份，不变 0 份"
    assert (summary.mean_difference, summary.lowest, summary.highest, summary.shifts) == (None, None, None, [])
