"""Failed logins slow down the (user name, address) pair that failed, and no one else: an office behind one NAT
address keeps working while one of its people mistypes, a stranger cannot lock a named user out from elsewhere, a
forged X-Forwarded-For changes nothing, and the wait grows with each further failure."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.urls import reverse

from perfeval.login_attempts import lock_delay

OFFICE = "203.0.113.50"  # one NAT address for a whole office
ELSEWHERE = "198.51.100.7"
PASSWORD = "secret-pass-123"


@pytest.fixture
def colleagues(django_user_model):
    return [
        django_user_model.objects.create_user(username=f"colleague{number}", password=PASSWORD) for number in range(3)
    ]


def login(client, username, password, address, forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    client.logout()
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def fail(client, username, address, times, forwarded=None):
    return [login(client, username, "wrong", address, forwarded).status_code for _ in range(times)]


def let_time_pass(delta):
    """Moves every recorded failure back in time, as if `delta` had passed since."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)


def test_behind_one_nat_address_one_users_failures_do_not_lock_out_the_colleagues(client, alice, colleagues, settings):
    statuses = fail(client, "alice", OFFICE, settings.AXES_FAILURE_LIMIT)
    assert statuses[-1] == 429 and set(statuses[:-1]) == {200}
    for colleague in colleagues:
        assert login(client, colleague.username, PASSWORD, OFFICE).status_code == 302
    # Many people mistyping at once from the same address do not add up either.
    for colleague in colleagues:
        assert set(fail(client, colleague.username, OFFICE, settings.AXES_FAILURE_LIMIT - 1)) == {200}
    for colleague in colleagues:
        assert login(client, colleague.username, PASSWORD, OFFICE).status_code == 302
    # The one who failed waits.
    assert login(client, "alice", PASSWORD, OFFICE).status_code == 429


def test_a_strangers_failures_elsewhere_do_not_lock_the_named_user_out(client, alice, settings):
    fail(client, "alice", "192.0.2.66", settings.AXES_FAILURE_LIMIT * 3)
    assert login(client, "alice", "wrong", "192.0.2.66").status_code == 429
    assert login(client, "alice", PASSWORD, OFFICE).status_code == 302


