"""The review workflow: every allowed and refused transition per role, immutability once final, the inbox."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments.models import (
    Assessment,
    AuditEvent,
    Facts,
    FinalisedError,
    IndicatorRow,
    Notification,
    SignOff,
    Snapshot,
    document_sha256,
)
from assessments.workflow import services as workflow
from tests.assessments.workflow.conftest import submit_and_sign_to
from units.models import Deadline, Delegation, Membership, Role


def test_the_steps_include_the_supervising_department_only_when_the_unit_has_one(assessment, other_unit):
    assert [s.code for s in workflow.steps_for(assessment.unit)] == [
        "group_leader",
        "unit_head",
        "supervisor",
        "finance",
    ]
    assert [s.code for s in workflow.steps_for(other_unit)] == ["group_leader", "unit_head", "finance"]


def test_the_steps_come_from_the_region(assessment):
    region = assessment.unit.region
    region.review_steps = ["unit_head", "finance"]
    region.save()
    assessment.unit.refresh_from_db()
    assert [s.code for s in workflow.steps_for(assessment.unit)] == ["unit_head", "finance"]


def test_preparer_submits_a_draft_without_errors(assessment, people):
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step) == ("in_review", "group_leader")
    assert assessment.status_label == "待评价组组长签署"
    assert Notification.objects.filter(user=people["bob"], assessment=assessment).exists()
    assert AuditEvent.objects.filter(assessment=assessment, action="submit").count() == 1


def test_submit_is_refused_while_the_checks_report_errors(assessment, people):
    facts = assessment.facts
    facts.reception_actual = Decimal("1.00")
    facts.save()
    institution = assessment.institutions.get()
    institution.reception_actual = Decimal("2.00")
    institution.save()
    with pytest.raises(ValidationError, match="一致性检查还有 1 个错误") as error:
        workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assert "公务接待费·本年决算数汇总 1.00 ≠ 各机构之和 2.00" in error.value.messages[0]
    assert Assessment.objects.get(pk=assessment.pk).status == "draft"


@pytest.mark.parametrize("who", ["bob", "hank", "dave", "fiona"])
def test_only_a_writer_of_the_unit_may_submit(assessment, people, who):
    with pytest.raises(PermissionDenied):
        workflow.assessment_submit(assessment=assessment, user=people[who])


def test_a_submitted_assessment_cannot_be_submitted_again(assessment, people):
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    with pytest.raises(ValidationError, match="只有草稿可以提交"):
        workflow.assessment_submit(assessment=assessment, user=people["alice"])


@pytest.mark.parametrize(
    ("step", "signer", "refused"),
    [
        ("group_leader", "bob", ["alice", "hank", "dave", "fiona", "ada"]),
        ("unit_head", "hank", ["alice", "bob", "dave", "fiona", "ada"]),
        ("supervisor", "dave", ["alice", "bob", "hank", "fiona", "ada"]),
        ("finance", "fiona", ["alice", "bob", "hank", "dave", "ada"]),
    ],
)
def test_each_step_is_signed_by_its_role_only(assessment, people, step, signer, refused):
    assessment = submit_and_sign_to(assessment, people, step)
    for who in refused:
        with pytest.raises(PermissionDenied, match="应由"):
            workflow.assessment_sign(assessment=assessment, user=people[who], opinion="同意")
        with pytest.raises(PermissionDenied):
            workflow.assessment_return(assessment=assessment, user=people[who], reason="不对")
    workflow.assessment_sign(assessment=assessment, user=people[signer], opinion="同意")
    signoff = SignOff.objects.get(assessment=assessment, step=step)
    assert signoff.signer == people[signer] and signoff.opinion == "同意"


def test_signing_needs_an_opinion_and_returning_a_reason(assessment, people):
    assessment = submit_and_sign_to(assessment, people, "group_leader")
    with pytest.raises(ValidationError, match="请填写意见"):
        workflow.assessment_sign(assessment=assessment, user=people["bob"], opinion="  ")
    with pytest.raises(ValidationError, match="退回必须填写原因"):
        workflow.assessment_return(assessment=assessment, user=people["bob"], reason="")


def test_the_full_chain_finalises_with_a_hash_of_the_frozen_data(assessment, people):
    assessment = submit_and_sign_to(assessment, people, "none")
    assert assessment.status == "final" and assessment.status_label == "已定稿"
    snapshot = Snapshot.objects.get(assessment=assessment)
    assert snapshot.sha256 == document_sha256(snapshot.data)
    assert [s["step"] for s in snapshot.data["signoffs"]] == ["group_leader", "unit_head", "supervisor", "finance"]
    assert snapshot.data["assessment"]["framework"] == {"code": "mof-2020-selfeval", "version": 1}
    assert "score" in snapshot.data["assessment"]


def test_a_final_assessment_cannot_change_by_any_path(client, assessment, people):
    assessment = submit_and_sign_to(assessment, people, "none")
    facts = Facts.objects.get(assessment=assessment)
    facts.reception_budget = Decimal("9")
    with pytest.raises(FinalisedError):
        facts.save()
    with pytest.raises(FinalisedError):
        IndicatorRow.objects.create(assessment=assessment, group_code="quantity", name="后加的", weight=1)
    fresh = Assessment.objects.get(pk=assessment.pk)
    fresh.goal_planned = "改了"
    with pytest.raises(FinalisedError):
        fresh.save()
    with pytest.raises(FinalisedError):
        Snapshot.objects.get(assessment=assessment).delete()
    # Screens: the tab refuses a save.
    client.force_login(people["alice"])
    from tests.html_forms import form_data

    url = reverse("assessments:tab", args=[assessment.pk, "basic-data"])
    html = client.get(url).content.decode()
    assert "已定稿" in html
    response = client.post(
        url, form_data(html) | {"lock_version": str(assessment.lock_version), "facts-reception_budget": "1"}
    )
    assert response.status_code in (200, 403)
    assert Facts.objects.get(assessment=assessment).reception_budget is None


def test_the_admin_site_cannot_change_a_final_assessment(admin_client, assessment, people):
    assessment = submit_and_sign_to(assessment, people, "none")
    url = reverse("admin:assessments_assessment_change", args=[assessment.pk])
    assert admin_client.get(url).status_code == 200  # shown, read-only
    response = admin_client.post(
        url, {"unit": assessment.unit_id, "year": 2023, "kind": "overall", "goal_planned": "改"}
    )
    assert response.status_code == 403
    delete = admin_client.post(reverse("admin:assessments_assessment_delete", args=[assessment.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assessment.refresh_from_db()
    assert (assessment.status, assessment.year, assessment.goal_planned) == ("final", 2022, "")


def test_return_to_the_preparer_voids_every_signature_and_keeps_the_data_for_the_diff(assessment, people):
    assessment = submit_and_sign_to(assessment, people, "supervisor")
    workflow.assessment_return(assessment=assessment, user=people["dave"], reason="三公经费未填")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.returned, assessment.status_label) == ("draft", True, "已退回")
    assert not SignOff.objects.filter(assessment=assessment, voided_at=None).exists()
    event = AuditEvent.objects.get(assessment=assessment, action="return")
    assert event.detail == "三公经费未填" and event.snapshot["facts"]["reception_budget"] is None
    assert Notification.objects.filter(user=people["alice"], message__contains="三公经费未填").exists()


def test_return_to_an_earlier_step_voids_that_step_and_later_only(assessment, people):
    assessment = submit_and_sign_to(assessment, people, "finance")
    workflow.assessment_return(
        assessment=assessment, user=people["fiona"], reason="负责人意见不完整", to_step="unit_head"
    )
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step) == ("in_review", "unit_head")
    valid = set(SignOff.objects.filter(assessment=assessment, voided_at=None).values_list("step", flat=True))
    assert valid == {"group_leader"}


def test_return_cannot_go_forward(assessment, people):
    assessment = submit_and_sign_to(assessment, people, "unit_head")
    with pytest.raises(ValidationError, match="只能退回到当前步骤之前"):
        workflow.assessment_return(assessment=assessment, user=people["hank"], reason="x", to_step="finance")


def test_a_delegate_signs_on_behalf_of_the_reviewer(assessment, people, django_user_model, unit):
    assessment = submit_and_sign_to(assessment, people, "unit_head")
    deputy = django_user_model.objects.create_user(username="deputy", first_name="代理人", password="x")
    Membership.objects.create(user=deputy, unit=unit, role=Role.GROUP_LEADER)  # a colleague who reviews already
    today = datetime.date.today()
    Delegation.objects.create(
        delegator=people["hank"],
        delegate=deputy,
        unit=unit,
        role=Role.UNIT_HEAD,
        starts=today - datetime.timedelta(days=1),
        ends=today + datetime.timedelta(days=1),
    )
    workflow.assessment_sign(assessment=assessment, user=deputy, opinion="同意")
    signoff = SignOff.objects.get(assessment=assessment, step="unit_head")
    assert signoff.signer_name == "代理人 代 韩负责人"
    assert signoff.on_behalf_of == people["hank"]


def test_an_expired_delegation_gives_no_right_to_sign(assessment, people, django_user_model, unit):
    assessment = submit_and_sign_to(assessment, people, "unit_head")
    deputy = django_user_model.objects.create_user(username="deputy", password="x")
    Membership.objects.create(user=deputy, unit=unit, role=Role.GROUP_LEADER)
    Delegation.objects.create(
        delegator=people["hank"],
        delegate=deputy,
        unit=unit,
        role=Role.UNIT_HEAD,
        starts=datetime.date(2020, 1, 1),
        ends=datetime.date(2020, 1, 2),
    )
    with pytest.raises(PermissionDenied):
        workflow.assessment_sign(assessment=assessment, user=deputy, opinion="同意")


def test_only_an_administrator_reopens_and_the_old_snapshot_stays(assessment, people):
    assessment = submit_and_sign_to(assessment, people, "none")
    for who in ["alice", "bob", "hank", "dave", "fiona"]:
        with pytest.raises(PermissionDenied):
            workflow.assessment_reopen(assessment=assessment, user=people[who], reason="需要更正")
    with pytest.raises(ValidationError, match="必须填写原因"):
        workflow.assessment_reopen(assessment=assessment, user=people["ada"], reason="")
    workflow.assessment_reopen(assessment=assessment, user=people["ada"], reason="需要更正")
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    assert Snapshot.objects.filter(assessment=assessment).count() == 1
    assert AuditEvent.objects.filter(assessment=assessment, action="reopen", detail="需要更正").exists()
    with pytest.raises(ValidationError, match="只有已定稿"):
        workflow.assessment_reopen(assessment=assessment, user=people["ada"], reason="再来")


def test_finance_rescores_at_its_step_and_both_scores_are_kept(assessment, people):
    assessment.facts.budget_full_year, assessment.facts.spending_actual = Decimal("100"), Decimal("95")
    assessment.facts.save()
    assessment = submit_and_sign_to(assessment, people, "finance")
    rescore = workflow.assessment_rescore(
        assessment=assessment,
        user=people["fiona"],
        indicator_key="budget_execution",
        score=Decimal("9"),
        reason="抽查发现执行数含暂付款",
    )
    assert (rescore.self_score, rescore.score) == (Decimal("9.50"), Decimal("9"))
    with pytest.raises(ValidationError, match="复核得分应在 0 至 10"):
        workflow.assessment_rescore(
            assessment=assessment,
            user=people["fiona"],
            indicator_key="budget_execution",
            score=Decimal("11"),
            reason="x",
        )
    with pytest.raises(PermissionDenied):
        workflow.assessment_rescore(
            assessment=assessment, user=people["bob"], indicator_key="budget_execution", score=Decimal("9"), reason="x"
        )


def test_rescore_is_refused_before_the_finance_step(assessment, people):
    assessment = submit_and_sign_to(assessment, people, "unit_head")
    with pytest.raises(ValidationError, match="抽查复核只能"):
        workflow.assessment_rescore(
            assessment=assessment,
            user=people["fiona"],
            indicator_key="budget_execution",
            score=Decimal("1"),
            reason="x",
        )


def test_resubmission_shows_the_reviewer_what_changed_since_the_return(client, assessment, people):
    assessment = submit_and_sign_to(assessment, people, "group_leader")
    workflow.assessment_return(assessment=assessment, user=people["bob"], reason="公务接待预算漏填")
    facts = Facts.objects.get(assessment=assessment)
    facts.reception_budget = Decimal("0.50")
    facts.save()
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    client.force_login(people["bob"])
    html = client.get(reverse("assessments:tab", args=[assessment.pk, "review"])).content.decode()
    assert "自退回以来的修改（1 处）" in html
    assert "基础数据·公务接待费·本年预算数" in html and "0.50" in html


def test_the_review_tab_signs_and_returns_through_its_buttons(client, assessment, people):
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    client.force_login(people["bob"])
    response = client.post(reverse("assessments:sign", args=[assessment.pk]), {"opinion": ""}, follow=True)
    assert "请填写意见。" in response.content.decode()
    client.post(reverse("assessments:sign", args=[assessment.pk]), {"opinion": "同意上报"})
    assessment.refresh_from_db()
    assert assessment.current_step == "unit_head"
    client.force_login(people["alice"])
    response = client.post(reverse("assessments:sign", args=[assessment.pk]), {"opinion": "我自己签"}, follow=True)
    assert "应由单位负责人办理" in response.content.decode()


def test_every_save_records_field_changes_in_the_audit_trail(client, assessment, people):
    from tests.html_forms import form_data

    client.force_login(people["alice"])
    url = reverse("assessments:tab", args=[assessment.pk, "basic-data"])
    data = form_data(client.get(url).content.decode())
    data["facts-reception_budget"] = "0.5"
    client.post(url, data)
    event = AuditEvent.objects.get(assessment=assessment, action="save")
    assert event.changes == [{"where": "基础数据表·公务接待费·本年预算数", "old": "（空）", "new": "0.50"}]
    csv = client.get(reverse("assessments:audit", args=[assessment.pk]) + "?format=csv").content.decode("utf-8-sig")
    assert "公务接待费·本年预算数" in csv and "0.50" in csv


def test_inbox_lists_what_waits_for_each_user_with_deadlines(client, assessment, people):
    Deadline.objects.create(region=assessment.unit.region, year=2022, due=datetime.date(2023, 5, 31))
    client.force_login(people["alice"])
    html = client.get(reverse("inbox")).content.decode()
    assert "未提交（1）" in html and "截止 2023-05-31" in html and "已逾期" in html
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    client.force_login(people["bob"])
    html = client.get(reverse("inbox")).content.decode()
    assert "待我处理（1）" in html
    client.force_login(people["hank"])
    assert "待我处理（0）" in client.get(reverse("inbox")).content.decode()


def test_a_final_report_prints_its_project_tables_and_their_hints_as_frozen(assessment, people):
    """A snapshot keeps no ids of projects and rows, under which their explanations are stored: the project tables'
    提示 and explanations are frozen at signing and the final report's appendix prints them from there."""
    from assessments.checks import project_checks
    from assessments.models import FindingExplanation
    from assessments.reports.render import render_report_html
    from assessments.selectors import assessment_data
    from tests.assessments.projects.test_projects import seed_001_project

    project = seed_001_project(assessment)
    checks = next(c for c in project_checks(assessment_data(assessment)) if c.project.pk == project.pk)
    assert checks.hints, "the seed project has a 提示 to explain"
    hint = checks.hints[0]
    FindingExplanation.objects.create(assessment=assessment, key=hint.key, text="项目的说明")
    final = submit_and_sign_to(assessment, people, "none")
    assert final.status == "final"
    frozen = Snapshot.objects.latest_for(final).data["project_hint_notes"]
    assert [f"项目“{project.name}”：{hint.finding.message}", "项目的说明"] in frozen
    html = render_report_html(Assessment.objects.select_related("unit__region").get(pk=final.pk))
    assert project.name in html
    appendix = html[html.index('id="hint-notes"') :]
    assert f"项目“{project.name}”：{hint.finding.message}" in appendix and "项目的说明" in appendix
