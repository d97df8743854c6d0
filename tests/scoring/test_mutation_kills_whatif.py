"""The what-if comparison as a reader gets it: the whole text (rules of both sides, a row with no place, a difference
that cannot be computed), a row-group map written with group names, and the refusal without a framework. Mutation
testing (make mutation) showed that no test would notice these going wrong."""

import copy

import pytest
import yaml

from scoring.engine import ScoringError, framework_from_dict
from scoring.engine.whatif import compare, compare_input
from tests.scoring.test_whatif import FRAMEWORKS, MOF2020, ROOT, example, project


def mof2021(**changes):
    data = copy.deepcopy(yaml.safe_load((ROOT / "fixtures/frameworks/mof-2021-core.yaml").read_text("utf-8")))
    data.update(changes)
    return data


def test_the_text_names_both_rules_the_rows_without_a_place_and_a_difference_it_cannot_compute():
    data = mof2021(code="no-map")
    del data["row_group_map"]
    facts, entries = project(completed=True)
    text = compare(MOF2020, framework_from_dict(data), facts, entries).render_text()
    lines = text.splitlines()
    assert lines[0] == "同一数据按两套指标体系评分（不改变任何已存数据）"
    row = lines.index(next(line for line in lines if line.startswith("  数量指标 / 完成95%：")))
    assert lines[row + 1].startswith("      基准［") and lines[row + 2].startswith("      对比［")
    [cost] = [line for line in lines if "项目成本：" in line]
    assert cost.endswith("对比 （无此指标），差额 —")
    assert (
        "\n\n对比体系中无对应位置、未计入的：\n  - 成本指标：项目成本\n  - 可持续影响指标：长效机制\n\n对比体系的提示：\n"
        in text
    )


def test_a_row_without_a_place_has_a_group_on_the_base_side_only():
    """A line the other framework cannot place has no other side: no line, and no group (None, as the base side of a
    line the base framework lacks), not an empty name."""
    data = mof2021(code="no-map")
    del data["row_group_map"]
    facts, entries = project(completed=True)
    result = compare(MOF2020, framework_from_dict(data), facts, entries)
    unplaced = [line for line in result.lines if line.other is None]
    assert [(line.name, line.base_group, line.other_group) for line in unplaced] == [
        ("项目成本", "成本指标", None),
        ("长效机制", "可持续影响指标", None),
    ]


def test_a_row_group_map_written_with_the_groups_names_places_the_rows():
    by_name = framework_from_dict(
        mof2021(code="by-name", row_group_map={"成本指标": "economic_cost", "可持续影响指标": "social"})
    )
    facts, entries = project(completed=True)
    result = compare(MOF2020, by_name, facts, entries)
    assert result.unplaced == []
    assert result.moved == ["成本指标 → 经济成本指标：项目成本", "可持续影响指标 → 社会效益指标：长效机制"]


def test_comparing_without_a_framework_is_refused_in_chinese():
    data = example("seed004-taojiang-2024")
    del data["framework"]
    with pytest.raises(ScoringError) as refused:
        compare_input(data, FRAMEWORKS, "mof-2021-core")
    assert (refused.value.message, refused.value.field) == ("未指定指标体系（framework）", "framework")
