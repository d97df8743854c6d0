"""批量签署: a 主管部门 or finance reviewer signs several assessments with one opinion; each signature is recorded
separately and each refusal is reported for its own assessment."""

from django.urls import reverse

from assessments.models import AuditEvent, SignOff
from assessments.services import assessment_create
from assessments.workflow import services as workflow
from tests.assessments.workflow.conftest import submit_and_sign_to
from units.models import Membership, Role, Unit


def second_assessment(unit_of, people, django_user_model):
    """Another unit under the same department, with its own preparer and reviewers (bob and hank again)."""
    unit = Unit.objects.create(code=f"{unit_of.code}-b", name="乙二单位", region=unit_of.region, parent=unit_of.parent)
    for who, role in (("alice", Role.PREPARER), ("bob", Role.GROUP_LEADER), ("hank", Role.UNIT_HEAD)):
        Membership.objects.create(user=people[who], unit=unit, role=role)
    return assessment_create(unit=unit, year=2022, user=people["alice"])


def test_the_supervisor_signs_two_at_once_each_recorded_and_a_wrong_step_refused_alone(
    client, assessment, people, django_user_model
):
    first = submit_and_sign_to(assessment, people, "supervisor")
    second = submit_and_sign_to(second_assessment(assessment.unit, people, django_user_model), people, "supervisor")
    third = assessment_create(unit=assessment.unit, year=2023, user=people["alice"])
    third = submit_and_sign_to(third, people, "unit_head")  # not a batch step

    client.force_login(people["dave"])
    page = client.get(reverse("inbox")).content.decode()
    assert page.count("data-batch") == 2 and 'id="batch-sign-panel"' in page
    response = client.post(
        reverse("inbox_batch_sign"),
        {"assessment": [first.pk, second.pk, third.pk], "opinion": "经审核，同意。"},
        follow=True,
    )
    text = response.content.decode()
    assert "已签署 2 份" in text and "未签署" in text
    for signed in (first, second):
        signed.refresh_from_db()
        assert signed.current_step == "finance"
        assert SignOff.objects.filter(assessment=signed, step="supervisor", signer=people["dave"]).count() == 1
        assert AuditEvent.objects.filter(assessment=signed, action="sign", detail="经审核，同意。").count() == 1
    third.refresh_from_db()
    assert third.current_step == "unit_head" and not SignOff.objects.filter(assessment=third, signer=people["dave"])


def test_a_batch_item_failing_its_check_is_refused_and_the_others_signed(assessment, people, django_user_model):
    first = submit_and_sign_to(assessment, people, "supervisor")
    second = submit_and_sign_to(second_assessment(assessment.unit, people, django_user_model), people, "supervisor")
    # dave is the department's: he signs both. fiona is the first unit's finance reviewer only.
    result = workflow.assessment_sign_many(assessments=[first, second], user=people["dave"], opinion="同意")
    assert len(result.signed) == 2
    first.refresh_from_db(), second.refresh_from_db()
    result = workflow.assessment_sign_many(assessments=[first, second], user=people["fiona"], opinion="同意定稿")
    assert [a.pk for a in result.signed] == [first.pk]
    [(refused, reason)] = result.refused
    assert (refused.pk, reason) == (
        second.pk,
        "当前步骤“财政归口业务科室审核”应由财政归口业务科室审核人办理，您没有这个身份，也没有有效的委托。",
    )
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == ("final", "in_review")


def test_a_batch_needs_an_opinion_and_a_choice(client, assessment, people):
    client.force_login(people["dave"])
    assert "请勾选要签署的自评。" in client.post(reverse("inbox_batch_sign"), {}, follow=True).content.decode()
    first = submit_and_sign_to(assessment, people, "supervisor")
    page = client.post(reverse("inbox_batch_sign"), {"assessment": [first.pk], "opinion": " "}, follow=True)
    assert "请填写意见。" in page.content.decode()
    first.refresh_from_db()
    assert first.current_step == "supervisor"


def test_a_batch_refuses_each_assessment_not_at_a_batch_step_naming_its_status(assessment, people):
    """A draft and one waiting for 单位负责人 are refused one by one, each with its own status; nothing is signed."""
    waiting = submit_and_sign_to(assessment, people, "unit_head")
    draft = assessment_create(unit=assessment.unit, year=2023, user=people["alice"])
    result = workflow.assessment_sign_many(assessments=[waiting, draft], user=people["dave"], opinion="同意")
    assert result.signed == []
    assert [(a.pk, reason) for a, reason in result.refused] == [
        (
            waiting.pk,
            "批量签署只适用于“主管部门审核”和“财政归口业务科室审核”，这份自评当前为“待单位负责人审签”，请逐份办理。",
        ),
        (draft.pk, "批量签署只适用于“主管部门审核”和“财政归口业务科室审核”，这份自评当前为“草稿”，请逐份办理。"),
    ]
    assert not SignOff.objects.filter(signer=people["dave"]).exists()
