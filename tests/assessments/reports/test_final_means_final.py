"""Final means final: every screen of a final assessment shows what was frozen, a tampered snapshot is refused, and
the database refuses every change to a final assessment whatever path the write takes."""

import logging

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from assessments import frozen
from assessments.models import (
    Assessment,
    Facts,
    FinalisedError,
    FindingExplanation,
    IndicatorRow,
    SignOff,
    Snapshot,
    SnapshotTampered,
)
from assessments.selectors import assessment_data, assessment_data_many
from assessments.workflow import services as workflow
from units.models import Membership, Role, Staffing

from .conftest import load


def _refused(write) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        write()


def test_the_screens_of_a_final_assessment_keep_the_frozen_staffing(finalised_futian, client, django_user_model):
    frozen_total = assessment_data(load(finalised_futian.pk)).scored().sheet.total
    staffing = Staffing.objects.get(unit=finalised_futian.unit, year=finalised_futian.year)
    Staffing.objects.filter(pk=staffing.pk).update(staff_actual=staffing.staff_actual + 5, staff_quota=1)
    assert assessment_data(load(finalised_futian.pk)).scored().sheet.total == frozen_total

    client.force_login(django_user_model.objects.get(username="ft-preparer"))
    html = client.get(reverse("assessments:tab", args=[finalised_futian.pk, "score"])).content.decode()
    assert f"{frozen_total}" in html
    basic = client.get(reverse("assessments:tab", args=[finalised_futian.pk, "basic"])).content.decode()
    assert f'value="{staffing.staff_actual}"' in basic


def test_many_at_once_read_a_final_assessment_as_frozen_too(finalised_futian, demo):
    """The region-year what-if reads thousands of assessments at once: a final one among them keeps its frozen
    staffing and totals there as well, and a draft beside it reads the live staffing."""
    frozen_total = assessment_data(load(finalised_futian.pk)).scored().sheet.total
    draft = demo["430200-101"]
    Staffing.objects.filter(unit=finalised_futian.unit, year=finalised_futian.year).update(staff_actual=999)
    Staffing.objects.filter(unit=draft.unit, year=draft.year).update(staff_actual=98)
    final_data, draft_data = assessment_data_many([load(finalised_futian.pk), load(draft.pk)])
    assert final_data.staffing.staff_actual != 999
    assert final_data.scored().sheet.total == frozen_total
    assert draft_data.staffing.staff_actual == 98


def test_a_live_draft_still_reads_the_units_staffing(demo):
    draft = demo["430200-101"]
    Staffing.objects.filter(unit=draft.unit, year=draft.year).update(staff_actual=99)
    assert assessment_data(load(draft.pk)).staffing.staff_actual == 99


def test_the_report_of_a_tampered_snapshot_is_refused_and_alerted(finalised_futian, client, django_user_model, caplog):
    snapshot = Snapshot.objects.latest_for(finalised_futian)
    data = snapshot.data
    data["assessment"]["score"]["total"] = "100.00"
    with frozen.guards_lifted():  # what a raw SQL edit past every guard would do
        Snapshot.objects.filter(pk=snapshot.pk).update(data=data)
    client.force_login(django_user_model.objects.get(username="ft-head"))
    with caplog.at_level(logging.CRITICAL, logger="assessments.snapshots"):
        page = client.get(reverse("assessments:report", args=[finalised_futian.pk]))
    assert page.status_code == 400
    assert "100.00" not in page.content.decode()
    assert any("被篡改" in record.getMessage() for record in caplog.records)
    assert client.get(reverse("assessments:report_pdf", args=[finalised_futian.pk])).status_code == 400
    with pytest.raises(SnapshotTampered):
        Snapshot.objects.latest_for(finalised_futian).verified_data()


def test_the_database_refuses_changes_to_a_final_assessments_rows(finalised_futian):
    final = Assessment.objects.filter(pk=finalised_futian.pk)
    _refused(lambda: final.update(goal_planned="改过的目标"))
    _refused(lambda: final.delete())
    _refused(lambda: Facts.objects.filter(assessment=finalised_futian).update(spending_actual=1))
    _refused(lambda: IndicatorRow.objects.filter(assessment=finalised_futian).delete())
    # the 提示及说明 the signed report prints
    late = FindingExplanation(assessment=finalised_futian, key="late:x", text="事后补写")
    _refused(lambda: FindingExplanation.objects.bulk_create([late]))  # past the model's own refusal
    row = IndicatorRow.objects.filter(assessment=finalised_futian).first()
    row.pk = None
    _refused(lambda: IndicatorRow.objects.bulk_create([row]))
    _refused(lambda: SignOff.objects.filter(assessment=finalised_futian).update(opinion="伪造的意见"))
    with connection.cursor() as cursor:
        _refused(lambda: cursor.execute("UPDATE assessments_facts SET spending_actual = 1"))


def test_a_snapshot_is_never_changed_deleted_or_forged(finalised_futian):
    snapshot = Snapshot.objects.latest_for(finalised_futian)
    _refused(lambda: Snapshot.objects.filter(pk=snapshot.pk).update(sha256="0" * 64))
    _refused(lambda: Snapshot.objects.filter(pk=snapshot.pk).delete())
    forged = Snapshot(assessment=finalised_futian, data=snapshot.data, sha256=snapshot.sha256)
    with pytest.raises(FinalisedError):
        forged.save()
    _refused(lambda: Snapshot.objects.bulk_create([forged]))
    assert Snapshot.objects.filter(assessment=finalised_futian).count() == 1


def test_deleting_a_user_named_by_a_final_record_is_refused(finalised_futian, django_user_model):
    """Deleting a person would rewrite the frozen rows that name them (evidence uploader, finaliser, last editor):
    refused, so that people who leave are deactivated instead."""
    preparer = django_user_model.objects.get(username="ft-preparer")
    with pytest.raises(ProtectedError):
        preparer.delete()  # the last editor of the final assessment
    finaliser = Snapshot.objects.latest_for(finalised_futian).created_by
    with pytest.raises(ProtectedError):
        finaliser.delete()
    assert django_user_model.objects.filter(pk=preparer.pk).exists()


def test_reopening_still_works_and_voids_the_signatures(finalised_futian, django_user_model):
    admin = django_user_model.objects.create_user("ft-admin-2")
    Membership.objects.create(user=admin, unit=finalised_futian.unit, role=Role.ADMIN)
    workflow.assessment_reopen(assessment=load(finalised_futian.pk), user=admin, reason="数据需更正")
    reopened = load(finalised_futian.pk)
    assert reopened.status == Assessment.Status.DRAFT
    assert not SignOff.objects.filter(assessment=reopened, voided_at=None).exists()
    Facts.objects.filter(assessment=reopened).update(spending_actual=1)  # a draft again: writes are allowed
    assert Snapshot.objects.filter(assessment=reopened).count() == 1  # the old snapshot stays
