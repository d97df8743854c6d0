"""What a refused or unusual request gets: a Chinese CSRF page that keeps what was typed, a Chinese 405 page, an
oversized body refused before it is read, a forged formset row count refused at once, sessions that end when idle,
a password reset by e-mail, and logs without WeasyPrint's chatter or the traceback of every 403."""

import io
import logging
import re
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from perfeval.middleware import IDLE_RENEWED

PASSWORD = "secret-pass-123"


def no_inline_code(html: str) -> bool:
    """The CSP allows no inline style, no event handler attribute and no inline script without the nonce."""
    return not re.search(r"<style|\sstyle=|\son\w+=", html) and all(
        "nonce=" in tag or " src=" in tag for tag in re.findall(r"<script[^>]*>", html)
    )


# --- CSRF failure -------------------------------------------------------------------------------------------------


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def test_a_refused_form_shows_a_chinese_page_with_the_typed_text_for_copying(strict_client, alice, assessment):
    strict_client.force_login(alice)
    url = reverse("assessments:tab", args=[assessment.pk, "narrative"])
    typed = "本年度重点完成了三项工作：<一>……"
    response = strict_client.post(
        url,
        {"lock_version": str(assessment.lock_version), "narrative-summary": typed, "csrfmiddlewaretoken": "stale"},
        HTTP_REFERER="http://testserver" + url,
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "页面已过期，本次提交没有保存" in html and "恢复方法" in html
    assert "本年度重点完成了三项工作：&lt;一&gt;……</textarea>" in html
    assert f'href="http://testserver{url}"' in html
    assert "stale" not in html and "lock_version" not in html
    assert "DEBUG" not in html and "CSRF" not in html
    assert no_inline_code(html) and "unsafe-inline" not in response["Content-Security-Policy"]
    assessment.refresh_from_db()
    assert assessment.lock_version == int(response.wsgi_request.POST["lock_version"])


def test_a_refused_login_says_to_reopen_the_login_page_and_never_shows_the_password(strict_client, alice):
    response = strict_client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, HTTP_REFERER="https://elsewhere.example/"
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "重新打开登录页面" in html
    assert PASSWORD not in html
    assert "elsewhere.example" not in html  # only a link back to this site


# --- 405 ------------------------------------------------------------------------------------------------------------


def test_opening_a_submit_only_address_shows_a_chinese_page_and_changes_nothing(client, alice, assessment):
    client.force_login(alice)
    response = client.get(reverse("assessments:evidence_upload", args=[assessment.pk]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    html = response.content.decode()
    assert "此地址不能直接打开" in html and "返回上一页" in html
    assert "Content-Security-Policy" in response and no_inline_code(html)


def test_a_get_on_logout_gets_the_same_page(client, alice):
    client.force_login(alice)
    response = client.get(reverse("logout"))
    assert response.status_code == 405 and "此地址不能直接打开" in response.content.decode()
    assert client.get(reverse("home")).status_code == 200  # still logged in


# --- request size -------------------------------------------------------------------------------------------------


class UnreadableBody(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("the body was read")

    readline = readinto = read


def wsgi_post(path: str, content_length: int, **extra):
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": UnreadableBody(),
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
        "CONTENT_LENGTH": str(content_length),
        **extra,
    }
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, dict(headers)

    body = b"".join(WSGIHandler()(environ, start_response))
    return captured["status"], captured["headers"], body.decode()


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_on_its_content_length_without_reading_it(settings):
    settings.EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
    settings.MAX_REQUEST_BYTES = 21 * 1024 * 1024
    started = time.perf_counter()
    status, headers, body = wsgi_post("/assessments/1/evidence/upload/", 100 * 1024 * 1024)
    assert status.startswith("413")
    assert "提交的内容过大" in body and "100.0 MB" in body and "20.0 MB" in body
    assert headers["Connection"] == "close"
    assert time.perf_counter() - started < 2


class EndlessBody(io.RawIOBase):
    """A client that keeps sending after the length it declared."""

    def __init__(self):
        self.sent = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        self.sent += len(buffer)
        buffer[:] = b"x" * len(buffer)
        return len(buffer)


@pytest.mark.django_db
def test_no_more_than_the_declared_length_is_ever_read():
    # The streaming bound behind the Content-Length check: Django reads a body through a stream limited to it.
    body = EndlessBody()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": reverse("login"),
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": body,
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": "1000",
    }
    b"".join(WSGIHandler()(environ, lambda status, headers, exc_info=None: None))
    assert 0 < body.sent <= 1000


@pytest.mark.django_db
def test_a_request_within_the_limit_goes_on_to_the_view(settings):
    settings.MAX_REQUEST_BYTES = 1024
    client = Client()
    assert client.post(reverse("login"), {"username": "x", "password": "y"}).status_code == 200
    assert client.post(reverse("login"), {"username": "x", "password": "y" * 2000}).status_code == 413


# --- formset row counts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("tab", "prefix"), [("basic-data", "fund"), ("finance", "inst"), ("self-eval", "row")])
def test_a_claim_of_a_billion_rows_is_refused_at_once_and_saves_nothing(client, alice, assessment, tab, prefix):
    client.force_login(alice)
    url = reverse("assessments:tab", args=[assessment.pk, tab])
    version = assessment.lock_version
    started = time.perf_counter()
    response = client.post(
        url, {"lock_version": str(version), f"{prefix}-TOTAL_FORMS": "1000000000", f"{prefix}-INITIAL_FORMS": "0"}
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 400 and "请求格式不正确" in response.content.decode()
    assert elapsed < 2, elapsed  # building and rendering the 2,000 forms Django allows took about 9 s
    assessment.refresh_from_db()
    assert assessment.lock_version == version


def test_an_honest_row_count_still_saves(client, alice, assessment):
    client.force_login(alice)
    url = reverse("assessments:tab", args=[assessment.pk, "finance"])
    response = client.post(
        url, {"lock_version": str(assessment.lock_version), "inst-TOTAL_FORMS": "0", "inst-INITIAL_FORMS": "0"}
    )
    assert response.status_code == 302


# --- idle sessions ------------------------------------------------------------------------------------------------


def test_sessions_end_after_two_idle_hours_by_default(settings):
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60


def test_a_request_after_the_idle_timeout_leads_to_the_login_page(client, alice):
    client.force_login(alice)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_activity_pushes_the_expiry_back_at_most_once_a_minute(client, alice, settings):
    client.force_login(alice)
    login_expiry = Session.objects.get().expire_date
    client.get(reverse("home"))
    assert Session.objects.get().expire_date == login_expiry  # the first minute: no write

    session = client.session
    session[IDLE_RENEWED] = int(time.time()) - 61
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))
    client.get(reverse("home"))
    renewed = Session.objects.get().expire_date
    assert renewed > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


# --- password reset -----------------------------------------------------------------------------------------------


def test_a_forgotten_password_is_reset_through_the_link_sent_by_e_mail(client, alice, mailoutbox):
    alice.email = "alice@example.gov.cn"
    alice.save()
    login_page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login_page and "忘记密码" in login_page
    assert "找回密码" in client.get(reverse("password_reset")).content.decode()

    response = client.post(reverse("password_reset"), {"email": "alice@example.gov.cn"}, follow=True)
    assert "请查收邮件" in response.content.decode()
    [mail] = mailoutbox
    assert mail.to == ["alice@example.gov.cn"] and "重设密码" in mail.subject
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.body).group(1)

    form = client.get(link, follow=True)
    assert "设置新密码" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Zx9-new-long-pass", "new_password2": "Zx9-new-long-pass"}
    )
    assert done.status_code == 302
    assert "密码已重设" in client.get(done["Location"]).content.decode()
    assert client.post(reverse("login"), {"username": "alice", "password": "Zx9-new-long-pass"}).status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, alice, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.gov.cn"}, follow=True)
    assert "请查收邮件" in response.content.decode()
    assert mailoutbox == []


