"""What a 101号 indicator row records about its values: one vocabulary each, optional unless the framework asks."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from scoring.engine import ScoringError, entry_from_dict, framework_from_dict, load_json, metadata, score_input
from scoring.engine.inputs import IndicatorEntry

ROOT = Path(__file__).resolve().parents[2]
D = Decimal


def raw(code: str) -> dict:
    return yaml.safe_load((ROOT / "fixtures" / "frameworks" / f"{code}.yaml").read_text(encoding="utf-8"))


def test_the_four_vocabularies_have_the_101_terms():
    assert [label for _, label in metadata.TARGET_BASIS.choices()] == [
        "计划标准",
        "行业标准",
        "历史标准（近三年平均）",
        "历史标准（上年值）",
        "历史标准（历史极值）",
        "预算支出标准",
        "其他",
    ]
    assert [label for _, label in metadata.ACTUAL_METHOD.choices()] == [
        "直接证明法",
        "情况统计法",
        "情况说明法",
        "问卷调查法",
        "趋势判断法",
    ]
    sources = [label for _, label in metadata.DATA_SOURCE.choices()]
    assert len(sources) == 9 and sources[0] == "统计部门统计数据" and sources[-2:] == ["媒体舆论", "其他"]
    assert [label for _, label in metadata.EVIDENCE.choices()] == ["正式资料", "工作资料", "原始凭证", "说明材料"]


def test_codes_are_unique_within_each_vocabulary():
    for vocab in metadata.VOCABULARIES.values():
        codes = [code for code, _ in vocab.choices()]
        assert len(codes) == len(set(codes))


def test_a_row_takes_codes_labels_or_the_names_written_in_tables():
    entry = entry_from_dict(
        {
            "name": "培训人次",
            "weight": 10,
            "指标值设定依据": "历史标准（上年值）",
            "完成值取值方式": "情况统计法",
            "data_source": "business_records",
            "佐证资料": "正式资料、原始凭证",
        },
        parent="quantity",
    )
    assert entry.target_basis == "history_last_year"
    assert entry.actual_method == "statistics"
    assert entry.data_source == "business_records"
    assert entry.evidence == ("formal", "vouchers")
    assert metadata.describe(entry) == {
        "target_basis": "历史标准（上年值）",
        "actual_method": "情况统计法",
        "data_source": "部门业务记录",
        "evidence": "正式资料、原始凭证",
    }


def test_evidence_may_be_a_list_and_repeats_are_dropped():
    entry = entry_from_dict({"name": "x", "weight": 1, "evidence": ["working", "工作资料", "说明材料"]}, parent="q")
    assert entry.evidence == ("working", "statement")


def test_a_value_outside_the_vocabulary_is_refused_in_chinese():
    with pytest.raises(ScoringError, match="数据来源“网上搜索”不在可选范围内"):
        entry_from_dict({"name": "x", "weight": 1, "data_source": "网上搜索"}, parent="quantity")


def test_project_completed_must_be_true_or_false():
    with pytest.raises(ScoringError, match="项目是否完成应为 true 或 false"):
        entry_from_dict({"project_completed": "是"}, code="budget_execution")


def _input(rows):
    return load_json(
        json.dumps(
            {
                "framework": "strict",
                "facts": {"budget_full_year": 100, "spending_actual": 100},
                "entries": {"预算执行率": {"project_completed": True}, "数量": rows},
            },
            ensure_ascii=False,
        )
    )


def strict():
    data = raw("mof-2021-core")
    data.update(code="strict", required_metadata=["target_basis", "数据来源"])
    return framework_from_dict(data)


def test_a_framework_that_requires_metadata_finds_rows_without_it():
    framework = strict()
    assert framework.layout.required_metadata == ("target_basis", "data_source")
    rows = [
        {"name": "培训人次", "weight": 50, "answer": True, "target_basis": "plan"},
        {"name": "培训天数", "weight": 0, "answer": True, "target_basis": "plan", "data_source": "other"},
    ]
    sheet, findings = score_input(_input(rows), {"strict": framework})
    missing = [finding for finding in findings if finding.code == "metadata_missing"]
    assert [(f.severity, f.message) for f in missing] == [("error", "“培训人次”未填写：数据来源")]
    assert sheet.line("培训人次").points == 50  # the score does not depend on it


def test_without_the_requirement_no_finding_is_made():
    data = _input([{"name": "培训人次", "weight": 50, "answer": True}])
    data["framework"] = "mof-2021-core"
    _, findings = score_input(data, {"mof-2021-core": framework_from_dict(raw("mof-2021-core"))})
    assert not [finding for finding in findings if finding.code == "metadata_missing"]


def test_history_based_targets_are_suggested_from_earlier_years():
    history = {2021: D("80"), 2022: D("90"), 2023: D("85"), 2024: D("99")}
    found = {s.basis: (s.value, s.text) for s in metadata.suggest_targets(history, 2024)}
    assert found["history_last_year"] == (D("85"), "2023年实际完成值")
    assert found["history_average"][0] == D("85")  # (80 + 90 + 85) ÷ 3; 2024 itself is not history
    assert found["history_extreme"] == (D("90"), "历年最好值（2022年）")
    lower = {s.basis: s.value for s in metadata.suggest_targets(history, 2024, "<=")}
    assert lower["history_extreme"] == D("80")


def test_no_average_is_suggested_without_three_years():
    found = [s.basis for s in metadata.suggest_targets({2022: D(5), 2023: D(6)}, 2024)]
    assert found == ["history_last_year", "history_extreme"]
    assert metadata.suggest_targets({}, 2024) == []
    assert [s.basis for s in metadata.suggest_targets({2021: D(1), 2022: D(2)}, 2024, "=")] == []


# --- each refusal and reading in full --------------------------------------------------------------------------------


def test_a_value_outside_the_vocabulary_is_refused_at_its_row_field_listing_every_choice():
    with pytest.raises(ScoringError) as refused:
        entry_from_dict({"name": "x", "weight": 1, "data_source": "网上搜索"}, parent="quantity")
    assert (refused.value.message, refused.value.field) == (
        "数据来源“网上搜索”不在可选范围内，可选：统计部门统计数据、权威机构调查、部门统计年鉴、部门业务统计、"
        "部门业务记录、部门业务评判、问卷调查报告、媒体舆论、其他",
        "quantity.data_source",
    )
    with pytest.raises(ScoringError) as refused:
        entry_from_dict({"name": "x", "weight": 1, "指标值设定依据": " 历史标准 "}, parent="quantity")
    assert (refused.value.message, refused.value.field) == (
        "指标值设定依据“历史标准”不在可选范围内，可选：计划标准、行业标准、历史标准（近三年平均）、"
        "历史标准（上年值）、历史标准（历史极值）、预算支出标准、其他",
        "quantity.指标值设定依据",  # the key as written in the row
    )
    with pytest.raises(ScoringError) as refused:
        entry_from_dict({"name": "x", "weight": 1, "evidence": ["正式资料", "照片"]}, code="budget_execution")
    assert (refused.value.message, refused.value.field) == (
        "佐证资料“照片”不在可选范围内，可选：正式资料、工作资料、原始凭证、说明材料",
        "budget_execution.evidence",
    )


def test_evidence_written_as_text_is_split_at_every_separator_people_use():
    written = " 正式资料，工作资料;说明材料/原始凭证；formal,working、 "
    assert metadata.normalise("evidence", written, where="x") == ("formal", "working", "statement", "vouchers")
    assert metadata.normalise("data_source", " 媒体舆论 ", where="x") == "media"


def test_a_stored_code_no_longer_in_a_vocabulary_is_shown_as_stored():
    assert (metadata.EVIDENCE.label_of("photos"), metadata.TARGET_BASIS.label_of("plan")) == ("photos", "计划标准")
    assert metadata.TARGET_BASIS.label_of("history_extreme") == "历史标准（历史极值）"


def test_each_row_without_a_required_field_is_one_finding_naming_the_fields_to_fill():
    rows = [
        IndicatorEntry(parent="quantity", weight=D(1)),  # unnamed: called 三级指标
        IndicatorEntry(code="budget_execution"),  # the framework's own indicator: never asked
        IndicatorEntry(parent="quality", name="合格率", evidence=("formal",)),
        IndicatorEntry(parent="quality", name="返修率", data_source="media", evidence=("formal",)),
    ]
    found = metadata.findings(("data_source", "evidence"), rows)
    assert [(f.code, f.severity, f.fields, f.message) for f in found] == [
        (
            "metadata_missing",
            "error",
            ("quantity.三级指标.data_source", "quantity.三级指标.evidence"),
            "“三级指标”未填写：数据来源、佐证资料",
        ),
        ("metadata_missing", "error", ("quality.合格率.data_source",), "“合格率”未填写：数据来源"),
    ]
    assert metadata.findings((), rows) == []
    assert metadata.missing_metadata(IndicatorEntry(), ["evidence", "target_basis"]) == ["佐证资料", "指标值设定依据"]
    assert metadata.describe(IndicatorEntry()) == {}


def test_every_suggestion_from_history_is_given_with_its_value_and_where_it_comes_from():
    history = {2020: None, 2021: D(80), 2022: D(90), 2023: D(85), 2024: D(99)}
    assert [(s.basis, s.value, s.text) for s in metadata.suggest_targets(history, 2024)] == [
        ("history_last_year", D(85), "2023年实际完成值"),
        ("history_average", D(85), "2021—2023年实际完成值的平均"),
        ("history_extreme", D(90), "历年最好值（2022年）"),
    ]


@pytest.mark.parametrize(
    ("history", "comparator", "best"),
    [
        ({2021: D(5), 2022: D(5), 2023: D(3)}, ">=", (D(5), "历年最好值（2021年）")),
        ({2021: D(3), 2022: D(3), 2023: D(5)}, "<=", (D(3), "历年最好值（2021年）")),
    ],
)
def test_a_best_value_reached_in_several_years_is_dated_by_the_first(history, comparator, best):
    extreme = metadata.suggest_targets(history, 2024, comparator)[-1]
    assert (extreme.basis, extreme.value, extreme.text) == ("history_extreme", *best)
