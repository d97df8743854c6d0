"""What-if: the same data under two frameworks, paired line by line, nothing changed."""

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from scoring.engine import IndicatorEntry, ScoringError, framework_from_dict, load_json, score
from scoring.engine.cli import main
from scoring.engine.whatif import compare, compare_input

D = Decimal
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "fixtures" / "examples"
FRAMEWORKS = {
    path.stem: framework_from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))
    for path in sorted((ROOT / "fixtures" / "frameworks").glob("*.yaml"))
}
MOF2020, MOF2021 = FRAMEWORKS["mof-2020-selfeval"], FRAMEWORKS["mof-2021-core"]


def example(name: str) -> dict:
    return load_json((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def project(completed=None, satisfaction="85%", cost=True):
    """A 10号 project: 执行率 95 %, four completion rows, a 成本 row under 产出 (or, without ``cost``, a 质量 row of
    the same weight, so that the rows also fit the 101号 weights without 成本指标) and a sustainability row."""
    rows = [
        IndicatorEntry(parent="数量", name=f"完成{p}%", weight=D(10), target_value="≥100", actual_value=p, reason="r")
        for p in ("95", "80", "60", "55")
    ]
    rows += [
        IndicatorEntry(parent="成本", name="项目成本", weight=D(10), target_value="≤90万元", actual_value="90")
        if cost
        else IndicatorEntry(parent="质量", name="验收合格率", weight=D(10), target_value="≥100%", actual_value="100%"),
        IndicatorEntry(
            parent="社会效益", name="群众受益", weight=D(20), outcome="达成年度指标", score=D(18), reason="r"
        ),
        IndicatorEntry(parent="可持续影响", name="长效机制", weight=D(10), outcome="部分达成", score=D(7), reason="r"),
        IndicatorEntry(
            parent="服务对象满意度", name="满意度", weight=D(10), target_value="≥90%", actual_value=satisfaction
        ),
    ]
    execution = IndicatorEntry(code="budget_execution", project_completed=completed, reason="进度滞后")
    return {"budget_full_year": D(100), "spending_actual": D(95)}, [execution, *rows]


def test_each_row_has_both_scores_both_rules_and_the_difference():
    facts, entries = project(completed=False)
    result = compare(MOF2020, MOF2021, facts, entries)
    by_name = {line.name: line for line in result.lines}
    expected = {
        "完成95%": ("9.50", "8.75", "-0.75"),
        "完成80%": ("8.00", "5.00", "-3.00"),
        "完成60%": ("6.00", "0.00", "-6.00"),
        "完成55%": ("5.50", "0.00", "-5.50"),
        "预算执行率": ("9.50", "7", "-2.50"),
        "满意度": ("9.44", "8", "-1.44"),
    }
    for name, (base, other, difference) in expected.items():
        line = by_name[name]
        assert (line.base.points, line.other.points, line.difference) == (D(base), D(other), D(difference)), name
    line = by_name["完成95%"]
    assert line.base.kind_label == "定量指标" and line.other.kind_label == "定量（60%门槛）"
    assert "按（95.00% − 60%）÷（1 − 60%）× 10" in line.other.explanation
    assert "（95.00% − 60%）" not in line.base.explanation


def test_totals_grades_and_the_weights_each_framework_used():
    facts, entries = project(completed=False, cost=False)
    result = compare(MOF2020, MOF2021, facts, entries)
    assert result.base.total == D("82.94") and result.base.grade == "良"
    # 7 + (8.75 + 5 + 10) + (18 + 7) + 8 = 63.75: 产出 50, 效益 30, 满意度 10 are the 101号 weights without 成本指标
    assert result.other.total == D("63.75") and result.other.grade == "中"
    assert result.total_difference == D("-19.19") and result.grade_changed is True
    tops = {line.code: line for line in result.groups}
    assert tops["cost"].base is None and tops["cost"].other.weight == 0
    assert tops["output"].base.weight == 50 and tops["output"].other.weight == 50
    assert result.other.misfit == []


def test_rows_weighted_for_10hao_blocks_are_not_rescaled_to_the_101_blocks():
    """With a 成本 row the 101号 weights are 成本 20, 产出 40, 效益 20: the 10号 rows give 成本 10, 产出 40, 效益 30.
    效益 would give up to 30 points for a block of 20; the engine does not rescale the unit's weights, so the other
    sheet has every row scored but no total, and the blocks to re-weight are listed by name."""
    facts, entries = project(completed=False)
    result = compare(MOF2020, MOF2021, facts, entries)
    assert result.base.total == D("82.94")
    assert result.other.total is None and result.other.grade is None and result.grade_changed is None
    assert result.other.scored_total == D("63.75")  # every row is still scored, side by side
    assert result.other.misfit == [
        "成本指标：三级指标分值之和 10，应为 20",
        "效益指标：三级指标分值之和 30，应为 20",
    ]
    assert result.lacking == [
        "成本指标：三级指标分值之和 10，应为 20（须重新分配）",
        "效益指标：三级指标分值之和 30，应为 20（须重新分配）",
    ]


def test_rows_are_placed_by_the_other_frameworks_map_and_said_so():
    facts, entries = project(completed=True)
    result = compare(MOF2020, MOF2021, facts, entries)
    assert result.moved == ["成本指标 → 经济成本指标：项目成本", "可持续影响指标 → 社会效益指标：长效机制"]
    line = next(line for line in result.lines if line.name == "项目成本")
    assert (line.base_group, line.other_group) == ("成本指标", "经济成本指标")
    assert result.unplaced == []


def test_what_the_other_framework_needs_and_the_data_lacks_is_listed_by_name():
    facts, entries = project(completed=None, cost=False)
    result = compare(MOF2020, MOF2021, facts, entries)
    assert result.lacking == ["预算执行率：项目是否完成"]
    assert result.other.total is None and result.total_difference is None and result.grade_changed is None
    assert result.base.total is not None


def test_nothing_given_is_changed():
    facts, entries = project(completed=False)
    before = (dict(facts), list(entries))
    compare(MOF2020, MOF2021, facts, entries)
    assert (facts, entries) == before
    # the base sheet is exactly the one scoring alone gives
    alone = score(MOF2020, facts, entries)
    assert compare(MOF2020, MOF2021, facts, entries).base.to_dict() == alone.to_dict()


def test_the_reverse_direction_places_101_cost_rows_under_10hao_cost():
    result = compare_input(example("tangxi-2022-weituo-mof2021"), FRAMEWORKS, "mof-2020-selfeval")
    assert result.moved == ["经济成本指标 → 成本指标：项目总成本、单项业务成本"]
    assert result.base.total == D("100.00") and result.other.total == D("100.00")
    assert "“产出指标”下各三级指标分值之和为 60，应为 50" in result.other.warnings


def test_a_group_the_other_framework_has_no_place_for_is_listed_not_scored():
    data = copy.deepcopy(yaml.safe_load((ROOT / "fixtures/frameworks/mof-2021-core.yaml").read_text("utf-8")))
    data["code"] = "no-map"
    del data["row_group_map"]
    facts, entries = project(completed=True)
    result = compare(MOF2020, framework_from_dict(data), facts, entries)
    assert result.unplaced == ["成本指标：项目成本", "可持续影响指标：长效机制"]
    assert {line.name for line in result.lines if line.other is None} == {"项目成本", "长效机制"}


def test_required_metadata_of_the_other_framework_is_listed_as_lacking():
    data = yaml.safe_load((ROOT / "fixtures/frameworks/mof-2021-core.yaml").read_text("utf-8"))
    data.update(code="strict", required_metadata=["data_source"])
    facts, entries = project(completed=True)
    result = compare(MOF2020, framework_from_dict(data), facts, entries)
    assert "完成95%：数据来源" in result.lacking


def test_a_stated_score_belongs_to_the_base_sheet_only():
    result = compare_input(example("seed004-taojiang-2024"), FRAMEWORKS, "mof-2021-core")
    assert any("报告所列" in warning for warning in result.base.warnings)
    assert not any("报告所列" in warning for warning in result.other.warnings)


def test_seed_004_under_101_lacks_the_completion_of_the_project_and_row_weights_for_its_blocks():
    result = compare_input(example("seed004-taojiang-2024"), FRAMEWORKS, "mof-2021-core")
    assert result.lacking == [
        "预算执行率：项目是否完成",
        "成本指标：三级指标分值之和 10，应为 20（须重新分配）",
        "产出指标：三级指标分值之和 30，应为 40（须重新分配）",
        "效益指标：三级指标分值之和 30，应为 20（须重新分配）",
        "满意度指标：三级指标分值之和 20，应为 10（须重新分配）",
    ]
    assert result.base.total == D("98.95")
    assert result.other.scored_total == D("89.00")


def test_an_unknown_framework_is_refused():
    with pytest.raises(ScoringError, match="指标体系“nope”不存在"):
        compare_input(example("seed004-taojiang-2024"), FRAMEWORKS, "nope")


# --- the command line ------------------------------------------------------------------------------------------------


def _write(tmp_path, completed):
    facts, entries = project(completed=completed, cost=False)
    rows = {}
    for entry in entries[1:]:
        row = {"name": entry.name, "weight": str(entry.weight)}
        for key in ("target_value", "actual_value", "outcome", "reason"):
            if getattr(entry, key) is not None:
                row[key] = getattr(entry, key)
        if entry.score is not None:
            row["score"] = str(entry.score)
        rows.setdefault(entry.parent, []).append(row)
    data = {
        "framework": "mof-2020-selfeval",
        "facts": {name: str(value) for name, value in facts.items()},
        "entries": {"预算执行率": {"project_completed": completed, "reason": "进度滞后"}, **rows},
    }
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_compare_prints_the_comparison_as_text(tmp_path):
    code, out = main([_write(tmp_path, False), "--compare", "mof-2021-core"], FRAMEWORKS)
    assert code == 0
    assert "基准：财预〔2020〕10号绩效自评表（mof-2020-selfeval 第 1 版）" in out
    assert "  数量指标 / 完成95%：基准 9.50 / 10.00，对比 8.75 / 10.00，差额 -0.75" in out
    assert "总分：基准 82.94（良），对比 63.75（中）" in out
    assert "相差 -19.19，等次改变" in out
    assert "  - 可持续影响指标 → 社会效益指标：长效机制" in out


def test_compare_as_json(tmp_path):
    code, out = main([_write(tmp_path, None), "--compare", "mof-2021-core", "--format", "json"], FRAMEWORKS)
    payload = json.loads(out)
    assert code == 0
    assert list(payload) == [
        "base",
        "other",
        "total_difference",
        "grade_changed",
        "lacking",
        "moved",
        "unplaced",
        "groups",
        "lines",
    ]
    assert payload["base"]["total"] == "82.94" and payload["other"]["total"] is None
    assert payload["base"]["framework"] == {
        "code": "mof-2020-selfeval",
        "version": 1,
        "name": "财预〔2020〕10号绩效自评表",
    }
    assert payload["lacking"] == ["预算执行率：项目是否完成"]
    line = next(line for line in payload["lines"] if line["name"] == "完成80%")
    assert (line["base"]["points"], line["other"]["points"], line["difference"]) == ("8.00", "5.00", "-3.00")
    assert line["other"]["rule"] == "定量（60%门槛）"


def test_compare_prints_the_blocks_to_reweight_among_what_the_data_lacks(tmp_path):
    facts, entries = project(completed=True)
    data = {
        "framework": "mof-2020-selfeval",
        "facts": {name: str(value) for name, value in facts.items()},
        "entries": {"预算执行率": {"project_completed": True}, "成本": [{"name": "项目成本", "weight": 10}]},
    }
    for entry in entries[1:]:
        if entry.parent != "成本":
            data["entries"].setdefault(entry.parent, []).append({"name": entry.name, "weight": str(entry.weight)})
    path = tmp_path / "cost.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out = main([str(path), "--compare", "mof-2021-core"], FRAMEWORKS)
    assert code == 0
    assert "  - 效益指标：三级指标分值之和 30，应为 20（须重新分配）" in out
    assert "三级指标分值与本体系的一级指标分值不符" in out


def test_compare_with_an_unknown_framework_exits_2(tmp_path):
    code, out = main([_write(tmp_path, True), "--compare", "nope"], FRAMEWORKS)
    assert code == 2 and "指标体系“nope”不存在" in out


# --- a region-year: many comparisons summarised ----------------------------------------------------------------------


def test_a_summary_counts_grade_changes_and_ranks_the_indicators_that_move_most():
    from scoring.engine.whatif import summarise

    comparisons = []
    for completed, satisfaction in ((False, "85%"), (True, "95%"), (None, "85%")):
        facts, entries = project(completed=completed, satisfaction=satisfaction, cost=False)
        comparisons.append(compare(MOF2020, MOF2021, facts, entries))
    summary = summarise(comparisons)
    assert (summary.count, summary.compared) == (3, 2)
    # unfinished: 82.94 良 → 63.75 中; finished: 83.50 良 → 68.75 中 (10 for execution, 10 for satisfaction)
    assert summary.grade_changes == {("良", "中"): 2} and summary.unchanged == 0
    assert summary.mean_difference == D("-16.97")
    assert (summary.lowest, summary.highest) == (D("-19.19"), D("-14.75"))
    top = summary.shifts[0]
    # the four completion rows of the three projects: (−0.75 − 3 − 6 − 5.5) × 3 ÷ 12
    assert (top.name, top.count, top.mean) == ("数量指标", 12, D("-3.8125"))
    assert summary.lacking == {"预算执行率：项目是否完成": 1}
    text = summary.render_text()
    assert "等次改变 2 份，不变 0 份" in text and "  良 → 中：2 份" in text
    assert summary.to_dict()["grade_changes"] == [{"from": "良", "to": "中", "count": 2}]


def test_compare_as_text_lists_what_the_other_framework_needs_and_the_data_lacks(tmp_path):
    code, out = main([_write(tmp_path, None), "--compare", "mof-2021-core"], FRAMEWORKS)
    assert code == 0
    assert "\n\n对比体系需要而数据中缺少的：\n  - 预算执行率：项目是否完成\n" in out
