"""Fuzzing the 项目 tab: adding a project, saving a project table (附件1-3 with its indicator rows) and its live
preview. No server error; a refused request writes nothing; an accepted one is one new version."""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from assessments.models import IndicatorRow, Project
from tests.fuzz import budget
from tests.fuzz.state import assert_one_new_version, assert_unchanged, assessment_state, lock_version, post, rolled_back
from tests.fuzz.strategies import describe, mutated, posted, scalar
from tests.html_forms import form_data

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

NEW_ROW = {
    "group_code": "quantity",
    "name": "开展老干党支部学习活动",
    "weight": "6",
    "kind": "quantitative",
    "target_value": "每月一次",
    "target_number": "12",
    "target_comparator": ">=",
    "actual_value": "11次",
    "deviation_reason": "疫情影响",
}
ROW_EXTRA = ["ORDER", "DELETE", "id", "actual_number", "outcome", "score", "score_reason"]


@pytest.fixture
def project(assessment):
    project = Project.objects.create(
        assessment=assessment,
        position=1,
        name="离退休老干部业务专项资金",
        supervising_department="株洲市人民政府",
        implementing_unit="甲单位",
        fiscal_budget_initial=Decimal(38),
        fiscal_budget_full_year=Decimal(38),
        fiscal_spending_actual=Decimal(38),
    )
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
        actual_value="11次",
        actual_number=Decimal(11),
    )
    return project


@pytest.fixture
def project_form(client, alice, project):
    client.force_login(alice)
    response = client.get(reverse("assessments:project", args=[project.assessment_id, project.pk]))
    assert response.status_code == 200
    return form_data(response.content.decode())


@st.composite
def project_submission(draw, base: dict):
    data = dict(base)
    extra = []
    if draw(st.booleans()):
        index = int(base["row-TOTAL_FORMS"])
        data["row-TOTAL_FORMS"] = str(index + 1)
        data.update({f"row-{index}-{name}": text for name, text in NEW_ROW.items()})
        extra = [f"row-{index}-{name}" for name in [*NEW_ROW, *ROW_EXTRA]]
    existing = [f"row-0-{name}" for name in ROW_EXTRA]
    return draw(mutated(data, fields=[*data, *extra], extra_fields=existing))


@budget.examples(fuzz=600, quick=16)
@given(st.data())
def test_a_project_save_never_fails_and_a_refused_one_writes_nothing(client, project, project_form, data):
    submission = data.draw(project_submission(project_form))
    url = reverse("assessments:project", args=[project.assessment_id, project.pk])
    with rolled_back():
        before, version = assessment_state(project.assessment_id), lock_version(project.assessment_id)
        response = post(client, url, submission, name="project")
        if response.status_code == 302:
            assert_one_new_version(version, project.assessment_id, submission)
        else:
            assert_unchanged(before, assessment_state(project.assessment_id), submission)


@budget.examples(fuzz=300, quick=8)
@given(st.data())
def test_a_project_preview_answers_anything_and_never_writes(client, project, project_form, data):
    submission = data.draw(project_submission(project_form))
    url = reverse("assessments:project_preview", args=[project.assessment_id, project.pk])
    with rolled_back():
        before = assessment_state(project.assessment_id)
        post(client, url, submission, name="project_preview", allowed={200})
        assert_unchanged(before, assessment_state(project.assessment_id), submission)


ADD_BASE = {
    "project-name": "新增项目",
    "project-supervising_department": "株洲市人民政府",
    "project-implementing_unit": "甲单位",
    "lock_version": "0",
}


@budget.examples(fuzz=500, quick=12)
@given(submission=mutated(ADD_BASE, max_changes=4))
def test_adding_a_project_never_fails_and_a_refused_add_writes_nothing(client, alice, assessment, submission):
    client.force_login(alice)
    url = reverse("assessments:project_add", args=[assessment.pk])
    with rolled_back():
        before, version = assessment_state(assessment.pk), lock_version(assessment.pk)
        response = post(client, url, submission, name="project_add")
        if response.status_code == 302:
            assert_one_new_version(version, assessment.pk, submission)
            added = Project.objects.get(assessment=assessment)
            assert added.name == posted(submission, "project-name").strip(), describe(submission)
        else:
            assert_unchanged(before, assessment_state(assessment.pk), submission)


@budget.examples(fuzz=100, quick=4)
@given(lock=scalar)
def test_deleting_a_project_with_any_version_never_fails(client, alice, project, lock):
    client.force_login(alice)
    url = reverse("assessments:project_delete", args=[project.assessment_id, project.pk])
    with rolled_back():
        before, version = assessment_state(project.assessment_id), lock_version(project.assessment_id)
        post(client, url, {"lock_version": lock}, name="project_delete")
        if Project.objects.filter(pk=project.pk).exists():
            assert_unchanged(before, assessment_state(project.assessment_id), {"lock_version": lock})
        else:
            assert_one_new_version(version, project.assessment_id, {"lock_version": lock})
