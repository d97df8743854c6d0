"""整改事项: listed when an assessment becomes final (and by a command for those final before), updated by the unit's
preparers with an audit entry, hidden from everyone outside the unit; the final assessment itself never changes."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, AuditEvent, RectificationItem, Snapshot
from assessments.rectification.forms import EMPTY_ITEM, NOTE_REQUIRED
from assessments.rectification.services import NOT_FINAL, default_due_date, rectification_items_create

# The demo is finalised long after 2022: the default due date is the end of this year, not one already past.
DUE = datetime.date(timezone.localdate().year, 12, 31)
MEASURE_ONLY = "建立完善预算绩效管理机制"


def _items(assessment):
    return list(RectificationItem.objects.filter(assessment=assessment))


def test_finalising_lists_one_item_per_problem_and_measure_of_the_report(finalised_futian):
    items = _items(finalised_futian)
    assert len(items) == 3
    assert items[0].problem.startswith("部分绩效指标不够细化量化") and items[0].measure == "细化量化预算绩效指标"
    assert items[1].problem.startswith("固定资产管理有待加强") and items[1].measure.startswith("强化资产管理")
    assert (items[2].problem, items[2].measure) == ("", MEASURE_ONLY)
    assert {item.status for item in items} == {"not_started"}
    assert {item.due_date for item in items} == {DUE}
    event = AuditEvent.objects.get(assessment=finalised_futian, action="rectify")
    assert event.action_label == "按定稿报告列出整改事项 3 项"


def test_items_are_due_by_the_end_of_the_year_after_the_assessed_one_never_in_the_past():
    this_year = timezone.localdate().year
    assert default_due_date(Assessment(year=this_year)) == datetime.date(this_year + 1, 12, 31)
    assert default_due_date(Assessment(year=this_year - 1)) == datetime.date(this_year, 12, 31)
    assert default_due_date(Assessment(year=this_year - 5)) == datetime.date(this_year, 12, 31)


def test_listing_again_adds_nothing_and_the_command_lists_what_was_final_before(finalised_futian):
    assert rectification_items_create(assessment=finalised_futian) == []
    RectificationItem.objects.all().delete()
    out = io.StringIO()
    call_command("create_rectification_items", stdout=out)
    assert "为其中 1 份新列出整改事项 3 项" in out.getvalue()
    call_command("create_rectification_items", stdout=out)
    assert len(_items(finalised_futian)) == 3
    assert AuditEvent.objects.filter(assessment=finalised_futian, action="rectify").last().user_name == "系统"


def test_a_draft_has_no_items(demo):
    from tests.assessments.reports.conftest import FUTIAN

    assert rectification_items_create(assessment=demo[FUTIAN]) == []


def test_the_final_assessment_and_its_snapshot_stay_as_frozen(client, finalised_futian, users):
    snapshot = Snapshot.objects.get(assessment=finalised_futian)
    version = finalised_futian.lock_version
    item = _items(finalised_futian)[0]
    client.force_login(users["ft-preparer"])
    response = client.post(
        reverse("assessments:rectification_item", args=[finalised_futian.pk, item.pk]),
        {
            f"item-{item.pk}-problem": item.problem,
            f"item-{item.pk}-measure": item.measure,
            f"item-{item.pk}-responsible": "王会计",
            f"item-{item.pk}-due_date": "2022-06-30",
            f"item-{item.pk}-status": "in_progress",
            f"item-{item.pk}-note": "已修订绩效指标模板",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.responsible, item.due_date, item.status) == ("王会计", datetime.date(2022, 6, 30), "in_progress")
    assert item.updated_by == users["ft-preparer"]
    stored = Assessment.objects.get(pk=finalised_futian.pk)
    assert (stored.status, stored.lock_version) == ("final", version)
    assert Snapshot.objects.get(assessment=finalised_futian).sha256 == snapshot.sha256
    event = AuditEvent.objects.filter(assessment=finalised_futian, action="rectify").last()
    assert event.user == users["ft-preparer"]
    changes = {c["where"].split("·")[-1]: (c["old"], c["new"]) for c in event.changes}
    assert changes["整改状态"] == ("未开始", "整改中")
    assert changes["责任人"] == ("（空）", "王会计")
    assert changes["完成时限"] == (DUE.isoformat(), "2022-06-30")


def _post(item, **values):
    base = {
        "problem": item.problem,
        "measure": item.measure,
        "responsible": "",
        "due_date": DUE.isoformat(),
        "status": "not_started",
        "note": "",
    }
    return {f"item-{item.pk}-{k}": v for k, v in {**base, **values}.items()}


def test_cannot_complete_without_saying_why_and_nothing_is_saved(client, finalised_futian, users):
    item = _items(finalised_futian)[0]
    client.force_login(users["ft-preparer"])
    url = reverse("assessments:rectification_item", args=[finalised_futian.pk, item.pk])
    response = client.post(url, _post(item, status="impossible"))
    assert response.status_code == 400
    assert NOTE_REQUIRED in response.content.decode()
    response = client.post(url, _post(item, problem="", measure="", due_date="明年"))
    page = response.content.decode()
    assert EMPTY_ITEM in page and "请填写日期" in page
    item.refresh_from_db()
    assert item.status == "not_started" and item.problem


def test_the_preparer_adds_an_item_the_split_missed(client, finalised_futian, users):
    client.force_login(users["ft-preparer"])
    response = client.post(
        reverse("assessments:rectification_add", args=[finalised_futian.pk]),
        {
            "new-problem": "会议费超预算",
            "new-measure": "严格会议审批",
            "new-responsible": "李主任",
            "new-due_date": "2022-09-30",
            "new-status": "not_started",
        },
    )
    assert response.status_code == 302
    added = _items(finalised_futian)[-1]
    assert (added.problem, added.source, added.position) == ("会议费超预算", "added", 3)
    assert AuditEvent.objects.filter(action_label="补充整改事项：会议费超预算").exists()


def test_items_are_added_only_to_a_final_assessment(client, demo, users):
    from tests.assessments.reports.conftest import FUTIAN

    client.force_login(users["ft-preparer"])
    response = client.post(
        reverse("assessments:rectification_add", args=[demo[FUTIAN].pk]),
        {"new-problem": "甲", "new-status": "not_started"},
        follow=True,
    )
    assert NOT_FINAL in response.content.decode()
    assert not RectificationItem.objects.exists()


def test_the_page_lists_the_items_and_a_reader_sees_them_read_only(client, finalised_futian, users):
    url = reverse("assessments:rectification", args=[finalised_futian.pk])
    client.force_login(users["ft-preparer"])
    page = client.get(url).content.decode()
    assert "细化量化预算绩效指标" in page and MEASURE_ONLY in page and "补充整改事项" in page
    client.force_login(users["ft-leader"])
    page = client.get(url).content.decode()
    assert "细化量化预算绩效指标" in page and "补充整改事项" not in page and "disabled" in page


def test_a_reader_may_not_change_an_item(client, finalised_futian, users):
    item = _items(finalised_futian)[0]
    client.force_login(users["ft-leader"])
    url = reverse("assessments:rectification_item", args=[finalised_futian.pk, item.pk])
    assert client.post(url, _post(item, status="done")).status_code == 403
    item.refresh_from_db()
    assert item.status == "not_started"


@pytest.mark.parametrize(("name", "method"), [("rectification", "get"), ("rectification_add", "post")])
def test_another_unit_gets_404(client, finalised_futian, users, name, method):
    client.force_login(users["zz-preparer"])
    url = reverse(f"assessments:{name}", args=[finalised_futian.pk])
    assert getattr(client, method)(url).status_code == 404


def test_another_unit_cannot_reach_an_item_through_its_own_assessment(client, finalised_futian, demo, users):
    from tests.assessments.reports.conftest import ZHUZHOU

    item = _items(finalised_futian)[0]
    client.force_login(users["zz-preparer"])
    for assessment in (finalised_futian, demo[ZHUZHOU]):
        url = reverse("assessments:rectification_item", args=[assessment.pk, item.pk])
        assert client.post(url, _post(item, status="done")).status_code == 404
    item.refresh_from_db()
    assert item.status == "not_started"


def test_a_new_finalisation_adds_the_new_pairs_and_drops_only_untouched_stale_items(finalised_futian, users):
    from assessments.models import NarrativeSection
    from assessments.workflow import services as workflow
    from tests.assessments.reports.conftest import load

    first, second, third = _items(finalised_futian)
    first.status = RectificationItem.Status.IN_PROGRESS
    first.save()
    workflow.assessment_reopen(assessment=finalised_futian, user=users["admin"], reason="补充整改措施")
    section = NarrativeSection.objects.get(assessment=finalised_futian, key="evaluation")
    section.body = "存在问题：部分绩效指标不够细化量化；会议费超预算。\n整改措施：细化量化预算绩效指标；严格会议审批。"
    section.save()
    assessment = load(finalised_futian.pk)
    workflow.assessment_submit(assessment=assessment, user=users["ft-preparer"])
    suffix = {"group_leader": "leader", "unit_head": "head", "supervisor": "supervisor", "finance": "finance"}
    for step in workflow.steps_for(assessment.unit):
        workflow.assessment_sign(assessment=load(assessment.pk), user=users[f"ft-{suffix[step.code]}"], opinion="同意")
    items = _items(finalised_futian)
    # The item worked on is kept whatever the new text; the untouched ones the report no longer names are gone.
    assert first in items and second not in items and third not in items
    assert [(i.problem, i.measure) for i in items[1:]] == [
        ("部分绩效指标不够细化量化", "细化量化预算绩效指标"),
        ("会议费超预算", "严格会议审批"),
    ]
