"""A project table's 预算执行率 is computed from its funds block; when that data cannot be had, the unit scores it by
hand (数据无法取得，人工评分) with a reason, as on the 自评表: the choice is on the project page, saves never drop it,
and it is marked 人工 on the screen, in the report, its final snapshot and the workbook, and read back on import."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from assessments.checks import project_checks
from assessments.forms import MANUAL_NEEDS_REASON, MANUAL_NOT_CHOSEN, SCORE_NEGATIVE
from assessments.models import AuditEvent, Evidence, IndicatorRow
from assessments.scores import EXECUTION_CODE, EXECUTION_POSITION, execution_row, score_project
from assessments.selectors import assessment_data
from assessments.services import assessment_create
from assessments.workbook.imports import parse_workbook, workbook_import
from assessments.workflow.checklist import submit_checklist
from scoring.adapters import shipped_definitions, validate_definition
from tests.assessments.projects.test_projects import add_row, load, project_url, seed_001_project
from tests.assessments.workbook.workbook_helpers import edited, exported, locate
from tests.html_forms import form_data

REASON = "项目资金由主管部门统一支付，执行数据无法取得，按支付台账评分"
BADGE = '<span class="badge text-bg-warning" title="数据无法取得，人工评分">人工</span>'


def hand_scored(client, project, score="8", reason=REASON, **more):
    data = load(client, project_url(project))
    data |= {"execution-manual": "True", "execution-score": score, "execution-score_reason": reason, **more}
    return data


def stored(project):
    row = IndicatorRow.objects.filter(project=project, code=EXECUTION_CODE).first()
    return None if row is None else (row.manual, row.score, row.score_reason)


def execution_line(project):
    data = assessment_data(project.assessment)
    (checks,) = [c for c in project_checks(data) if c.project.pk == project.pk]
    return next(line for line in checks.scored.sheet.lines if line.code == EXECUTION_CODE), checks


def test_the_project_page_offers_the_choice_next_to_the_funds_block_and_stores_nothing_until_chosen(
    client, alice, assessment
):
    project = seed_001_project(assessment)
    client.force_login(alice)
    html = client.get(project_url(project)).content.decode()
    assert '<select name="execution-manual"' in html
    assert '<option value="False" selected>按规则计算</option>' in html
    assert '<option value="True">数据无法取得，人工评分</option>' in html
    assert html.index('name="execution-manual"') < html.index('id="c-execution_explanation"')
    assert "<div data-manual-only hidden>" in html  # the score and reason appear once hand scoring is chosen
    assert BADGE not in html

    data = load(client, project_url(project))
    data["project-goal_planned"] = "改写的目标"
    assert client.post(project_url(project), data).status_code == 302
    assert stored(project) is None  # the rule needs no row


def test_a_hand_score_is_saved_scored_by_hand_and_marked_人工_with_its_reason(client, alice, assessment):
    project = seed_001_project(assessment)  # 38 of 38 spent: the rule would give 10
    client.force_login(alice)

    response = client.post(project_url(project), hand_scored(client, project))

    assert response.status_code == 302
    assert stored(project) == (True, Decimal("8.00"), REASON)
    line, _ = execution_line(project)
    assert line.by_hand and line.points == Decimal("8.00")
    assert f"理由：{REASON}" in line.explanation
    html = client.get(project_url(project)).content.decode()
    assert '<option value="True" selected>数据无法取得，人工评分</option>' in html
    assert f'<span id="c-execution_points">8.00 {BADGE}</span>' in html
    after = form_data(html)
    assert (after["execution-score"], after["execution-score_reason"]) == ("8.00", REASON)
    panel = html[html.index('id="score-panel"') : html.index("</section>", html.index('id="score-panel"'))]
    assert "hand-scored" in panel and "预算执行率 8.00 / 10" in panel and f"原因：{REASON}" in panel
    event = AuditEvent.objects.get(assessment=assessment, action="project_save")
    assert {
        "where": "项目“离退休老干部业务专项资金”·预算执行率·评分方式",
        "old": "按规则计算",
        "new": "数据无法取得，人工评分",
    } in event.changes


def test_saving_other_fields_keeps_the_hand_score(client, alice, assessment):
    project = seed_001_project(assessment)
    client.force_login(alice)
    assert client.post(project_url(project), hand_scored(client, project)).status_code == 302
    before = stored(project)

    data = load(client, project_url(project))
    data["project-goal_achieved"] = "基本达到预期目标"
    data["project-fiscal_spending_actual"] = "30"
    add_row(data, "quality", name="活动参与率", target_value="≥90%", actual_value="95%", weight="10")
    assert client.post(project_url(project), data).status_code == 302

    assert stored(project) == before
    line, _ = execution_line(project)
    assert line.by_hand and line.points == Decimal("8.00")
    # kept after the unit-written rows, so that comparing the rows in their order shows it as one row
    assert list(IndicatorRow.objects.filter(project=project).values_list("name", "code")) == [
        ("开展老干党支部学习活动", ""),
        ("活动参与率", ""),
        ("", EXECUTION_CODE),
    ]


def test_a_hand_score_without_a_reason_is_refused_in_chinese_keeping_all_that_was_typed(client, alice, assessment):
    project = seed_001_project(assessment)
    client.force_login(alice)
    data = hand_scored(client, project, reason="  ")
    data["project-goal_planned"] = "新的年度目标"
    index = add_row(data, "quality", name="活动参与率", target_value="≥90%", actual_value="95%", weight="10")

    response = client.post(project_url(project), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<div class="invalid-feedback d-block">{MANUAL_NEEDS_REASON}</div>' in html
    assert html.index(MANUAL_NEEDS_REASON) > html.index('name="execution-score_reason"')
    assert "<div data-manual-only >" in html  # shown, not hidden, since hand scoring was chosen
    after = form_data(html)
    assert after["execution-manual"] == "True" and after["execution-score"] == "8"
    assert after["project-goal_planned"] == "新的年度目标"
    assert after[f"row-{index}-name"] == "活动参与率"
    assert stored(project) is None
    assert not IndicatorRow.objects.filter(project=project, name="活动参与率").exists()


@pytest.mark.parametrize(
    ("score", "message"), [("10.5", "得分不能超过分值 10。"), ("-1", SCORE_NEGATIVE), ("八", "请填写数字")]
)
def test_a_hand_score_outside_zero_to_the_weight_is_refused_next_to_it(client, alice, assessment, score, message):
    project = seed_001_project(assessment)
    client.force_login(alice)
    response = client.post(project_url(project), hand_scored(client, project, score=score))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert html.index(message) > html.index('name="execution-score"')
    assert form_data(html)["execution-score_reason"] == REASON
    assert stored(project) is None


def test_going_back_to_the_rule_drops_the_score_and_a_score_without_the_choice_is_refused(client, alice, assessment):
    project = seed_001_project(assessment)
    client.force_login(alice)
    assert client.post(project_url(project), hand_scored(client, project)).status_code == 302
    data = load(client, project_url(project))
    data["execution-manual"] = "False"
    assert client.post(project_url(project), data).status_code == 302
    assert stored(project) == (False, None, REASON)  # the reason is shown again if hand scoring is chosen again
    line, _ = execution_line(project)
    assert not line.by_hand and line.points == Decimal("10.00")

    data = load(client, project_url(project))
    data["execution-score"] = "5"
    refused = client.post(project_url(project), data)
    assert refused.status_code == 200 and MANUAL_NOT_CHOSEN in refused.content.decode()


def test_the_live_preview_marks_the_typed_hand_score_人工(client, alice, assessment):
    project = seed_001_project(assessment)
    client.force_login(alice)
    response = client.post(project_url(project, "preview"), hand_scored(client, project, score="7"))
    html = response.content.decode()
    assert f'<span id="c-execution_points" hx-swap-oob="true">7.00 {BADGE}</span>' in html
    assert f"理由：{REASON}" in html
    assert stored(project) is None


def test_a_read_only_member_sees_the_choice_disabled(client, alice, bob, assessment):
    project = seed_001_project(assessment)
    client.force_login(alice)
    client.post(project_url(project), hand_scored(client, project))
    client.force_login(bob)
    html = client.get(project_url(project)).content.decode()
    select = html[html.index('<select name="execution-manual"') :]
    assert " disabled " in select[: select.index(">")]
    assert client.post(project_url(project), hand_scored(client, project)).status_code == 403


def test_the_project_page_takes_its_6_queries_with_a_hand_score_too(
    client, alice, assessment, django_assert_num_queries
):
    project = seed_001_project(assessment)
    client.force_login(alice)
    client.post(project_url(project), hand_scored(client, project))
    client.get(project_url(project))
    with django_assert_num_queries(6):  # as test_projects pins it without one
        response = client.get(project_url(project))
    assert BADGE in response.content.decode()


def test_a_hand_score_without_a_reason_is_missing_data_on_the_checklist_as_on_the_self_evaluation(alice, assessment):
    """Only a stored row can lack it (the forms refuse it): the score then waits for its reason, as the 自评表's does."""
    project = seed_001_project(assessment)
    IndicatorRow.objects.create(
        assessment=assessment, project=project, code=EXECUTION_CODE, manual=True, score=Decimal(8)
    )
    own = IndicatorRow.objects.get(assessment=assessment, project=None, code=EXECUTION_CODE)
    own.manual, own.score = True, Decimal(8)
    own.save()
    data = assessment_data(assessment)
    checklist = submit_checklist(data, data.scored())

    lacking = "预算执行率：缺少评分理由或偏差原因"
    own_items = [item for group in checklist.groups if group.key == "missing" for item in group.items]
    project_items = [item for group in checklist.groups if group.key == f"project-{project.pk}" for item in group.items]
    assert f"【自评表】{lacking}" in [item.message for item in own_items]
    (item,) = [item for item in project_items if lacking in item.message]
    assert item.message == f"尚缺数据·{lacking}"
    assert item.link == project_url(project) + "#id_execution-score_reason"
    assert not any(g.blocking and g.items for g in checklist.groups)  # neither is a blocking error


