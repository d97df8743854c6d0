"""The PDF download: rendered once per state of the report, and WeasyPrint reads nothing but the project's files."""

import io
import os
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.conf import settings
from django.urls import reverse

from assessments.models import Assessment
from assessments.reports import render
from assessments.reports.fetcher import url_fetcher
from tests.assessments.reports.conftest import ZHUZHOU


@pytest.fixture
def renders(monkeypatch):
    calls = []
    real = render.render_report_pdf

    def counted(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(render, "render_report_pdf", counted)
    return calls


@pytest.fixture
def leader(demo, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="zz-leader"))
    return client


def download(client, assessment, query=""):
    response = client.get(reverse("assessments:report_pdf", args=[assessment.pk]) + query)
    assert response.status_code == 200
    return response.content


def test_a_repeated_download_of_an_unchanged_report_is_not_rendered_again(demo, leader, renders):
    assessment = demo[ZHUZHOU]
    first = download(leader, assessment)
    assert download(leader, assessment) == first
    assert len(renders) == 1
    assert first.startswith(b"%PDF")


def test_a_save_a_layout_or_the_official_form_is_a_new_render(demo, leader, renders):
    assessment = demo[ZHUZHOU]
    download(leader, assessment)
    download(leader, assessment, "?form=official")
    download(leader, assessment, "?layout=guangdong")
    assert [(call["layout"], call["official"]) for call in renders] == [
        (None, False),
        (None, True),
        ("guangdong", False),
    ]
    Assessment.objects.filter(pk=assessment.pk).update(lock_version=assessment.lock_version + 1)
    download(leader, assessment)
    assert len(renders) == 4


def test_the_year_before_changing_renders_the_comparison_again(demo, leader, renders, django_user_model):
    from assessments.services import assessment_create

    assessment = demo[ZHUZHOU]
    download(leader, assessment)
    preparer = django_user_model.objects.get(username="zz-preparer")
    assessment_create(unit=assessment.unit, year=assessment.year - 1, user=preparer)
    download(leader, assessment)
    assert len(renders) == 2


class Recorder(BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_GET(self):
        Recorder.paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red; }")

    def log_message(self, *args):
        pass


def test_a_remote_address_in_report_content_is_not_fetched():
    from weasyprint import HTML

    server = HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    remote = f"http://127.0.0.1:{server.server_port}"
    try:
        html = (
            f'<html><head><link rel="stylesheet" href="{remote}/style.css"></head>'
            f'<body><img src="{remote}/image.png"><p style="background: url({remote}/bg.png)">文</p></body></html>'
        )
        HTML(string=html, base_url=settings.BASE_DIR.as_uri() + "/", url_fetcher=url_fetcher()).write_pdf()
        assert Recorder.paths == []
        # Without the fetcher WeasyPrint would have asked for them: the server does answer.
        HTML(string=html).write_pdf()
        assert len(Recorder.paths) == 3
    finally:
        server.shutdown()


@pytest.mark.parametrize(
    "url",
    ["https://example.com/a.css", "ftp://example.com/a", "file:///etc/passwd", "file://elsewhere/static/a.css"],
)
def test_the_fetcher_refuses_what_is_not_a_file_of_the_project(url):
    with pytest.raises(ValueError, match="报告只读取本系统的文件"):
        url_fetcher().fetch(url)


def test_the_fetcher_reads_the_report_stylesheet():
    response = url_fetcher().fetch((settings.BASE_DIR / "static" / "css" / "report.css").as_uri())
    try:
        assert b"@page" in response.read()
    finally:
        response.close()


def _age(path, days):
    old = time.time() - days * 86400
    os.utime(path, (old, old))


def test_the_clean_up_deletes_only_cached_reports_unused_for_the_given_days(
    demo, leader, renders, media, django_user_model
):
    from django.core.management import call_command

    from assessments.models import ExportItem, ExportJob

    assessment = demo[ZHUZHOU]
    download(leader, assessment)
    Assessment.objects.filter(pk=assessment.pk).update(lock_version=assessment.lock_version + 1)
    download(leader, assessment)
    cache = media / "exports" / "cache"
    older, newer = sorted(cache.iterdir(), key=lambda path: path.stat().st_mtime_ns)
    listed = cache / "listed-by-an-export.pdf"
    listed.write_bytes(b"%PDF")
    leftover = cache / ".half-written.pdf.123.tmp"
    leftover.write_bytes(b"%P")
    job = ExportJob.objects.create(requested_by=django_user_model.objects.get(username="zz-leader"), scope_label="全部")
    ExportItem.objects.create(job=job, assessment=assessment, pdf_path="exports/cache/listed-by-an-export.pdf")
    for path in (older, listed, leftover):
        _age(path, 31)
    _age(newer, 29)

    out = io.StringIO()
    call_command("clean_report_cache", "--days", "30", stdout=out)

    assert sorted(path.name for path in cache.iterdir()) == sorted([newer.name, listed.name])
    assert "已删除 2 个 30 天内未使用的报告缓存文件" in out.getvalue()


def test_a_download_served_from_the_cache_marks_its_file_used(demo, leader, renders, media):
    from assessments.reports.cache import remove_unused

    assessment = demo[ZHUZHOU]
    download(leader, assessment)
    (cached,) = (media / "exports" / "cache").iterdir()
    _age(cached, 40)
    download(leader, assessment)  # served from the file, not rendered again
    assert len(renders) == 1
    assert remove_unused(timedelta(days=30)) == []
    assert cached.exists()


def test_the_clean_up_refuses_a_period_that_is_not_a_positive_number_of_days(db):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--days 须为正整数"):
        call_command("clean_report_cache", "--days", "0")
