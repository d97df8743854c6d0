"""Security in production: Django's deployment checks pass with the shipped production environment, cookies are Secure,
the CSP allows no inline code, uploads over the limits are refused in Chinese, and MEDIA_ROOT is never served.
(The login lock-out is in test_lockout.py; the CSP on the home page in test_auth.py; the evidence checks in
tests/assessments/evidence/test_evidence.py.)"""

import os
import re
import runpy
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.evidence import services as ev
from assessments.models import Evidence
from assessments.workbook.imports import MAX_FILE_BYTES, TOO_LARGE

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV_FILE = ROOT / "deploy" / "perfeval.env.example"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile= reads them (comments, blank lines, optional double quotes)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().removeprefix('"').removesuffix('"')
    return values


def production_env() -> dict[str, str]:
    return env_file(PRODUCTION_ENV_FILE) | {"SECRET_KEY": secrets.token_urlsafe(50)}


def production_settings(monkeypatch) -> dict:
    """perfeval/settings.py evaluated afresh with the production environment (the test run's settings stay)."""
    for key, value in production_env().items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(ROOT / "perfeval" / "settings.py"))


# --- deployment checks and cookies -------------------------------------------------------------------------------


def test_manage_py_check_deploy_reports_no_issue_with_the_production_environment():
    # `make test` sets DJANGO_ALLOW_ASYNC_UNSAFE for the browser tests; a production process never has it.
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(production_env())
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_production_environment_refuses_to_start_without_a_secret_key(monkeypatch):
    for key, value in env_file(PRODUCTION_ENV_FILE).items():
        monkeypatch.setenv(key, value)
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        runpy.run_path(str(ROOT / "perfeval" / "settings.py"))


def test_session_and_csrf_cookies_are_secure_with_production_settings(client, alice, settings, monkeypatch):
    production = production_settings(monkeypatch)
    assert production["SESSION_COOKIE_SECURE"] is production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SECURE_SSL_REDIRECT"] is True and production["SECURE_HSTS_SECONDS"] == 31536000

    settings.SESSION_COOKIE_SECURE = production["SESSION_COOKIE_SECURE"]
    settings.CSRF_COOKIE_SECURE = production["CSRF_COOKIE_SECURE"]
    response = client.post(reverse("login"), {"username": "alice", "password": "secret-pass-123"}, secure=True)
    assert response.status_code == 302
    session, csrf = response.cookies[settings.SESSION_COOKIE_NAME], response.cookies[settings.CSRF_COOKIE_NAME]
    assert session["secure"] and csrf["secure"]
    assert session["httponly"]


# --- content security policy -------------------------------------------------------------------------------------


class _InlineCode(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block: style attributes, <style> elements, event-handler
    attributes and <script> elements with neither a src nor the request's nonce."""

    def __init__(self, nonce: str):
        super().__init__()
        self.nonce = nonce
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.found.append(f"<{tag} style=…>")
        self.found += [f"<{tag} {name}=…>" for name in attrs if name.startswith("on")]
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and not attrs.get("src") and attrs.get("nonce") != self.nonce:
            self.found.append("<script> without src or nonce")


def inline_code(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    parser = _InlineCode(nonce.group(1) if nonce else "")
    parser.feed(response.content.decode())
    return parser.found


@pytest.mark.parametrize("tab", ["basic", "basic-data", "self-eval", "narrative", "evidence", "score"])
def test_pages_need_no_unsafe_inline_and_the_policy_allows_none(client, alice, assessment, tab):
    pages = [client.get(reverse("login"))]
    client.force_login(alice)
    pages += [client.get(reverse("home")), client.get(reverse("assessments:tab", args=[assessment.pk, tab]))]
    for response in pages:
        assert response.status_code == 200
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "script-src 'self' 'nonce-" in policy and "object-src 'none'" in policy
        assert inline_code(response) == [], response.request["PATH_INFO"]


# --- upload limits -----------------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_an_evidence_file_over_the_limit_is_refused_in_chinese_and_not_stored(
    client, alice, assessment, settings, media
):
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(alice)
    response = client.post(
        reverse("assessments:evidence_upload", args=[assessment.pk]),
        {
            "file": SimpleUploadedFile("台账.pdf", PDF + b"0" * 2048),
            "attached_to": "section:use_and_performance",
            "description": "会议纪要",
        },
    )
    assert response.status_code == 200
    assert ev.TOO_BIG.format(size="2.1\xa0KB", limit="1.0\xa0KB") in response.content.decode()
    assert not Evidence.objects.exists()
    assert not any(path.is_file() for path in Path(media).rglob("*"))


def test_a_workbook_over_the_limit_is_refused_in_chinese(client, alice, assessment, media):
    client.force_login(alice)
    content = b"PK\x03\x04" + b"\x00" * MAX_FILE_BYTES
    response = client.post(
        reverse("assessments:workbook_upload", args=[assessment.pk]), {"file": SimpleUploadedFile("自评.xlsx", content)}
    )
    assert response.status_code == 422
    assert TOO_LARGE.format(limit=MAX_FILE_BYTES // (1024 * 1024)) in response.content.decode()
    assert not any(path.is_file() for path in Path(media).rglob("*"))


def test_a_form_over_the_request_size_limit_is_refused_with_a_chinese_page(client, alice, assessment, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client.force_login(alice)
    url = reverse("assessments:tab", args=[assessment.pk, "narrative"])
    version = assessment.lock_version
    response = client.post(url, {"lock_version": str(version), "padding": "字" * 10_000})
    assert response.status_code == 400
    assert "提交的内容过大" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.lock_version == version


# --- media --------------------------------------------------------------------------------------------------------


def test_uploaded_evidence_is_not_served_under_media_url_only_through_the_checked_view(
    client, alice, assessment, settings, media
):
    client.force_login(alice)
    client.post(
        reverse("assessments:evidence_upload", args=[assessment.pk]),
        {"file": SimpleUploadedFile("台账.pdf", PDF), "attached_to": "section:use_and_performance"},
    )
    evidence = Evidence.objects.get()
    assert (Path(media) / evidence.file.name).read_bytes() == PDF

    for prefix in (settings.MEDIA_URL, "/media/", "/static/"):
        assert client.get(f"{prefix.rstrip('/')}/{evidence.file.name}").status_code == 404, prefix
    settings.DEBUG = False
    assert client.get(f"{settings.MEDIA_URL.rstrip('/')}/{evidence.file.name}").status_code == 404

    download = client.get(reverse("assessments:evidence_download", args=[assessment.pk, evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