def test_next_year_keeps_the_choice_and_reason_but_asks_for_a_new_score_as_the_self_evaluation_does(
    client, alice, assessment
):
    project = seed_001_project(assessment)
    client.force_login(alice)
    assert client.post(project_url(project), hand_scored(client, project)).status_code == 302

    following = assessment_create(unit=assessment.unit, year=assessment.year + 1, user=alice, carry_projects=True)

    (copy,) = following.projects.all()
    assert stored(copy) == (True, None, REASON)
    assert stored(project) == (True, Decimal("8.00"), REASON)
    html = client.get(project_url(copy)).content.decode()
    assert '<option value="True" selected>数据无法取得，人工评分</option>' in html
    assert BADGE not in html  # no score yet: scored by its rule until this year's score is typed


def test_the_report_marks_the_project_hand_score(client, alice, assessment):
    project = seed_001_project(assessment)
    client.force_login(alice)
    assert client.post(project_url(project), hand_scored(client, project)).status_code == 302
    html = client.get(reverse("assessments:report", args=[assessment.pk])).content.decode()
    annex = html[html.index('id="annex-1-3-1"') :]
    annex = annex[: annex.index("</section>")]
    assert '8.00<div class="hand-scored">（人工评分）</div>' in annex
    assert f"理由：{REASON}" in annex