# --- logs ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def log_output():
    """What the configured console handlers print, at LOG_LEVEL=INFO as in production."""
    buffer = io.StringIO()
    handlers = [logging.getHandlerByName(name) for name in ("console", "console_errors")]
    streams = [handler.setStream(buffer) for handler in handlers]
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO)
    try:
        yield buffer
    finally:
        root.setLevel(level)
        for handler, stream in zip(handlers, streams, strict=True):
            handler.setStream(stream)


def test_a_report_pdf_logs_no_weasyprint_lines_but_its_errors_still_reach_the_log(assessment, log_output):
    from assessments.reports.render import render_report_pdf

    warnings: list[str] = []
    assert render_report_pdf(assessment, log=warnings).startswith(b"%PDF")
    assert "weasyprint" not in log_output.getvalue().lower() and "Step " not in log_output.getvalue()
    logging.getLogger("weasyprint").warning("Ignored `x: y` at 1:1")
    logging.getLogger("weasyprint").error("Failed to load image at http://example/a.png")
    assert log_output.getvalue().strip() == "Failed to load image at http://example/a.png"


def test_a_403_is_logged_in_one_line_without_a_traceback(client, bob, assessment, log_output):
    client.force_login(bob)  # read-only member: may not upload
    response = client.post(reverse("assessments:workbook_upload", args=[assessment.pk]))
    assert response.status_code == 403
    output = log_output.getvalue()
    assert "Forbidden" in output and "Traceback" not in output


def test_a_server_error_keeps_its_traceback(log_output):
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        logging.getLogger("django.request").error(
            "Internal Server Error: /x", exc_info=error, extra={"status_code": 500}
        )
    assert "Traceback" in log_output.getvalue()
