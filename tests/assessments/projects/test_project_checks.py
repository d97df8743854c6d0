"""The project tables (附件1-3) under the same checks as the 自评表: each project's findings are computed on its own
sheet; a block over its cap is an error that blocks submitting; every 提示 has an explanation box beside it on the
project page, stored under the project's own key; and the submit checklist lists, per project and linked to the
field on its page, the errors, the missing inputs, the required 偏差原因 and the 提示 not yet explained."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.checks import project_checks, project_key_prefix
from assessments.models import Assessment, AuditEvent, EvaluationMember, FindingExplanation, IndicatorRow
from assessments.selectors import assessment_data
from assessments.workflow import services as workflow
from assessments.workflow.checklist import submit_checklist
from tests.assessments.projects.test_projects import project_url, seed_001_project


def satisfaction_row(project, weight, **values) -> IndicatorRow:
    return IndicatorRow.objects.create(
        assessment=project.assessment,
        project=project,
        position=2,
        group_code="recipient_satisfaction",
        name="老干部满意度",
        weight=Decimal(weight),
        kind=IndicatorRow.Kind.QUANTITATIVE,
        target_value="≥90%",
        target_comparator=">=",
        target_number=Decimal(90),
        actual_value="80%",
        actual_number=Decimal(80),
        **values,
    )


def checks_of(assessment, project):
    return next(c for c in project_checks(assessment_data(assessment)) if c.project.pk == project.pk)


def groups(assessment) -> dict[str, object]:
    data = assessment_data(assessment)
    return {group.key: group for group in submit_checklist(data, data.scored()).groups}


def test_a_project_block_over_its_cap_is_an_error_that_blocks_submitting(assessment, alice):
    project = seed_001_project(assessment)
    satisfaction_row(project, 20, deviation_reason="调查样本偏少")
    checks = checks_of(assessment, project)
    (error,) = checks.errors
    assert error.code == "weights_exceed_cap" and "“满意度指标”下各三级指标分值之和为 20，应为 10" in error.message

    listed = groups(assessment)
    blocking = listed[f"project-{project.pk}-errors"]
    assert blocking.blocking and blocking.title.startswith("项目“离退休老干部业务专项资金”")
    assert [item.message for item in blocking.items] == [error.message]
    assert blocking.items[0].link == project_url(project) + "#project-findings"
    with pytest.raises(ValidationError, match="一致性检查还有 1 个错误"):
        workflow.assessment_submit(assessment=assessment, user=alice)
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"


def test_a_project_within_its_caps_does_not_block(assessment, alice):
    project = seed_001_project(assessment)
    satisfaction_row(project, 10, deviation_reason="调查样本偏少")
    assert checks_of(assessment, project).errors == []
    assert groups(assessment)[f"project-{project.pk}-errors"].items == []


def test_the_checklist_lists_a_projects_missing_inputs_reasons_and_unexplained_hints_with_links(assessment):
    project = seed_001_project(assessment)
    row = satisfaction_row(project, 10)  # scored 8.89 of 10, no 偏差原因, no survey counts
    project.fiscal_spending_actual = None
    project.save()
    listed = groups(assessment)[f"project-{project.pk}"]
    assert not listed.blocking
    items = {item.message: item.link for item in listed.items}
    page = project_url(project)
    reason = "偏差原因·老干部满意度：得分 8.89 低于分值 10.00，需填写偏差原因"
    assert items[reason] == f"{page}#id_row-1-deviation_reason"
    missing = [message for message in items if message.startswith("尚缺数据·")]
    assert missing and all(items[m] == f"{page}#id_project-fiscal_budget_full_year" for m in missing)
    survey = next(m for m in items if m.startswith("未说明的提示·") and "缺少有效问卷数" in m)
    assert items[survey].startswith(f"{page}#project-hint-")
    assert IndicatorRow.objects.filter(pk=row.pk).exists()


def test_each_project_hint_has_an_explanation_box_on_its_page_and_an_explanation_leaves_the_checklist(
    client, alice, assessment
):
    project = seed_001_project(assessment)
    satisfaction_row(project, 10, deviation_reason="调查样本偏少")
    hint = next(h for h in checks_of(assessment, project).hints if h.finding.code == "satisfaction_without_survey")
    assert hint.key.startswith(project_key_prefix(project))
    client.force_login(alice)
    html = client.get(project_url(project)).content.decode()
    assert f'name="explain:{hint.key}"' in html and hint.finding.message in html
    assert html.index('id="project-explanations-form"') > html.index('id="tab-form"')  # its own form

    response = client.post(
        reverse("assessments:project_explanations", args=[assessment.pk, project.pk]),
        {f"explain:{hint.key}": "问卷由街道代发，未回收份数", f"shown:{hint.key}": ""},
    )
    assert response.status_code == 302 and response["Location"].endswith("#project-findings")
    assert FindingExplanation.objects.get(assessment=assessment, key=hint.key).text == "问卷由街道代发，未回收份数"
    event = AuditEvent.objects.get(assessment=assessment, action="explain")
    assert event.changes[0]["where"].startswith("提示说明·项目“离退休老干部业务专项资金”·")

    listed = groups(assessment)[f"project-{project.pk}"]
    assert not any(hint.finding.message in item.message for item in listed.items)
    html = client.get(project_url(project)).content.decode()
    assert "问卷由街道代发，未回收份数" in html and "已说明" in html
    # the 自评表's own explanations are not touched, and another project's key is ignored
    other = "project:999999:satisfaction_without_survey:row-1"
    client.post(
        reverse("assessments:project_explanations", args=[assessment.pk, project.pk]),
        {f"explain:{other}": "不相干", f"shown:{other}": ""},
    )
    assert not FindingExplanation.objects.filter(key=other).exists()


def test_the_panel_on_the_project_page_counts_what_the_checklist_lists(client, alice, assessment):
    project = seed_001_project(assessment)
    satisfaction_row(project, 20, deviation_reason="调查样本偏少")
    checks = checks_of(assessment, project)
    client.force_login(alice)
    html = client.get(project_url(project)).content.decode()
    panel = html.split('id="project-panel-checks"', 1)[1].split("</p>", 1)[0]
    assert f"{len(checks.errors)} 个错误" in panel and f"{len(checks.hints)} 个提示" in panel
    tab = client.get(reverse("assessments:tab", args=[assessment.pk, "basic"])).content.decode()
    assert f"项目“{project.name}”" in tab.split('id="score-panel"', 1)[1].split("</section>", 1)[0]


def test_explaining_a_project_hint_needs_a_writer_of_the_unit(client, charlie, bob, assessment):
    project = seed_001_project(assessment)
    url = reverse("assessments:project_explanations", args=[assessment.pk, project.pk])
    client.force_login(charlie)
    assert client.post(url, {}).status_code == 404
    client.force_login(bob)
    assert client.post(url, {}).status_code == 403


def test_a_submitted_assessment_takes_no_project_explanation(client, alice, assessment):
    project = seed_001_project(assessment)
    satisfaction_row(project, 10, deviation_reason="调查样本偏少")
    EvaluationMember.objects.create(assessment=assessment, name="张三")
    hint = checks_of(assessment, project).hints[0]
    workflow.assessment_submit(assessment=assessment, user=alice)
    client.force_login(alice)
    client.post(
        reverse("assessments:project_explanations", args=[assessment.pk, project.pk]),
        {f"explain:{hint.key}": "迟到的说明", f"shown:{hint.key}": ""},
    )
    assert not FindingExplanation.objects.filter(assessment=assessment).exists()


def test_reviewers_read_the_project_hints_with_their_explanations_on_the_review_tab(client, alice, assessment):
    project = seed_001_project(assessment)
    satisfaction_row(project, 20, deviation_reason="调查样本偏少")
    hint = next(h for h in checks_of(assessment, project).hints if h.finding.code == "satisfaction_without_survey")
    FindingExplanation.objects.create(assessment=assessment, key=hint.key, text="问卷由街道代发")
    client.force_login(alice)
    html = client.get(reverse("assessments:tab", args=[assessment.pk, "review"])).content.decode()
    section = html.split('id="review-hints"', 1)[1].split("</section>", 1)[0]
    assert f"项目“{project.name}”</a>：{hint.finding.message}" in section and "问卷由街道代发" in section
    # the block over its cap is named among the errors that refuse submitting
    assert "“满意度指标”下各三级指标分值之和为 20" in html.split("提交审签", 1)[1]


def test_the_workbooks_hint_sheet_lists_the_narratives_and_the_project_tables_hints_with_their_explanations(
    assessment,
):
    import io

    import openpyxl

    from assessments.models import NarrativeSection
    from assessments.workbook.build import SHEET_HINT_NOTES, workbook_bytes

    project = seed_001_project(assessment)
    satisfaction_row(project, 10, deviation_reason="调查样本偏少")
    hint = next(h for h in checks_of(assessment, project).hints if h.finding.code == "satisfaction_without_survey")
    FindingExplanation.objects.create(assessment=assessment, key=hint.key, text="问卷由街道代发")
    NarrativeSection.objects.update_or_create(assessment=assessment, key="basic_info", defaults={"body": "编制5人。"})
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes(assessment)))[SHEET_HINT_NOTES]
    notes = {row[1]: row[2] for row in sheet.iter_rows(min_row=3, values_only=True) if row[1]}
    assert notes[f"项目“{project.name}”：{hint.finding.message}"] == "问卷由街道代发"
    assert any(message.startswith("叙述“") and "编制" in message for message in notes)


def test_the_reports_appendix_prints_each_project_tables_hints_with_their_explanations(assessment):
    from assessments.reports.render import render_report_html

    project = seed_001_project(assessment)
    satisfaction_row(project, 10, deviation_reason="调查样本偏少")
    hint = next(h for h in checks_of(assessment, project).hints if h.finding.code == "satisfaction_without_survey")
    FindingExplanation.objects.create(assessment=assessment, key=hint.key, text="问卷由街道代发")
    html = render_report_html(Assessment.objects.select_related("unit__region").get(pk=assessment.pk))
    appendix = html[html.index('id="hint-notes"') :]
    assert f"项目“{project.name}”：{hint.finding.message}" in appendix
    assert "问卷由街道代发" in appendix
