import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Pages a visitor may open without logging in.
PUBLIC = {"login"}
# A forgotten password is reset without logging in (tests/perfeval/test_request_guards.py).
PUBLIC |= {"password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete"}
# 信息公开 (public:list, public:pdf): no login by design, tested in tests/assessments/reports/public/test_public.py.
PUBLIC |= {"list", "pdf", "verify"}  # verify: anyone checks a published PDF against its hashes


def _page_urls():
    """Every URL pattern of the project (admin aside), with 1 for each argument."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.app_name == "admin":
                    continue
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = re.sub(r"<int:\w+>", "1", prefix + str(p.pattern))
                route = re.sub(r"<(?:\w+:)?\w+>", "basic", route)
                yield p.name, "/" + route

    return list(walk(get_resolver().url_patterns))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), [u for u in _page_urls() if u[0] not in PUBLIC])
def test_every_page_redirects_anonymous_visitors_to_login(client, name, url):
    response = client.get(url)
    assert response.status_code == 302, name
    assert response["Location"].startswith(reverse("login")), name


@pytest.mark.django_db
def test_admin_redirects_anonymous_visitors_to_its_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_login_page_is_in_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html
    assert "登录 perfeval 绩效自评" in html
    assert "用户名" in html and "密码" in html


def test_wrong_password_gets_a_chinese_message(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()


def test_login_with_the_right_password_leads_home(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "secret-pass-123"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_repeated_failed_logins_are_throttled(client, alice, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "alice", "password": "secret-pass-123"})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_logout_ends_the_session(client, alice):
    client.force_login(alice)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change_page_is_in_chinese(client, alice):
    client.force_login(alice)
    response = client.get(reverse("password_change"))
    assert response.status_code == 200
    assert "修改密码" in response.content.decode()


def test_password_change_rejects_a_wrong_old_password_in_chinese(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "Zx9-long-enough", "new_password2": "Zx9-long-enough"},
    )
    assert response.status_code == 200
    assert "旧密码不正确" in response.content.decode()


def test_pages_carry_a_content_security_policy_without_unsafe_inline(client, alice):
    client.force_login(alice)
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
