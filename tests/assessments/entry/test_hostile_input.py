"""Inputs the fuzz tests (tests/fuzz) found breaking a page — a server error, or a row too long for PostgreSQL — kept
as regular tests: each is refused with a Chinese message, or stored within its columns."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.forms import NUL_IN_TEXT, NUMBER_IN_TEXT_TOO_BIG, ORDER_OUT_OF_RANGE
from assessments.models import Assessment, AuditEvent, Evidence, Facts, IndicatorRow, Notification, Project, ReScore
from assessments.workflow import services as workflow
from tests.html_forms import form_data
from units.models import Membership, Role, Staffing

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def column_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def tab_url(assessment, tab: str) -> str:
    return reverse("assessments:tab", args=[assessment.pk, tab])


def loaded(client, assessment, tab: str) -> dict:
    return form_data(client.get(tab_url(assessment, tab)).content.decode())


def test_a_save_whose_next_page_is_not_a_path_stays_on_the_tab(client, alice, assessment):
    client.force_login(alice)
    data = loaded(client, assessment, "narrative") | {"next": "1e400", "basic_info": "本单位职能"}
    response = client.post(tab_url(assessment, "narrative"), data)
    assert response.status_code == 302
    assert response["Location"] == tab_url(assessment, "narrative")


def test_a_count_with_thousands_of_digits_is_refused_next_to_its_field_and_kept(client, alice, assessment):
    client.force_login(alice)
    digits = "9" * 5000
    data = loaded(client, assessment, "basic") | {"staffing-staff_quota": digits}
    response = client.post(tab_url(assessment, "basic"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "数值过大，请检查是否多输入了数字。" in html
    assert form_data(html)["staffing-staff_quota"] == digits
    assert Staffing.objects.get(unit=assessment.unit, year=2022).staff_quota == 26
    assert Assessment.objects.get(pk=assessment.pk).lock_version == 0


@pytest.fixture
def people(django_user_model, unit, alice, bob, dave):
    def member(username, role):
        user = django_user_model.objects.create_user(username=username, password="x")
        Membership.objects.create(user=user, unit=unit, role=role)
        return user

    return {"alice": alice, "bob": bob, "hank": member("hank", Role.UNIT_HEAD), "dave": dave}


@pytest.fixture
def at_finance(assessment, people, django_user_model, unit):
    """Signed by every step before the finance section's, which fiona holds."""
    facts = Facts.objects.get(assessment=assessment)
    facts.budget_full_year, facts.spending_actual = Decimal(100), Decimal(95)
    facts.save()
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    for who in ("bob", "hank", "dave"):
        assessment.refresh_from_db()
        workflow.assessment_sign(assessment=assessment, user=people[who], opinion="同意")
    assessment.refresh_from_db()
    fiona = django_user_model.objects.create_user(username="fiona", password="x")
    Membership.objects.create(user=fiona, unit=unit, role=Role.FINANCE)
    return assessment, fiona


@pytest.mark.parametrize(
    ("score", "message"),
    [("NaN", "复核得分应为数字。"), ("sNaN", "复核得分应为数字。"), ("0.125", "复核得分最多保留 2 位小数。")],
)
def test_a_rescore_that_is_not_a_number_of_two_places_is_refused_saying_why(client, at_finance, score, message):
    assessment, fiona = at_finance
    client.force_login(fiona)
    response = client.post(
        reverse("assessments:rescore", args=[assessment.pk]),
        {"indicator": "budget_execution", "score": score, "reason": "抽查"},
        follow=True,
    )
    assert message in response.content.decode()
    assert not ReScore.objects.exists()


def test_the_rescore_service_refuses_nan_instead_of_failing_to_compare_it(at_finance):
    assessment, fiona = at_finance
    with pytest.raises(ValidationError, match="复核得分应为数字"):
        workflow.assessment_rescore(
            assessment=assessment, user=fiona, indicator_key="budget_execution", score=Decimal("NaN"), reason="抽查"
        )


