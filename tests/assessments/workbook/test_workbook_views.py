"""The Excel page: download for anyone who may see the assessment, upload → preview → apply for writers only."""

from decimal import Decimal

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Assessment, Facts
from assessments.workbook.imports import STALE_PREVIEW, XLS
from assessments.workbook.views import EXPIRED, NO_FILE, PENDING_PREFIX
from tests.assessments.workbook.workbook_helpers import edited, exported


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def url(name, assessment):
    return reverse(f"assessments:{name}", args=[assessment.pk])


def upload(client, assessment, content: bytes, name="自评.xlsx"):
    return client.post(url("workbook_upload", assessment), {"file": SimpleUploadedFile(name, content)})


def filled(assessment, **values) -> bytes:
    return edited(exported(assessment), {("facts", name): value for name, value in values.items()})


def test_the_page_offers_the_download_and_the_upload(client, alice, assessment):
    client.force_login(alice)
    response = client.get(url("workbook", assessment))
    assert response.status_code == 200
    html = response.content.decode()
    assert url("workbook_download", assessment) in html
    assert url("workbook_upload", assessment) in html


def test_every_tab_links_to_the_excel_page(client, alice, assessment):
    client.force_login(alice)
    response = client.get(reverse("assessments:tab", args=[assessment.pk, "basic-data"]))
    assert url("workbook", assessment) in response.content.decode()


def test_the_download_is_an_xlsx_named_after_the_unit_and_year(client, alice, assessment):
    client.force_login(alice)
    response = client.get(url("workbook_download", assessment))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "2022" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"PK\x03\x04")


def test_stranger_gets_404_everywhere(client, charlie, assessment):
    client.force_login(charlie)
    for name in ("workbook", "workbook_download"):
        assert client.get(url(name, assessment)).status_code == 404
    assert upload(client, assessment, b"x").status_code == 404
    assert client.post(url("workbook_apply", assessment), {"token": "x", "lock_version": 0}).status_code == 404


def test_read_only_member_may_download_but_not_upload_or_apply(client, bob, assessment):
    client.force_login(bob)
    assert client.get(url("workbook_download", assessment)).status_code == 200
    page = client.get(url("workbook", assessment)).content.decode()
    assert url("workbook_upload", assessment) not in page
    assert upload(client, assessment, exported(assessment)).status_code == 403
    assert client.post(url("workbook_apply", assessment), {"token": "x", "lock_version": 0}).status_code == 403


def test_upload_shows_the_preview_and_saves_nothing_until_confirmed(client, alice, assessment, settings):
    client.force_login(alice)
    response = upload(client, assessment, filled(assessment, reception_actual="１２．５"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "公务接待费·本年决算数" in html and "12.5" in html and "确认导入" in html
    assert Facts.objects.get(assessment=assessment).reception_actual is None
    token = response.context["token"]
    assert caches["shared"].get(f"{PENDING_PREFIX}{token}") is not None

    applied = client.post(url("workbook_apply", assessment), {"token": token, "lock_version": 0})
    assert applied.status_code == 302
    assert Facts.objects.get(assessment=assessment).reception_actual == Decimal("12.50")
    assert Assessment.objects.get(pk=assessment.pk).lock_version == 1
    # The upload is used once.
    again = client.post(url("workbook_apply", assessment), {"token": token, "lock_version": 1})
    assert EXPIRED in again.content.decode()


def test_a_stale_apply_is_refused_and_nothing_is_saved(client, alice, assessment):
    client.force_login(alice)
    token = upload(client, assessment, filled(assessment, reception_actual=3)).context["token"]
    Assessment.objects.filter(pk=assessment.pk).update(lock_version=5)
    response = client.post(url("workbook_apply", assessment), {"token": token, "lock_version": 0})
    assert response.status_code == 422
    assert STALE_PREVIEW.format(current=5) in response.content.decode()
    assert Facts.objects.get(assessment=assessment).reception_actual is None


def test_errors_are_listed_all_at_once_and_there_is_nothing_to_confirm(client, alice, assessment):
    client.force_login(alice)
    response = upload(client, assessment, filled(assessment, reception_actual="abc", reception_budget="-1"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "2 处错误" in html and "基础数据表·公务接待费·本年决算数（附件1-1 D13）：" in html
    assert "确认导入" not in html


def test_a_refused_file_is_explained_on_the_page(client, alice, assessment):
    client.force_login(alice)
    response = upload(client, assessment, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, name="旧表.xls")
    assert response.status_code == 422
    html = response.content.decode()
    assert XLS in html and "旧表.xls" in html and "未保存任何数据" in html


def test_no_file_is_explained(client, alice, assessment):
    client.force_login(alice)
    response = client.post(url("workbook_upload", assessment))
    assert NO_FILE in response.content.decode()


def test_another_users_upload_cannot_be_applied(client, alice, assessment, django_user_model):
    from units.models import Membership, Role

    client.force_login(alice)
    token = upload(client, assessment, filled(assessment, reception_actual=3)).context["token"]
    other = django_user_model.objects.create_user("erin", password="x")
    Membership.objects.create(user=other, unit=assessment.unit, role=Role.PREPARER)
    client.force_login(other)
    response = client.post(url("workbook_apply", assessment), {"token": token, "lock_version": 0})
    assert response.status_code == 404


def test_a_made_up_token_is_refused(client, alice, assessment):
    client.force_login(alice)
    response = client.post(url("workbook_apply", assessment), {"token": "../../etc/passwd", "lock_version": 0})
    assert EXPIRED in response.content.decode()


def test_an_applied_import_is_recorded_in_the_audit_trail(alice, assessment):
    import io

    from assessments.models import AuditEvent
    from assessments.workbook.imports import parse_workbook, workbook_import
    from tests.assessments.workbook.workbook_helpers import edited, exported

    content = edited(exported(assessment), {("facts", "reception_budget"): "0.5"})
    result = workbook_import(
        assessment=assessment,
        parsed=parse_workbook(io.BytesIO(content)),
        user=alice,
        expected_version=assessment.lock_version,
        apply=True,
    )
    assert result.applied
    event = AuditEvent.objects.get(assessment=assessment, action_label="Excel 导入")
    assert [(change["where"], change["new"]) for change in event.changes] == [
        ("基础数据表·公务接待费·本年预算数（附件1-1 C13）", "0.50 万元")
    ]
