"""批量签署 in the browser: the 主管部门 reviewer ticks two assessments in 待我处理, signs them with one opinion, and
each moves on to the finance step with its own signature."""

from playwright.sync_api import expect

from assessments.models import SignOff
from assessments.services import assessment_create
from assessments.workflow import services as workflow
from tests.e2e.conftest import login
from units.models import Membership, Role, Unit

PASSWORD = "secret-pass-123"


def test_the_supervisor_signs_two_assessments_with_one_opinion(
    page, live_server, screenshot, frameworks, region, department, django_user_model
):
    def user(username, name):
        return django_user_model.objects.create_user(username=username, first_name=name, password=PASSWORD)

    preparer, leader, head = user("prep", "填表人"), user("leader", "组长"), user("head", "负责人")
    supervisor = user("super", "主管审核人")
    Membership.objects.create(user=supervisor, unit=department, role=Role.SUPERVISOR)
    assessments = []
    for number in (1, 2):
        unit = Unit.objects.create(code=f"U-00{number}", name=f"第{number}单位", region=region, parent=department)
        for who, role in ((preparer, Role.PREPARER), (leader, Role.GROUP_LEADER), (head, Role.UNIT_HEAD)):
            Membership.objects.create(user=who, unit=unit, role=role)
        assessment = assessment_create(unit=unit, year=2022, user=preparer)
        workflow.assessment_submit(assessment=assessment, user=preparer)
        for signer in (leader, head):
            assessment.refresh_from_db()
            workflow.assessment_sign(assessment=assessment, user=signer, opinion="同意")
        assessments.append(assessment)

    login(page, live_server, "super", PASSWORD)
    page.goto(f"{live_server.url}/inbox/")
    boxes = page.locator("#inbox-waiting input[data-batch]")
    expect(boxes).to_have_count(2)
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.fill("#batch-opinion", "经审核，同意上报财政。")
    screenshot("batch-sign-1-ticked")
    page.locator("#batch-sign-button").click()
    expect(page.locator(".alert-success")).to_contain_text("已签署 2 份")
    expect(page.locator("#inbox-waiting")).to_contain_text("没有等待您审签的自评")
    expect(page.locator("#inbox-handled")).to_contain_text("第1单位")
    screenshot("batch-sign-2-done")
    for assessment in assessments:
        assessment.refresh_from_db()
        assert assessment.current_step == "finance"
        assert SignOff.objects.get(assessment=assessment, step="supervisor").opinion == "经审核，同意上报财政。"
