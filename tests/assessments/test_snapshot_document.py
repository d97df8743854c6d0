"""The frozen document of an assessment (what finalisation hashes and a return keeps) and the field-by-field diff
that shows a reviewer what changed since the return."""

import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile

from assessments.models import (
    EvaluationMember,
    Evidence,
    Institution,
    NarrativeSection,
    SpecialFund,
    canonical_json,
    document_sha256,
)
from assessments.selectors import assessment_data
from assessments.snapshots import assessment_document, document_diff, file_sha256

# --- the diff (plain documents) -------------------------------------------------------------------------------


def test_no_change_gives_no_lines_and_blank_equals_none():
    doc = {"facts": {"reception_budget": None, "note": ""}, "indicator_rows": [{"name": "甲", "weight": "5"}]}
    assert document_diff(doc, doc) == []
    assert (
        document_diff(doc, {"facts": {"reception_budget": "", "note": None}, "indicator_rows": doc["indicator_rows"]})
        == []
    )


def test_a_changed_value_is_named_by_section_and_field_label():
    old = {"facts": {"reception_budget": "0.50"}, "goal": {"planned": "甲"}}
    new = {"facts": {"reception_budget": "1.00"}, "goal": {"planned": "乙"}}
    assert document_diff(old, new) == [
        {"where": "年度总体目标·预期目标", "old": "甲", "new": "乙"},
        {"where": "基础数据·公务接待费·本年预算数", "old": "0.50", "new": "1.00"},
    ]


def test_a_value_filled_in_or_cleared_shows_empty_in_chinese():
    changes = document_diff({"facts": {"reception_budget": None}}, {"facts": {"reception_budget": "2"}})
    assert changes == [{"where": "基础数据·公务接待费·本年预算数", "old": "（空）", "new": "2"}]
    changes = document_diff({"unit": {"contact_person": "张三"}}, {"unit": {"contact_person": ""}})
    assert changes == [{"where": "基本情况·联系人", "old": "张三", "new": "（空）"}]


def test_rows_added_removed_and_changed_are_each_one_line():
    old = {"institutions": [{"name": "机关", "staff": 3}, {"name": "中心", "staff": 2}]}
    new = {"institutions": [{"name": "机关", "staff": 4}]}
    assert document_diff(old, new) == [
        {"where": "收支情况「机关」·staff", "old": "3", "new": "4"},
        {"where": "收支情况「中心」", "old": "存在", "new": "已删除"},
    ]
    assert document_diff(new, old)[-1] == {"where": "收支情况「中心」", "old": "（无此行）", "new": "新增"}


def test_a_row_without_a_name_is_shown_by_its_number_and_a_missing_section_as_empty():
    assert document_diff({}, {"special_funds": [{"budget": "1"}]}) == [
        {"where": "专项资金 第1行", "old": "（无此行）", "new": "新增"}
    ]
    assert document_diff({"staffing": {"staff_actual": 3}}, {}) == [
        {"where": "人员编制·实际在职人数", "old": "3", "new": "（空）"}
    ]


def test_a_projects_own_rows_are_compared_row_by_row():
    row = {"name": "完成率", "actual_value": "90%"}
    old = {"projects": [{"name": "项目甲", "indicator_rows": [row, {"name": "时效"}]}]}
    new = {
        "projects": [
            {"name": "项目甲", "indicator_rows": [row | {"actual_value": "95%"}, {"name": "时效"}, {"name": "新"}]}
        ]
    }
    changes = document_diff(old, new)
    assert changes[0]["where"].startswith("项目「项目甲」·自评表「完成率」·")
    assert (changes[0]["old"], changes[0]["new"]) == ("90%", "95%")
    assert changes[1:] == [{"where": "项目「项目甲」·自评表「新」", "old": "（无此行）", "new": "新增"}]
    removed = document_diff(new, old)
    assert removed[-1] == {"where": "项目「项目甲」·自评表「新」", "old": "存在", "new": "已删除"}
    assert len(removed) == 2