def _import(assessment, content, user):
    assessment.refresh_from_db()
    return workbook_import(
        assessment=assessment,
        parsed=parse_workbook(content),
        user=user,
        expected_version=assessment.lock_version,
        apply=True,
    )


def test_the_workbook_takes_the_hand_score_and_gives_it_back_marked_人工(alice, assessment):
    project = seed_001_project(assessment)
    content = exported(assessment)
    book = openpyxl.load_workbook(io.BytesIO(content))
    new = f"row:new:{project.pk}:{EXECUTION_CODE}"
    sheet, coordinate = locate(book, new, "manual")
    assert book[sheet][coordinate].value == "按规则计算"
    assert _import(assessment, content, alice).changes == []  # untouched: nothing is added
    assert stored(project) is None

    typed = edited(
        content,
        {(new, "manual"): "数据无法取得，人工评分", (new, "score"): 7.5, (new, "score_reason"): REASON},
    )
    result = _import(assessment, typed, alice)
    assert result.errors == []
    assert {(c.subject, c.label, c.new) for c in result.changes} == {
        ("项目“离退休老干部业务专项资金”·预算执行率", "评分方式", "数据无法取得，人工评分"),
        ("项目“离退休老干部业务专项资金”·预算执行率", "人工评分", "7.5 分"),
        ("项目“离退休老干部业务专项资金”·预算执行率", "数据无法取得的原因及评分依据", REASON),
    }
    assert stored(project) == (True, Decimal("7.50"), REASON)

    again = exported(assessment)
    book = openpyxl.load_workbook(io.BytesIO(again))
    row = IndicatorRow.objects.get(project=project, code=EXECUTION_CODE)
    sheet, coordinate = locate(book, f"row:{row.pk}", "manual")
    assert book[sheet][coordinate].value == "数据无法取得，人工评分"
    (total,) = [cell.row for cell in book[sheet]["A"] if str(cell.value or "").startswith("年度资金总额")]
    points = book[sheet][f"I{total}"]  # the 年度资金总额 row's 得分
    assert points.value == 7.5
    assert points.comment is not None and points.comment.text.startswith("人工评分")
    assert REASON in points.comment.text
    assert _import(assessment, again, alice).changes == []  # the round trip changes nothing


