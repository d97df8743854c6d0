"""The audit trail names a framework indicator's row by the indicator and a choice by its label; a 10号 满意度 row
takes its survey counts, which answer the hint that asked for them."""

from django.urls import reverse

from assessments.models import AuditEvent, IndicatorRow
from assessments.selectors import assessment_data
from tests.html_forms import form_data


def tab_url(assessment, tab):
    return reverse("assessments:tab", args=[assessment.pk, tab])


def self_eval(client, assessment):
    return form_data(client.get(tab_url(assessment, "self-eval")).content.decode())


def test_the_audit_names_an_indicator_row_by_its_indicator_and_a_choice_by_its_label(client, alice, assessment):
    client.force_login(alice)
    data = self_eval(client, assessment)
    rows = int(data["row-TOTAL_FORMS"])
    first = IndicatorRow.objects.filter(assessment=assessment, project=None).order_by("position", "pk").first()
    data["row-0-deviation_reason"] = "年中追加预算，执行进度滞后"
    data.update(
        {
            "row-TOTAL_FORMS": str(rows + 1),
            f"row-{rows}-group_code": "quantity",
            f"row-{rows}-name": "开展学习活动",
            f"row-{rows}-weight": "6",
            f"row-{rows}-kind": "quantitative",
            f"row-{rows}-ORDER": str(rows + 1),
        }
    )
    assert client.post(tab_url(assessment, "self-eval"), data).status_code == 302
    changes = AuditEvent.objects.filter(assessment=assessment, action="save").latest("pk").changes
    wheres = [change["where"] for change in changes]
    name = first.name or assessment_data(assessment).scored().sheet.line(first.code).name
    assert any(f"「{name}」" in where and "偏差原因" in where for where in wheres)
    assert not any("第1行" in where for where in wheres)

    data = self_eval(client, assessment)
    index = next(k for k, v in data.items() if v == "开展学习活动").split("-")[1]
    data[f"row-{index}-kind"] = "qualitative"
    assert client.post(tab_url(assessment, "self-eval"), data).status_code == 302
    changes = AuditEvent.objects.filter(assessment=assessment, action="save").latest("pk").changes
    kind = next(change for change in changes if change["where"].endswith("类型"))
    assert (kind["old"], kind["new"]) == ("定量", "定性")


def test_a_satisfaction_row_takes_its_survey_counts_and_the_hint_goes_away(client, alice, assessment):
    client.force_login(alice)
    data = self_eval(client, assessment)
    rows = int(data["row-TOTAL_FORMS"])
    data.update(
        {
            "row-TOTAL_FORMS": str(rows + 1),
            f"row-{rows}-group_code": "recipient_satisfaction",
            f"row-{rows}-name": "服务对象满意度",
            f"row-{rows}-weight": "10",
            f"row-{rows}-kind": "quantitative",
            f"row-{rows}-target_value": "≥90%",
            f"row-{rows}-actual_value": "96%",
            f"row-{rows}-ORDER": str(rows + 1),
        }
    )
    assert client.post(tab_url(assessment, "self-eval"), data).status_code == 302
    codes = [f.code for f in assessment_data(assessment).scored().findings]
    assert "satisfaction_without_survey" in codes

    data = self_eval(client, assessment)
    index = next(k for k, v in data.items() if v == "服务对象满意度").split("-")[1]
    assert f"row-{index}-survey_responses" in data  # the row shows the two counts
    data[f"row-{index}-survey_responses"] = "50"
    data[f"row-{index}-survey_satisfied"] = "48"
    assert client.post(tab_url(assessment, "self-eval"), data).status_code == 302
    row = IndicatorRow.objects.get(assessment=assessment, name="服务对象满意度")
    assert (row.survey_responses, row.survey_satisfied) == (50, 48)
    codes = [f.code for f in assessment_data(assessment).scored().findings]
    assert "satisfaction_without_survey" not in codes
