"""A failed login is recorded by django-axes whatever the typed user name; found by the fuzz tests (tests/fuzz)."""

from axes.models import AccessAttempt
from django.urls import reverse


def test_a_failed_login_with_an_overlong_user_name_is_refused_as_wrong_and_recorded_cut_to_its_column(client, alice):
    username = "a" * 1000
    response = client.post(reverse("login"), {"username": username, "password": "secret-pass-123"})
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()
    attempt = AccessAttempt.objects.get()
    assert attempt.username == username[: AccessAttempt._meta.get_field("username").max_length]


def test_the_right_password_still_logs_in(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "secret-pass-123"})
    assert response.status_code == 302