def test_an_opinion_or_reason_holding_a_nul_character_is_refused_saying_why(assessment, people):
    """PostgreSQL cannot store NUL in text: the request failed with a server error there."""
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assessment.refresh_from_db()
    with pytest.raises(ValidationError, match="意见含有不可见的控制字符"):
        workflow.assessment_sign(assessment=assessment, user=people["bob"], opinion="同意\x00")
    with pytest.raises(ValidationError, match="退回原因含有不可见的控制字符"):
        workflow.assessment_return(assessment=assessment, user=people["bob"], reason="\x00数据有误")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.current_step) == ("in_review", "group_leader")


def test_a_long_return_reason_is_audited_whole_and_shortened_in_the_notification(assessment, people):
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    assessment.refresh_from_db()
    reason = "退回原因。" * 200
    workflow.assessment_return(assessment=assessment, user=people["bob"], reason=reason)
    assert AuditEvent.objects.get(assessment=assessment, action="return").detail == reason
    notification = Notification.objects.get(user=people["alice"], message__contains="被退回修改。原因：退回原因。")
    assert len(notification.message) == column_length(Notification, "message")


def test_a_project_with_a_long_name_is_added_with_its_audit_label_within_the_column(client, alice, assessment):
    client.force_login(alice)
    name = "项" * column_length(Project, "name")
    response = client.post(
        reverse("assessments:project_add", args=[assessment.pk]),
        {
            "project-name": name,
            "project-supervising_department": "",
            "project-implementing_unit": "",
            "lock_version": 0,
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(assessment=assessment, action="project_add")
    assert len(event.action_label) <= column_length(AuditEvent, "action_label")
    assert event.changes == [{"where": "项目", "old": "（无此项目）", "new": name}]


def test_evidence_with_a_long_file_name_is_uploaded_with_its_audit_label_within_the_column(
    client, alice, assessment, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(alice)
    name = "佐" * 190 + ".pdf"
    response = client.post(
        reverse("assessments:evidence_upload", args=[assessment.pk]),
        {"file": SimpleUploadedFile(name, PDF), "attached_to": "section:basic_info", "description": ""},
    )
    assert response.status_code == 302
    assert Evidence.objects.get(assessment=assessment).original_name == name
    event = AuditEvent.objects.get(assessment=assessment, action="evidence_add")
    assert len(event.action_label) <= column_length(AuditEvent, "action_label")


@pytest.mark.parametrize("order", ["-1", "9223372036854775808"])
def test_a_row_order_outside_the_position_column_is_refused_and_nothing_is_saved(client, alice, assessment, order):
    client.force_login(alice)
    data = loaded(client, assessment, "finance") | {"inst-0-ORDER": order, "inst-0-name": "本级"}
    response = client.post(tab_url(assessment, "finance"), data)
    assert response.status_code == 200
    assert ORDER_OUT_OF_RANGE in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).lock_version == 0


def test_text_holding_a_nul_character_is_refused_next_to_its_field_and_kept(client, alice, assessment):
    client.force_login(alice)
    data = loaded(client, assessment, "narrative") | {"basic_info": "本单位\x00职能"}
    response = client.post(tab_url(assessment, "narrative"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert NUL_IN_TEXT in html
    assert Assessment.objects.get(pk=assessment.pk).lock_version == 0


@pytest.fixture
def project_with_row(assessment):
    project = Project.objects.create(assessment=assessment, position=1, name="老干部活动经费")
    IndicatorRow.objects.create(
        assessment=assessment,
        project=project,
        position=1,
        group_code="quantity",
        name="开展学习活动",
        weight=Decimal(10),
        kind="quantitative",
        target_value="≥12次",
        target_number=Decimal(12),
        target_comparator=">=",
    )
    return project


def test_an_actual_value_with_a_number_too_big_to_score_is_refused_next_to_it_and_previewed(
    client, alice, project_with_row
):
    client.force_login(alice)
    url = reverse("assessments:project", args=[project_with_row.assessment_id, project_with_row.pk])
    data = form_data(client.get(url).content.decode()) | {"row-0-actual_value": "1" + "0" * 26 + "次"}
    preview = client.post(
        reverse("assessments:project_preview", args=[project_with_row.assessment_id, project_with_row.pk]), data
    )
    assert preview.status_code == 200
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert NUMBER_IN_TEXT_TOO_BIG.format(digits=12) in html
    assert form_data(html)["row-0-actual_value"] == "1" + "0" * 26 + "次"
    assert IndicatorRow.objects.get(project=project_with_row).actual_number is None
