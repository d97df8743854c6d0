"""抽查复核 is part of the record: the re-scored total and grade beside the unit's, frozen in the snapshot, printed in
the report, and carried by the summaries the 汇总表 and the dashboard read."""

from decimal import Decimal

import pytest

from assessments.models import Assessment, Snapshot
from assessments.reports.render import render_report_html, report_context
from assessments.rescores import rescored
from assessments.summaries import summaries
from assessments.workflow import services as workflow
from tests.assessments.reports.conftest import FUTIAN, load

SUFFIX = {"group_leader": "leader", "unit_head": "head", "supervisor": "supervisor", "finance": "finance"}


@pytest.fixture
def at_finance(demo, django_user_model):
    users = {u.username: u for u in django_user_model.objects.filter(username__startswith="ft-")}
    assessment = demo[FUTIAN]
    workflow.assessment_submit(assessment=assessment, user=users["ft-preparer"])
    for step in workflow.steps_for(assessment.unit):
        if step.code == "finance":
            break
        workflow.assessment_sign(assessment=load(assessment.pk), user=users[f"ft-{SUFFIX[step.code]}"], opinion="同意")
    return load(assessment.pk), users


def _leaf_with_points(assessment):
    sheet = report_context(assessment)["score"]
    return next(
        line for line in sheet["lines"] if line["is_leaf"] and line["weight"] and Decimal(line["points"] or 0) >= 3
    ), sheet


def test_the_rescored_total_replaces_the_units_points_by_the_reviewers_and_takes_the_latest():
    score = {
        "total": "90.00",
        "complete": True,
        "grade": "优",
        "places": 2,
        "lines": [{"code": "a", "points": "25"}, {"code": "b", "points": "10"}],
    }
    entries = [
        {"indicator": "a", "name": "效果性", "score": "22", "reason": "抽查", "reviewer": "傅"},
        {"indicator": "b", "name": "b", "score": "10", "reason": "同意", "reviewer": "傅"},
    ]
    review = rescored(score, entries)
    assert review.total == Decimal("87.00")
    assert review.self_total == Decimal("90.00")
    assert [row["difference"] for row in review.rows] == [Decimal("-3"), Decimal("0")]
    unchanged = rescored(score, [entries[1]])
    assert (unchanged.total, unchanged.grade) == (Decimal("90.00"), "优")


def test_a_rescore_is_frozen_with_the_snapshot_and_printed_in_the_report(at_finance):
    assessment, users = at_finance
    line, sheet = _leaf_with_points(assessment)
    lowered = Decimal(line["points"]) - 3
    workflow.assessment_rescore(
        assessment=assessment,
        user=users["ft-finance"],
        indicator_key=line["code"],
        score=lowered,
        reason="抽查佐证不足",
    )
    # Before the signature, the report in review already shows the 复核 beside the unit's score.
    live = report_context(load(assessment.pk))["rescore"]
    assert live.total == Decimal(sheet["total"]) - 3
    workflow.assessment_sign(assessment=load(assessment.pk), user=users["ft-finance"], opinion="同意")
    final = load(assessment.pk)
    assert final.status == Assessment.Status.FINAL
    snapshot = Snapshot.objects.get(assessment=final)
    assert [(r["indicator"], r["score"], r["reason"]) for r in snapshot.data["rescores"]] == [
        (line["code"], f"{lowered:f}", "抽查佐证不足")
    ]
    context = report_context(final)
    review = context["rescore"]
    assert review.self_total == Decimal(sheet["total"])
    assert review.total == Decimal(sheet["total"]) - 3
    assert review.grade  # graded by the framework's bands
    html = render_report_html(final, context=context)
    assert "财政抽查复核情况" in html
    assert "抽查佐证不足" in html
    assert f'id="rescore-total">{review.total}<' in html

    [summary] = summaries(Assessment.objects.filter(pk=final.pk))
    assert summary["rescored_total"] == f"{review.total:f}"
    assert summary["rescored_grade"] == review.grade
    assert summary["total"] == sheet["total"]


def test_a_report_without_rescores_prints_no_rescore_table(at_finance):
    assessment, _ = at_finance
    assert "财政抽查复核情况" not in render_report_html(assessment)
    [summary] = summaries(Assessment.objects.filter(pk=assessment.pk))
    assert summary["rescored_total"] is None
