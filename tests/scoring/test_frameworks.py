"""The shipped frameworks load, and loading refuses what would make scores wrong."""

import copy
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from scoring.engine import ScoringError, framework_from_dict

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "fixtures" / "frameworks").glob("*.yaml"))


def raw(code: str) -> dict:
    return yaml.safe_load((ROOT / "fixtures" / "frameworks" / f"{code}.yaml").read_text(encoding="utf-8"))


def test_the_shipped_frameworks_are_these():
    assert [path.stem for path in FILES] == [
        "futian-common-2021",
        "guangdong-overall",
        "hunan-overall",
        "mof-2020-selfeval",
        "mof-2021-core",
        "selfeval-20-80",
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_each_shipped_framework_loads_with_its_file_name_as_code(path):
    framework = framework_from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert framework.code == path.stem
    assert framework.version == 1
    assert framework.rounding.places == 2
    assert framework.settings.execution_caps is False
    assert framework.settings.deviation_deduction is False
    assert sum(indicator.weight for indicator in framework.indicators) == Decimal(100)


def test_mof_level_one_weights_are_the_10hao_ones():
    framework = framework_from_dict(raw("mof-2020-selfeval"))
    assert {i.name: i.weight for i in framework.indicators} == {
        "预算执行率": 10,
        "产出指标": 50,
        "效益指标": 30,
        "满意度指标": 10,
    }


def test_hunan_calls_60_to_80_jiaocha():
    framework = framework_from_dict(raw("hunan-overall"))
    assert framework.grade(Decimal("79.99")) == "较差"
    assert framework.grade(Decimal(80)) == "良"
    assert [i.weight for i in framework.indicators] == [13, 61, 26]


def test_futian_weights_are_20_20_60():
    framework = framework_from_dict(raw("futian-common-2021"))
    assert [i.weight for i in framework.indicators] == [20, 20, 60]


def test_indicators_resolve_by_chinese_name_and_alias():
    framework = framework_from_dict(raw("mof-2020-selfeval"))
    assert framework.resolve("数量").code == "quantity"
    assert framework.resolve("数量指标").code == "quantity"
    with pytest.raises(ScoringError, match="没有指标"):
        framework.resolve("不存在")


def test_children_weights_that_do_not_sum_to_the_parent_are_refused():
    data = raw("futian-common-2021")
    data["indicators"][0]["children"][0]["children"][0]["weight"] = 4
    with pytest.raises(ScoringError, match="下级指标分值之和为 9，应为 10"):
        framework_from_dict(data)


def test_a_total_other_than_100_is_refused():
    data = raw("hunan-overall")
    data["indicators"][0]["weight"] = 14
    data["indicators"][0]["children"][0]["weight"] = 7
    data["indicators"][0]["children"][0]["children"][0]["weight"] = 4
    with pytest.raises(ScoringError, match="一级指标分值之和为 101"):
        framework_from_dict(data)


def test_a_fact_outside_the_vocabulary_is_refused():
    data = copy.deepcopy(raw("futian-common-2021"))
    rule = data["indicators"][1]["children"][2]["children"][1]["rule"]
    rule["rate"]["numerator"] = "fixed_assets_in_service"
    with pytest.raises(ScoringError, match="词汇表中不存在的数据项：fixed_assets_in_service"):
        framework_from_dict(data)


def test_an_unknown_rule_kind_is_refused():
    data = raw("futian-common-2021")
    data["indicators"][0]["children"][0]["children"][0]["rule"] = {"kind": "magic"}
    with pytest.raises(ScoringError, match="未知的评分规则类型“magic”"):
        framework_from_dict(data)


def test_grade_bands_with_a_gap_are_refused():
    data = raw("futian-common-2021")
    data["grades"][1]["max"] = 89
    with pytest.raises(ScoringError, match="等次"):
        framework_from_dict(data)


def test_duplicate_indicator_codes_are_refused():
    data = raw("futian-common-2021")
    data["indicators"][0]["children"][0]["children"][1]["code"] = "budget_compliance"
    with pytest.raises(ScoringError, match="重复"):
        framework_from_dict(data)


def test_a_leaf_without_a_rule_is_refused():
    data = raw("futian-common-2021")
    del data["indicators"][0]["children"][0]["children"][0]["rule"]
    with pytest.raises(ScoringError, match="缺少评分规则"):
        framework_from_dict(data)


def test_the_error_carries_the_framework_code():
    data = raw("futian-common-2021")
    data["indicators"][0]["children"][0]["children"][0]["rule"] = {"kind": "magic"}
    with pytest.raises(ScoringError) as error:
        framework_from_dict(data)
    assert error.value.code == "futian-common-2021"
    assert error.value.field == "budget_compliance"
