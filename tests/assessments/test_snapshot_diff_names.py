"""The diff a reviewer reads after a return names rows stored by code with the names given, shows stored codes as
the forms show them, and takes a row's evidence types as one multiple choice (changing one crashed
the diff): behaviour that mutation testing (make mutation) showed no test would notice."""

from assessments.snapshots import document_diff


def test_rows_stored_by_code_are_named_by_the_names_given():
    old = {"indicator_rows": [{"code": "output.1", "actual_value": "90%"}]}
    new = {"indicator_rows": [{"code": "output.1", "actual_value": "95%"}, {"code": "effect.1", "actual_value": "是"}]}
    assert document_diff(old, new, names={"output.1": "完成率", "effect.1": "满意度"}) == [
        {"where": "自评表「完成率」·实际完成值", "old": "90%", "new": "95%"},
        {"where": "自评表「满意度」", "old": "（无此行）", "new": "新增"},
    ]
    assert document_diff(old, new)[0]["where"] == "自评表 第1行·实际完成值"


def test_a_projects_rows_are_named_by_the_names_given():
    old = {"projects": [{"name": "项目甲", "indicator_rows": [{"code": "effect.1", "actual_value": "90%"}]}]}
    new = {"projects": [{"name": "项目甲", "indicator_rows": [{"code": "effect.1", "actual_value": "92%"}]}]}
    assert document_diff(old, new, names={"effect.1": "受益群众满意度"}) == [
        {"where": "项目「项目甲」·自评表「受益群众满意度」·实际完成值", "old": "90%", "new": "92%"}
    ]


def test_a_projects_rows_without_a_name_are_numbered():
    """Without names (or for a code they do not know) a project's row is named by its place, as the 自评表's are."""
    rows = [{"code": "effect.1", "actual_value": "90%"}, {"code": "effect.9", "actual_value": "1"}]
    old = {"projects": [{"name": "项目甲", "indicator_rows": rows}]}
    new = {"projects": [{"name": "项目甲", "indicator_rows": [rows[0], {**rows[1], "actual_value": "2"}]}]}
    assert document_diff(old, new, names={"effect.1": "受益群众满意度"}) == [
        {"where": "项目「项目甲」·自评表 第2行·实际完成值", "old": "1", "new": "2"}
    ]


def test_a_rows_evidence_types_change_as_one_choice_shown_by_their_names():
    old = {"indicator_rows": [{"name": "培训人次", "evidence_types": ["formal"]}]}
    more = {"indicator_rows": [{"name": "培训人次", "evidence_types": ["formal", "vouchers"]}]}
    other = {"indicator_rows": [{"name": "培训人次", "evidence_types": ["working"]}]}
    none = {"indicator_rows": [{"name": "培训人次", "evidence_types": []}]}
    assert document_diff(old, more) == [
        {"where": "自评表「培训人次」·佐证资料", "old": "正式资料", "new": "正式资料、原始凭证"}
    ]
    assert document_diff(old, other) == [{"where": "自评表「培训人次」·佐证资料", "old": "正式资料", "new": "工作资料"}]
    assert document_diff(old, none) == [{"where": "自评表「培训人次」·佐证资料", "old": "正式资料", "new": "（空）"}]
    assert document_diff(none, {"indicator_rows": [{"name": "培训人次"}]}) == []


def test_stored_codes_are_shown_by_the_labels_the_forms_show():
    old = {"indicator_rows": [{"name": "培训人次", "data_source": "", "actual_method": "statistics"}]}
    new = {"indicator_rows": [{"name": "培训人次", "data_source": "media", "actual_method": "survey"}]}
    assert document_diff(old, new) == [
        {"where": "自评表「培训人次」·数据来源", "old": "（空）", "new": "媒体舆论"},
        {"where": "自评表「培训人次」·完成值取值方式", "old": "情况统计法", "new": "问卷调查法"},
    ]


def test_an_evidence_type_no_longer_offered_is_shown_as_stored():
    old = {"indicator_rows": [{"name": "培训人次", "evidence_types": ["formal", "会议纪要"]}]}
    new = {"indicator_rows": [{"name": "培训人次", "evidence_types": ["formal"]}]}
    assert document_diff(old, new) == [
        {"where": "自评表「培训人次」·佐证资料", "old": "正式资料、会议纪要", "new": "正式资料"}
    ]