def test_a_projects_rows_appearing_where_there_were_none_are_new_rows():
    old = {"projects": [{"name": "项目甲"}]}
    new = {"projects": [{"name": "项目甲", "indicator_rows": [{"name": "完成率"}]}]}
    assert document_diff(old, new) == [{"where": "项目「项目甲」·自评表「完成率」", "old": "（无此行）", "new": "新增"}]
    assert document_diff(new, old) == [{"where": "项目「项目甲」·自评表「完成率」", "old": "存在", "new": "已删除"}]


def test_the_score_and_findings_are_left_out_of_the_diff():
    assert document_diff({"score": {"total": "90"}, "findings": [1]}, {"score": {"total": "80"}, "findings": []}) == []


# --- the hash -----------------------------------------------------------------------------------------------------


def test_the_hash_is_of_sorted_compact_utf8_json():
    document = {"b": "乙", "a": [1, {"d": 2, "c": 3}]}
    assert canonical_json(document) == '{"a":[1,{"c":3,"d":2}],"b":"乙"}'
    assert document_sha256(document) == hashlib.sha256('{"a":[1,{"c":3,"d":2}],"b":"乙"}'.encode()).hexdigest()


# --- the document of an assessment ------------------------------------------------------------------------------


def test_the_document_holds_what_the_unit_entered(assessment, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assessment.facts.reception_budget = Decimal("1.50")
    assessment.facts.save()
    assessment.goal_planned = "目标"
    assessment.save()
    Institution.objects.create(assessment=assessment, name="机关本级")
    SpecialFund.objects.create(assessment=assessment, name="专项一", prior=Decimal("1"), budget=Decimal("2.5"))
    NarrativeSection.objects.create(assessment=assessment, key="b", body="乙")
    NarrativeSection.objects.create(assessment=assessment, key="a", body="甲")
    EvaluationMember.objects.create(assessment=assessment, name="王五", title="组长")
    evidence = Evidence(assessment=assessment, original_name="证明.pdf", size=3, indicator_code="budget_execution")
    evidence.file.save("x.pdf", ContentFile(b"abc"), save=True)

    document = assessment_document(assessment_data(assessment), include_score=False)
    assert document["unit"] == {
        "code": "U-001",
        "name": "甲单位",
        "region": assessment.unit.region.full_name,
        "contact_person": assessment.unit.contact_person,
        "contact_phone": "0731-1234",
        "functions": assessment.unit.functions,
        "internal_structure": assessment.unit.internal_structure,
    }
    assert (document["year"], document["framework"]) == (2022, {"code": "mof-2020-selfeval", "version": 1})
    assert document["goal"] == {"planned": "目标", "achieved": ""}
    assert document["staffing"]["staff_quota"] == 26 and "unit" not in document["staffing"]
    assert document["facts"]["reception_budget"] == "1.50"
    assert "id" not in document["facts"] and "assessment" not in document["facts"]
    assert sorted(i["name"] for i in document["institutions"]) == ["机关本级", "甲单位（本级）"]
    assert document["special_funds"] == [{"name": "专项一", "prior": "1.00", "budget": "2.50", "actual": None}]
    narrative = document["narrative"]
    assert list(narrative) == sorted(narrative) and len(narrative) > 2  # every section, in key order
    assert (narrative["a"], narrative["b"]) == ("甲", "乙")
    assert [(m["name"], m["title"]) for m in document["evaluation_members"]] == [("王五", "组长")]
    assert document["evidence"] == [
        {
            "name": "证明.pdf",
            "size": 3,
            "sha256": hashlib.sha256(b"abc").hexdigest(),
            "indicator": "budget_execution",
            "section": "",
        }
    ]
    assert "score" not in document and "findings" not in document


def test_the_final_document_adds_the_score_and_the_findings(assessment):
    data = assessment_data(assessment)
    document = assessment_document(data)
    scored = data.scored()
    assert document["score"] == scored.sheet.to_dict()
    assert document["findings"] == [finding.to_dict() for finding in scored.findings]
    assert "project_framework" not in document


def test_a_missing_evidence_file_hashes_to_nothing(assessment, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evidence = Evidence(assessment=assessment, original_name="丢失.pdf", size=3)
    evidence.file.name = "nowhere/丢失.pdf"
    assert file_sha256(evidence) == ""
    assert file_sha256(Evidence(assessment=assessment, original_name="空", size=0)) == ""


def test_the_final_document_scores_each_project_on_its_own_rows(assessment):
    from assessments.models import IndicatorRow, Project
    from assessments.scores import project_framework_version, score_project
    from scoring.adapters import framework_spec

    first = Project.objects.create(assessment=assessment, position=1, name="项目甲")
    second = Project.objects.create(assessment=assessment, position=2, name="项目乙")
    for project, name in ((first, "甲的指标"), (second, "乙的指标")):
        IndicatorRow.objects.create(
            assessment=assessment, project=project, position=1, group_code="quantity", name=name, weight=Decimal(10)
        )
    data = assessment_data(assessment)
    document = assessment_document(data)
    version = project_framework_version(assessment)
    assert version is not None
    assert document["project_framework"] == {"code": version.framework.code, "version": version.version}
    assert [p["name"] for p in document["projects"]] == ["项目甲", "项目乙"]
    assert [[r["name"] for r in p["indicator_rows"]] for p in document["projects"]] == [["甲的指标"], ["乙的指标"]]
    assert document["projects"][0]["indicator_rows"][0]["weight"] == "10.00"
    spec = framework_spec(version)
    for project, entry in zip(data.projects, document["projects"], strict=True):
        rows = [row for row in data.rows if row.project_id == project.pk]
        assert entry["score"] == score_project(project, spec=spec, rows=rows).sheet.to_dict()
    assert document["projects"][0]["score"] != document["projects"][1]["score"]


def test_the_document_leaves_out_the_staffing_year_and_lists_no_rows_when_there_are_none(assessment):
    from assessments.models import IndicatorRow

    IndicatorRow.objects.filter(assessment=assessment).delete()
    document = assessment_document(assessment_data(assessment), include_score=False)
    assert document["indicator_rows"] == [] and document["projects"] == []
    assert "year" not in document["staffing"] and "id" not in document["staffing"]
    assert document["staffing"]["staff_actual"] == 25


def test_a_project_without_rows_is_in_the_final_document_with_no_rows_and_its_score(assessment):
    from assessments.models import Project
    from assessments.scores import project_framework_version, score_project
    from scoring.adapters import framework_spec

    created = Project.objects.create(assessment=assessment, position=1, name="项目甲")
    document = assessment_document(assessment_data(assessment))
    [project] = document["projects"]
    assert (project["name"], project["indicator_rows"]) == ("项目甲", [])
    spec = framework_spec(project_framework_version(assessment))
    assert project["score"] == score_project(created, spec=spec, rows=[]).sheet.to_dict()
    assert project["score"]["lines"]


def test_a_rows_check_answers_and_evidence_types_are_kept_as_stored(assessment):
    """The answers of a check row (a mapping) and its evidence types (a list) go into the frozen document value by
    value: the report and the diff read them from there."""
    from assessments.models import IndicatorRow

    row = IndicatorRow.objects.filter(assessment=assessment, project=None).order_by("position", "pk").first()
    row.answers = {"制度健全": True, "执行有效": False}
    row.evidence_types = ["formal", "vouchers"]
    row.save()
    document = assessment_document(assessment_data(assessment), include_score=False)
    [kept] = [r for r in document["indicator_rows"] if r["code"] == row.code]
    assert (kept["answers"], kept["evidence_types"]) == (
        {"制度健全": True, "执行有效": False},
        ["formal", "vouchers"],
    )


def test_the_document_keeps_the_explanations_of_the_hints_by_their_keys(assessment):
    from assessments.models import FindingExplanation

    FindingExplanation.objects.create(assessment=assessment, key="weights_mismatch:output", text="产出指标另行说明")
    FindingExplanation.objects.create(assessment=assessment, key="structure_incomplete:", text="按上级要求填写")
    document = assessment_document(assessment_data(assessment), include_score=False)
    assert document["explanations"] == {
        "weights_mismatch:output": "产出指标另行说明",
        "structure_incomplete:": "按上级要求填写",
    }


def test_a_unit_without_staffing_for_the_year_has_an_empty_staffing_section(assessment):
    from units.models import Staffing

    Staffing.objects.filter(unit=assessment.unit).delete()
    document = assessment_document(assessment_data(assessment), include_score=False)
    assert document["staffing"] == {}
