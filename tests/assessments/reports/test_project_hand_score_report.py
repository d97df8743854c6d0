"""A project table's 预算执行率 scored by hand (数据无法取得，人工评分) is frozen with the final snapshot and printed as
人工 with its reason in the final report, as in the draft's."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Assessment, IndicatorRow, Project, Snapshot
from assessments.scores import EXECUTION_CODE
from scoring.engine.sheet import MANUAL_BAND

from .conftest import FUTIAN

REASON = "项目资金由区财政集中支付，执行数据无法取得，按支付台账评分"


def _annex(html: str) -> str:
    annex = html[html.index('id="annex-1-3-1"') :]
    return annex[: annex.index("</section>")]


@pytest.fixture
def final_with_hand_scored_project(demo, request):
    assessment = demo[FUTIAN]
    project = Project.objects.create(
        assessment=assessment,
        position=1,
        name="老干部活动中心运行经费",
        fiscal_budget_initial=Decimal(50),
        fiscal_budget_full_year=Decimal(50),
        fiscal_spending_actual=Decimal(50),
    )
    IndicatorRow.objects.create(
        assessment=assessment, project=project, code=EXECUTION_CODE, manual=True, score=Decimal(8), score_reason=REASON
    )
    return request.getfixturevalue("finalised_futian"), project


def test_the_final_snapshot_keeps_the_projects_hand_score_and_the_report_prints_it_人工(
    final_with_hand_scored_project, client, django_user_model
):
    assessment, project = final_with_hand_scored_project
    assert assessment.status == Assessment.Status.FINAL
    document = Snapshot.objects.latest_for(assessment).verified_data()["assessment"]
    (frozen,) = document["projects"]
    (row,) = [r for r in frozen["indicator_rows"] if r["code"] == EXECUTION_CODE]
    assert (row["manual"], row["score"], row["score_reason"]) == (True, "8.00", REASON)
    line = next(line for line in frozen["score"]["lines"] if line["code"] == EXECUTION_CODE)
    assert line["band"] == MANUAL_BAND and line["points"] == "8.00"

    client.force_login(django_user_model.objects.get(username="ft-preparer"))
    annex = _annex(client.get(reverse("assessments:report", args=[assessment.pk])).content.decode())
    assert project.name in annex
    assert '8.00<div class="hand-scored">（人工评分）</div>' in annex
    assert f"理由：{REASON}" in annex