def test_while_waiting_even_the_right_password_is_refused_with_a_chinese_page_naming_the_wait(client, alice, settings):
    fail(client, "alice", OFFICE, settings.AXES_FAILURE_LIMIT)
    response = login(client, "alice", PASSWORD, OFFICE)
    assert response.status_code == 429
    html = response.content.decode()
    assert "登录失败次数过多" in html
    minutes = int(settings.LOGIN_DELAY_FIRST.total_seconds() // 60)
    assert f"请约 {minutes} 分钟后再试" in html
    # A try refused during the wait is not a checked failure and does not lengthen the wait.
    assert AccessAttempt.objects.get().failures_since_start == settings.AXES_FAILURE_LIMIT


def test_the_wait_doubles_with_each_further_failure_up_to_the_maximum(client, alice, settings):
    settings.LOGIN_DELAY_FIRST = timedelta(minutes=1)
    settings.LOGIN_DELAY_MAX = timedelta(minutes=15)
    fail(client, "alice", OFFICE, settings.AXES_FAILURE_LIMIT)
    expected = [timedelta(minutes=m) for m in (1, 2, 4, 8, 15, 15)]
    for delay in expected:
        # Just before the wait is over: still refused; just after: the password is checked again.
        let_time_pass(delay - timedelta(seconds=5))
        assert login(client, "alice", PASSWORD, OFFICE).status_code == 429, delay
        let_time_pass(timedelta(seconds=10))
        assert login(client, "alice", "wrong", OFFICE).status_code == 429, delay  # a checked failure: longer wait
    assert AccessAttempt.objects.get().failures_since_start == settings.AXES_FAILURE_LIMIT + len(expected)


def test_the_right_password_after_the_wait_logs_in_and_clears_the_count(client, alice, settings):
    fail(client, "alice", OFFICE, settings.AXES_FAILURE_LIMIT)
    let_time_pass(settings.LOGIN_DELAY_MAX)
    assert login(client, "alice", PASSWORD, OFFICE).status_code == 302
    assert not AccessAttempt.objects.exists()
    assert fail(client, "alice", OFFICE, 1) == [200]


def test_failures_are_forgotten_after_the_memory_period(client, alice, settings):
    fail(client, "alice", OFFICE, settings.AXES_FAILURE_LIMIT - 1)
    let_time_pass(settings.AXES_COOLOFF_TIME + timedelta(minutes=1))
    assert fail(client, "alice", OFFICE, 1) == [200]
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_one_pairs_short_wait_does_not_clear_another_pairs_long_wait(client, alice, settings):
    # axes deletes old attempts on every failure; the clean-up must not end another pair's longer wait.
    fail(client, "alice", OFFICE, settings.AXES_FAILURE_LIMIT)
    for _ in range(3):
        let_time_pass(settings.LOGIN_DELAY_MAX)
        fail(client, "alice", OFFICE, 1)
    assert AccessAttempt.objects.get().failures_since_start == settings.AXES_FAILURE_LIMIT + 3  # waits 8 minutes
    let_time_pass(timedelta(minutes=3))
    fail(client, "bob", ELSEWHERE, settings.AXES_FAILURE_LIMIT)  # waits 1 minute
    assert login(client, "alice", PASSWORD, OFFICE).status_code == 429


def test_the_delay_is_none_below_the_limit_then_doubles_and_is_capped(settings):
    settings.LOGIN_DELAY_FIRST = timedelta(minutes=1)
    settings.LOGIN_DELAY_MAX = timedelta(minutes=15)
    assert [lock_delay(n, 5) for n in (0, 4)] == [timedelta(0)] * 2
    assert [lock_delay(n, 5).total_seconds() // 60 for n in (5, 6, 7, 8, 9, 10_000)] == [1, 2, 4, 8, 15, 15]


# --- the client address --------------------------------------------------------------------------------------------


def test_without_proxies_a_forged_x_forwarded_for_is_ignored(client, alice, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    # An attacker rotating the header to evade the wait: every try counts against its socket address.
    for number in range(settings.AXES_FAILURE_LIMIT):
        login(client, "alice", "wrong", "192.0.2.66", forwarded=f"10.9.9.{number}")
    assert login(client, "alice", PASSWORD, "192.0.2.66", forwarded="10.9.9.200").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.66"}
    # And forging the office's address does not lock the office out.
    fail(client, "alice", "192.0.2.67", settings.AXES_FAILURE_LIMIT, forwarded=OFFICE)
    assert login(client, "alice", PASSWORD, OFFICE).status_code == 302


def proxied(settings, count):
    """The settings as perfeval/settings.py derives them for TRUSTED_PROXY_COUNT=count."""
    settings.TRUSTED_PROXY_COUNT = count
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = count - 1


def test_behind_the_balancer_the_entry_it_appended_is_the_client_and_what_the_client_sent_is_ignored(
    client, alice, colleagues, settings
):
    proxied(settings, 1)
    balancer = "10.0.0.10"
    for number in range(settings.AXES_FAILURE_LIMIT):
        # The attacker forges entries on the left; the balancer appends the address it really saw.
        login(client, "alice", "wrong", balancer, forwarded=f"{OFFICE}, 192.0.2.{number}, 203.0.113.9")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    assert login(client, "alice", PASSWORD, balancer, forwarded="203.0.113.9").status_code == 429
    assert login(client, "alice", PASSWORD, balancer, forwarded=OFFICE).status_code == 302
    # Everyone arrives from the balancer's socket address, and nobody else is slowed down.
    assert login(client, colleagues[0].username, PASSWORD, balancer, forwarded="198.51.100.8").status_code == 302


def test_behind_two_proxies_the_entry_of_the_outer_one_is_the_client(client, alice, settings):
    proxied(settings, 2)
    fail(client, "alice", "10.0.0.10", settings.AXES_FAILURE_LIMIT, forwarded="6.6.6.6, 203.0.113.9, 10.0.0.1")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


def test_the_shipped_gunicorn_examples_listen_only_on_the_loopback_address():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = (root / "deploy" / "perfeval.env.example").read_text()
    binds = [line.split("=", 1)[1] for line in env.splitlines() if line.startswith("GUNICORN_BIND=")]
    assert binds and all(bind.startswith("127.0.0.1:") for bind in binds)
    assert "0.0.0.0" not in (root / "Procfile").read_text()
    assert 'os.getenv("GUNICORN_BIND", "127.0.0.1:' in (root / "deploy" / "gunicorn.conf.py").read_text()