def test_a_workbook_hand_score_without_a_reason_is_refused_as_on_the_page(alice, assessment):
    project = seed_001_project(assessment)
    new = f"row:new:{project.pk}:{EXECUTION_CODE}"
    typed = edited(exported(assessment), {(new, "manual"): "数据无法取得，人工评分", (new, "score"): 7})
    result = _import(assessment, typed, alice)
    assert any(MANUAL_NEEDS_REASON in error for error in result.errors)
    assert stored(project) is None


def test_a_row_added_in_the_workbook_goes_before_the_hand_scored_execution(alice, assessment):
    project = seed_001_project(assessment)
    IndicatorRow.objects.create(
        assessment=assessment,
        project=project,
        position=EXECUTION_POSITION,
        code=EXECUTION_CODE,
        manual=True,
        score=Decimal(8),
        score_reason=REASON,
    )
    new = f"row:new:{project.pk}:quality:1"
    typed = edited(
        exported(assessment),
        {(new, "name"): "活动参与率", (new, "weight"): 10, (new, "target_value"): "≥90%", (new, "actual_value"): "95%"},
    )
    assert _import(assessment, typed, alice).errors == []
    assert list(IndicatorRow.objects.filter(project=project).values_list("name", "position")) == [
        ("开展老干党支部学习活动", 1),
        ("活动参与率", 2),
        ("", EXECUTION_POSITION),
    ]


def test_evidence_may_be_attached_to_the_projects_hand_scored_execution_apart_from_the_self_evaluations(
    client, alice, assessment
):
    project = seed_001_project(assessment)
    row = IndicatorRow.objects.create(
        assessment=assessment, project=project, code=EXECUTION_CODE, manual=True, score=Decimal(8), score_reason=REASON
    )
    client.force_login(alice)
    html = client.get(reverse("assessments:tab", args=[assessment.pk, "evidence"])).content.decode()
    assert html.count('<option value="indicator:budget_execution">预算执行率</option>') == 1  # the 自评表's
    group = html[html.index('<optgroup label="项目：离退休老干部业务专项资金">') :]
    assert f'<option value="indicator:row-{row.pk}">预算执行率</option>' in group[: group.index("</optgroup>")]


def test_the_checklist_asks_for_the_evidence_of_the_projects_hand_score_as_the_self_evaluations(
    client, alice, assessment
):
    project = seed_001_project(assessment)
    client.force_login(alice)
    assert client.post(project_url(project), hand_scored(client, project)).status_code == 302
    wanted = "佐证材料·预算执行率：按人工评分计分，尚未上传佐证材料"

    def project_items():
        data = assessment_data(assessment)
        groups = submit_checklist(data, data.scored()).groups
        return [item for group in groups if group.key == f"project-{project.pk}" for item in group.items]

    (item,) = [item for item in project_items() if item.message == wanted]
    assert item.link == reverse("assessments:tab", args=[assessment.pk, "evidence"])
    row = IndicatorRow.objects.get(project=project, code=EXECUTION_CODE)
    Evidence.objects.create(
        assessment=assessment, indicator_code=f"row-{row.pk}", file="台账.pdf", original_name="台账.pdf", size=10
    )
    assert wanted not in [item.message for item in project_items()]


