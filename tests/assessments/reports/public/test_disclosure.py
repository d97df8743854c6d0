"""信息公开: dates in China time, the public PDF with the phone masked (same data hash, its own file hash, both on the
page), and a verification page for a hash or a downloaded file."""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import PublishedReport, Snapshot
from assessments.reports.disclosure import china_date
from assessments.reports.render import render_report_html, report_context
from tests.assessments.exports.conftest import blank_pdf


@pytest.fixture
def fake_public_render(monkeypatch):
    calls = []

    def render(assessment, **kwargs):
        calls.append(kwargs)
        return blank_pdf(2)

    monkeypatch.setattr("assessments.reports.public_views.render_report_pdf", render)
    return calls


def test_the_public_list_shows_the_day_in_china(client, demo, finalised_futian):
    # 17:30 UTC on 6 December is 01:30 on 7 December in Beijing.
    moment = datetime.datetime(2026, 12, 6, 17, 30, tzinfo=datetime.UTC)
    from assessments import frozen

    with frozen.guards_lifted():  # a snapshot frozen at that moment (the database refuses to change a real one)
        Snapshot.objects.filter(assessment=finalised_futian).update(created_at=moment)
    from assessments.models import AssessmentSummary

    AssessmentSummary.objects.filter(assessment=finalised_futian).delete()  # stored before the date was moved
    assert china_date(moment.isoformat()) == datetime.date(2026, 12, 7)
    page = client.get(reverse("public:list")).content.decode()
    assert "2026-12-07" in page and "2026-12-06" not in page


def test_the_public_variant_masks_the_phone_and_keeps_the_data_hash(demo, finalised_futian):
    context = report_context(finalised_futian, public=True)
    assert context["unit"]["contact_phone"] == "0755-****1534"
    assert context["sha256"] == Snapshot.objects.get(assessment=finalised_futian).sha256
    html = render_report_html(finalised_futian, context=context)
    assert "83301534" not in html and "0755-****1534" in html
    assert "83301534" in render_report_html(finalised_futian)  # the unit's own copy keeps it


def test_the_public_pdf_is_rendered_masked_once_and_its_file_hash_is_shown_beside_the_data_hash(
    client, demo, finalised_futian, fake_public_render
):
    snapshot = Snapshot.objects.get(assessment=finalised_futian)
    page = client.get(reverse("public:list")).content.decode()
    assert snapshot.sha256 in page and "首次打开 PDF 时生成" in page
    first = client.get(reverse("public:pdf", args=[finalised_futian.pk])).content
    second = client.get(reverse("public:pdf", args=[finalised_futian.pk])).content
    assert first == second and fake_public_render == [{"public": True}]
    record = PublishedReport.objects.get(snapshot=snapshot)
    assert record.file_sha256 == hashlib.sha256(first).hexdigest() != snapshot.sha256
    page = client.get(reverse("public:list")).content.decode()
    assert f'<code class="text-break" data-file-hash>{record.file_sha256}</code>' in page and snapshot.sha256 in page


def test_anyone_can_verify_a_downloaded_file_or_a_hash(client, demo, finalised_futian, fake_public_render):
    pdf = client.get(reverse("public:pdf", args=[finalised_futian.pk])).content
    snapshot = Snapshot.objects.get(assessment=finalised_futian)

    uploaded = client.post(reverse("public:verify"), {"file": SimpleUploadedFile("r.pdf", pdf)}).content.decode()
    assert 'data-kind="file"' in uploaded and "深圳市福田区老干部活动中心" in uploaded

    by_data_hash = client.get(reverse("public:verify"), {"hash": f"SHA-256：{snapshot.sha256.upper()}"})
    assert 'data-kind="data"' in by_data_hash.content.decode()

    tampered = client.post(reverse("public:verify"), {"file": SimpleUploadedFile("r.pdf", pdf + b"%")})
    assert 'data-kind="none"' in tampered.content.decode()

    garbage = client.post(reverse("public:verify"), {"hash": "not a hash"})
    assert garbage.status_code == 400 and "64 位十六进制" in garbage.content.decode()


def test_a_draft_data_hash_is_not_confirmed(client, demo):
    from assessments.models import document_sha256

    digest = document_sha256({"x": 1})
    page = client.get(reverse("public:verify"), {"hash": digest}).content.decode()
    assert 'data-kind="none"' in page
