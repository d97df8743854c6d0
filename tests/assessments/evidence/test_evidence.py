"""The 佐证材料 tab: files attached to an indicator or a report section — checked by extension and content,
stored under a generated name, downloaded only by those who may see the unit, deleted by its writers."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from assessments.evidence import services as ev
from assessments.models import AuditEvent, Evidence, IndicatorRow, Project

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def office(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def list_url(assessment):
    return reverse("assessments:evidence", args=[assessment.pk])


def upload_url(assessment):
    return reverse("assessments:evidence_upload", args=[assessment.pk])


def download_url(evidence):
    return reverse("assessments:evidence_download", args=[evidence.assessment_id, evidence.pk])


def delete_url(evidence):
    return reverse("assessments:evidence_delete", args=[evidence.assessment_id, evidence.pk])


def upload(client, assessment, name, content, attached_to="section:use_and_performance", description="会议纪要"):
    return client.post(
        upload_url(assessment),
        {"file": SimpleUploadedFile(name, content), "attached_to": attached_to, "description": description},
    )


def assert_refused(response, message, *, attached_to="section:use_and_performance", description="会议纪要"):
    """Refused next to the file field, with the choice and the 说明 still on the page, and nothing stored."""
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<div class="invalid-feedback d-block">{message}</div>' in html
    assert html.index(message) > html.index('name="file"')
    assert f'<option value="{attached_to}" selected>' in html
    assert f'value="{description}"' in html
    assert "请重新选择" in html
    assert not Evidence.objects.exists()


# --- upload and download ----------------------------------------------------------------------------------------


def test_an_uploaded_file_is_listed_and_downloaded_by_a_member_with_the_same_bytes(client, alice, bob, assessment):
    client.force_login(alice)
    response = upload(client, assessment, "2022年老干活动台账.pdf", PDF)
    assert response.status_code == 302
    assert response.url == list_url(assessment)
    evidence = Evidence.objects.get()
    assert evidence.original_name == "2022年老干活动台账.pdf"
    assert evidence.size == len(PDF)
    assert evidence.section_key == "use_and_performance" and evidence.indicator_code == ""
    assert evidence.uploaded_by == alice
    assert AuditEvent.objects.get(action="evidence_add").action_label == "上传佐证材料“2022年老干活动台账.pdf”"

    html = client.get(list_url(assessment)).content.decode()
    assert "2022年老干活动台账.pdf" in html
    assert "六、资金使用及绩效情况" in html
    assert "会议纪要" in html
    assert "alice" in html
    assert download_url(evidence) in html

    client.force_login(bob)  # a read-only member may download
    download = client.get(download_url(evidence))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''2022" in download["Content-Disposition"]


def test_the_file_is_stored_under_media_root_with_a_generated_name(client, alice, assessment, media):
    client.force_login(alice)
    upload(client, assessment, "../../etc/passwd.png", PNG)
    evidence = Evidence.objects.get()
    stored = media / evidence.file.name
    assert stored.read_bytes() == PNG
    assert stored.is_relative_to(media / "evidence" / str(assessment.unit_id) / str(assessment.pk))
    assert "passwd" not in evidence.file.name
    assert evidence.file.name.endswith(".png")
    assert evidence.original_name == "passwd.png"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("报告.pdf", PDF),
        ("照片.JPG", JPEG),
        ("照片.jpeg", JPEG),
        ("截图.png", PNG),
        ("说明.docx", office("word/")),
        ("台账.xlsx", office("xl/")),
    ],
)
def test_each_allowed_type_is_accepted(client, alice, assessment, name, content):
    client.force_login(alice)
    assert upload(client, assessment, name, content).status_code == 302
    assert Evidence.objects.get().original_name == name


def test_a_file_can_be_attached_to_an_indicator_of_the_self_eval_or_of_a_project(client, alice, assessment):
    project = Project.objects.create(assessment=assessment, name="离退休老干部业务专项资金")
    row = IndicatorRow.objects.create(
        assessment=assessment, project=project, group_code="quantity", name="开展老干党支部学习活动", weight=Decimal(10)
    )
    client.force_login(alice)
    html = client.get(list_url(assessment)).content.decode()
    assert '<optgroup label="报告章节">' in html
    assert '<option value="indicator:budget_execution">预算执行率</option>' in html
    assert '<optgroup label="项目：离退休老干部业务专项资金">' in html
    assert f'<option value="indicator:row-{row.pk}">数量指标 · 开展老干党支部学习活动</option>' in html

    assert upload(client, assessment, "签到表.jpg", JPEG, attached_to=f"indicator:row-{row.pk}").status_code == 302
    assert (
        upload(client, assessment, "执行表.xlsx", office("xl/"), attached_to="indicator:budget_execution").status_code
        == 302
    )
    assert sorted(Evidence.objects.values_list("indicator_code", flat=True)) == ["budget_execution", f"row-{row.pk}"]
    html = client.get(list_url(assessment)).content.decode()
    assert "项目：离退休老干部业务专项资金 · 数量指标 · 开展老干党支部学习活动" in html
    assert "部门整体支出绩效自评表·指标 · 预算执行率" in html


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "0\xa0字节"),
        (1023, "1023\xa0字节"),
        (1024, "1.0\xa0KB"),
        (1536, "1.5\xa0KB"),
        (1258291, "1.2\xa0MB"),
        (20 * 1024 * 1024, "20.0\xa0MB"),
    ],
)
def test_sizes_are_shown_the_way_people_read_them(size, shown):
    assert filesizeformat(size) == shown


def test_the_list_shows_each_files_size(client, alice, assessment):
    Evidence.objects.create(assessment=assessment, section_key="problems", original_name="整改报告.pdf", size=1258291)
    client.force_login(alice)
    html = client.get(list_url(assessment)).content.decode()
    assert "1.2\xa0MB" in html
    assert "七、存在的问题及原因" in html


# --- refusals ---------------------------------------------------------------------------------------------------


def test_a_type_not_allowed_is_refused(client, alice, assessment):
    client.force_login(alice)
    response = upload(client, assessment, "setup.exe", b"MZ\x90\x00")
    assert_refused(response, ev.WRONG_TYPE.format(ext="“.exe”"))


def test_a_file_without_extension_is_refused(client, alice, assessment):
    client.force_login(alice)
    assert_refused(upload(client, assessment, "README", PDF), ev.WRONG_TYPE.format(ext="没有扩展名的"))


def test_a_file_whose_content_is_not_what_its_extension_says_is_refused(client, alice, assessment):
    client.force_login(alice)
    response = upload(client, assessment, "报告.pdf", b"MZ\x90\x00 this is a program")
    assert_refused(response, ev.WRONG_CONTENT.format(label="PDF", ext=".pdf"))


@pytest.mark.parametrize(
    ("name", "content", "label"),
    [
        ("说明.docx", office("xl/"), "Word（.docx）"),  # a workbook renamed .docx
        ("台账.xlsx", b"PK\x03\x04 not really a zip", "Excel（.xlsx）"),
        ("照片.png", JPEG, "PNG 图片"),
    ],
)
def test_office_files_and_images_are_checked_inside(client, alice, assessment, name, content, label):
    client.force_login(alice)
    ext = "." + name.rsplit(".", 1)[1]
    assert_refused(upload(client, assessment, name, content), ev.WRONG_CONTENT.format(label=label, ext=ext))


def test_a_file_above_the_limit_is_refused(client, alice, assessment, settings):
    settings.EVIDENCE_MAX_BYTES = 2048
    client.force_login(alice)
    response = upload(client, assessment, "扫描件.pdf", PDF + b"0" * (3072 - len(PDF)))
    assert_refused(response, ev.TOO_BIG.format(size="3.0\xa0KB", limit="2.0\xa0KB"))


def test_an_empty_file_is_refused(client, alice, assessment):
    client.force_login(alice)
    assert_refused(upload(client, assessment, "空.pdf", b""), ev.EMPTY_FILE)


def test_an_upload_without_a_file_or_a_target_says_what_is_missing(client, alice, assessment):
    client.force_login(alice)
    response = client.post(upload_url(assessment), {"attached_to": "", "description": "会议纪要"})
    html = response.content.decode()
    assert ev.NO_FILE in html and ev.NO_TARGET in html
    assert 'value="会议纪要"' in html
    assert not Evidence.objects.exists()


# --- access and deletion ----------------------------------------------------------------------------------------


def test_a_stranger_gets_404_and_never_the_file(client, alice, charlie, assessment):
    client.force_login(alice)
    upload(client, assessment, "报告.pdf", PDF)
    evidence = Evidence.objects.get()
    client.force_login(charlie)
    assert client.get(list_url(assessment)).status_code == 404
    response = client.get(download_url(evidence))
    assert response.status_code == 404
    assert PDF not in response.content
    assert upload(client, assessment, "x.pdf", PDF).status_code == 404
    assert client.post(delete_url(evidence)).status_code == 404
    assert Evidence.objects.count() == 1


def test_evidence_of_another_assessment_is_a_404(client, alice, assessment, unit):
    from assessments.services import assessment_create

    other = assessment_create(unit=unit, year=2023, user=alice)
    evidence = Evidence.objects.create(assessment=other, section_key="other", original_name="a.pdf", size=1)
    client.force_login(alice)
    assert client.get(reverse("assessments:evidence_download", args=[assessment.pk, evidence.pk])).status_code == 404
    assert client.post(reverse("assessments:evidence_delete", args=[assessment.pk, evidence.pk])).status_code == 404


def test_a_read_only_member_sees_the_list_but_cannot_upload_or_delete(client, alice, bob, assessment):
    client.force_login(alice)
    upload(client, assessment, "报告.pdf", PDF)
    evidence = Evidence.objects.get()
    client.force_login(bob)
    html = client.get(list_url(assessment)).content.decode()
    assert "报告.pdf" in html
    assert "上传佐证材料" not in html and delete_url(evidence) not in html
    assert upload(client, assessment, "x.pdf", PDF).status_code == 403
    assert client.post(delete_url(evidence)).status_code == 403
    assert Evidence.objects.count() == 1


def test_deleting_removes_the_record_and_then_the_file(
    client, alice, assessment, media, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    upload(client, assessment, "报告.pdf", PDF)
    evidence = Evidence.objects.get()
    stored = media / evidence.file.name
    assert "确定删除“报告.pdf”吗？" in client.get(list_url(assessment)).content.decode()
    version = type(assessment).objects.get(pk=assessment.pk).lock_version
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url(evidence))
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert not stored.exists()
    assessment.refresh_from_db()
    assert assessment.lock_version == version + 1  # a write like any other (assessment_touch)
    assert client.get(download_url(evidence)).status_code == 404
    assert AuditEvent.objects.filter(assessment=assessment, action="evidence_delete").exists()


def test_a_download_whose_file_has_gone_is_a_404(client, alice, assessment, media):
    client.force_login(alice)
    upload(client, assessment, "报告.pdf", PDF)
    evidence = Evidence.objects.get()
    (media / evidence.file.name).unlink()
    assert client.get(download_url(evidence)).status_code == 404


@pytest.mark.parametrize("files", [1, 8])
def test_the_list_takes_the_same_number_of_queries_whatever_its_files(
    client, alice, assessment, files, django_assert_num_queries
):
    Evidence.objects.bulk_create(
        Evidence(assessment=assessment, section_key="problems", original_name=f"{i}.pdf", size=i, uploaded_by=alice)
        for i in range(files)
    )
    client.force_login(alice)
    client.get(list_url(assessment))
    # session, user, assessment (with the access check, facts and staffing, the framework assignments of the
    # region-year for the “适用《…》” line, and the narrative and the stored explanations the score panel's count of
    # the checks reads), institutions, special funds, rows, projects, evidence
    with django_assert_num_queries(8):
        response = client.get(list_url(assessment))
    assert response.content.decode().count('data-bs-target="#delete-evidence-') == files


def test_an_upload_records_its_101_evidence_type(client, alice, assessment):
    client.force_login(alice)
    response = client.post(
        upload_url(assessment),
        {
            "file": SimpleUploadedFile("原始凭证.pdf", PDF),
            "attached_to": "section:use_and_performance",
            "evidence_type": "vouchers",
        },
    )
    assert response.status_code == 302
    assert Evidence.objects.get().evidence_type == "vouchers"
    assert "原始凭证</span>" in client.get(list_url(assessment)).content.decode()