def test_under_101号_the_hand_score_stands_whether_or_not_the_project_is_finished(assessment):
    """财预〔2021〕101号 grades 预算执行率 by 项目是否完成 as well: the hand score replaces that rule too."""
    spec = validate_definition(shipped_definitions()["mof-2021-core"])
    project = seed_001_project(assessment)
    row = execution_row(project, [])
    row.manual, row.score, row.score_reason = True, Decimal(6), REASON
    for completed in (True, False, None):
        project.completed = completed
        sheet = score_project(project, spec=spec, rows=[row]).sheet
        line = next(line for line in sheet.lines if line.code == EXECUTION_CODE)
        assert line.by_hand and line.points == Decimal("6.00")


SHORTFALL = "部分活动因场地改造推迟至次年，资金相应结转"


def test_an_execution_short_of_full_marks_asks_for_its_reason_beside_the_funds_block_and_keeps_it(
    client, alice, assessment
):
    project = seed_001_project(assessment)
    project.fiscal_spending_actual = Decimal(30)  # 30 of 38 spent: short of full marks
    project.save()
    data = assessment_data(assessment)
    (checks,) = [c for c in project_checks(data) if c.project.pk == project.pk]
    (reason_item,) = [item for item in checks.reasons if item[0].startswith("预算执行率")]
    assert reason_item[1] == project_url(project) + "#id_execution-deviation_reason"
    client.force_login(alice)
    html = client.get(project_url(project)).content.decode()
    assert '<label for="id_execution-deviation_reason">执行率偏差原因分析及改进措施</label>' in html

    posted = load(client, project_url(project)) | {"execution-deviation_reason": SHORTFALL}
    assert client.post(project_url(project), posted).status_code == 302

    row = IndicatorRow.objects.get(project=project, code=EXECUTION_CODE)
    assert (row.manual, row.score, row.deviation_reason) == (False, None, SHORTFALL)  # still scored by the rule
    line, checks = execution_line(project)
    assert not line.by_hand and line.points < line.weight
    assert not [item for item in checks.reasons if item[0].startswith("预算执行率")]
    assert form_data(client.get(project_url(project)).content.decode())["execution-deviation_reason"] == SHORTFALL
    # A save that does not touch it keeps it.
    again = load(client, project_url(project)) | {"project-goal_planned": "改写的目标"}
    assert client.post(project_url(project), again).status_code == 302
    row.refresh_from_db()
    assert row.deviation_reason == SHORTFALL


def test_the_workbook_carries_the_execution_shortfall_reason_both_ways(alice, assessment):
    project = seed_001_project(assessment)
    content = exported(assessment)
    new = f"row:new:{project.pk}:{EXECUTION_CODE}"
    result = _import(assessment, edited(content, {(new, "deviation_reason"): SHORTFALL}), alice)
    assert result.errors == []
    assert [(c.label, c.new) for c in result.changes] == [("偏差原因分析及改进措施", SHORTFALL)]
    row = IndicatorRow.objects.get(project=project, code=EXECUTION_CODE)
    assert (row.manual, row.deviation_reason) == (False, SHORTFALL)
    book = openpyxl.load_workbook(io.BytesIO(exported(assessment)))
    sheet, coordinate = locate(book, f"row:{row.pk}", "deviation_reason")
    assert book[sheet][coordinate].value == SHORTFALL


def test_the_project_list_marks_a_hand_scored_project_人工(client, alice, assessment):
    project = seed_001_project(assessment)
    client.force_login(alice)
    listing = reverse("assessments:tab", args=[assessment.pk, "projects"])
    assert 'title="数据无法取得，人工评分：' not in client.get(listing).content.decode()
    assert client.post(project_url(project), hand_scored(client, project)).status_code == 302
    html = client.get(listing).content.decode()
    assert '<span class="badge text-bg-warning" title="数据无法取得，人工评分：预算执行率">人工</span>' in html
