"""The workflow's personas on the shared `unit` (tests/conftest.py) and a helper that walks an assessment along."""

import pytest

from assessments.workflow import services as workflow
from units.models import Membership, Role


@pytest.fixture
def people(django_user_model, unit, department, alice, bob, dave):
    """alice 填表人, bob 评价组组长, hank 单位负责人, dave 主管部门, fiona 财政, ada 管理员, charlie stranger."""

    def member(username, name, role, at=unit):
        user = django_user_model.objects.create_user(username=username, first_name=name, password="x")
        Membership.objects.create(user=user, unit=at, role=role)
        return user

    return {
        "alice": alice,
        "bob": bob,
        "hank": member("hank", "韩负责人", Role.UNIT_HEAD),
        "dave": dave,
        "fiona": member("fiona", "傅科长", Role.FINANCE),
        "ada": member("ada", "安管理员", Role.ADMIN),
    }


def submit_and_sign_to(assessment, people, step: str):
    workflow.assessment_submit(assessment=assessment, user=people["alice"])
    order = [("group_leader", "bob"), ("unit_head", "hank"), ("supervisor", "dave"), ("finance", "fiona")]
    for code, who in order:
        assessment.refresh_from_db()
        if code == step:
            return assessment
        workflow.assessment_sign(assessment=assessment, user=people[who], opinion=f"{who} 同意")
    assessment.refresh_from_db()
    return assessment
