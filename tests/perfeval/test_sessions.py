"""Sessions read by the statement written once (perfeval.sessions) are the sessions Django's own database store
reads: the same data for a live key, nothing for an expired or unknown one, and a signed-in user stays signed in."""

import datetime

import pytest
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from perfeval.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _stored(data: dict, expires_in: datetime.timedelta) -> str:
    store = db.SessionStore()
    store.update(data)
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


@pytest.mark.parametrize(
    ("expires_in", "live"),
    [
        (datetime.timedelta(hours=2), True),
        (datetime.timedelta(seconds=30), True),
        (-datetime.timedelta(seconds=1), False),
        (-datetime.timedelta(days=30), False),
    ],
)
def test_a_stored_session_loads_as_djangos_store_loads_it(expires_in, live):
    key = _stored({"甲": "单位", "n": 3, "nested": {"a": [1, 2]}}, expires_in)
    ours, theirs = SessionStore(key), db.SessionStore(key)
    assert ours.load() == theirs.load() == ({"甲": "单位", "n": 3, "nested": {"a": [1, 2]}} if live else {})
    assert (ours.session_key is None) is (theirs.session_key is None) is (not live)


@pytest.mark.parametrize("key", ["x" * 32, "abcdefgh12345678abcdefgh12345678", "'; DROP TABLE django_session; --"])
def test_an_unknown_or_damaged_key_loads_nothing(key):
    _stored({"a": 1}, datetime.timedelta(hours=1))
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None
    assert Session.objects.count() == 1


def test_a_session_written_here_is_read_by_django_and_the_other_way_round():
    ours = SessionStore()
    ours["卷"] = "自评"
    ours.create()
    ours.save()
    assert db.SessionStore(ours.session_key).load() == {"卷": "自评"}
    theirs = db.SessionStore()
    theirs["x"] = 1
    theirs.save()
    assert SessionStore(theirs.session_key).load() == {"x": 1}


def test_a_signed_in_user_stays_signed_in_and_is_signed_out_when_the_session_expires(client, alice):
    client.force_login(alice)
    assert isinstance(client.session, SessionStore)  # the engine the settings name
    assert client.get(reverse("inbox")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("inbox"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_expired_sessions_are_cleared_by_the_nightly_command():
    """deploy/systemd/perfeval-sessions.service runs `manage.py clearsessions`, which the engine must support."""
    from pathlib import Path

    from django.core.management import call_command

    live = _stored({"a": 1}, datetime.timedelta(hours=1))
    _stored({"b": 2}, -datetime.timedelta(minutes=1))
    call_command("clearsessions")
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    service = Path(__file__).resolve().parents[2] / "deploy" / "systemd" / "perfeval-sessions.service"
    assert "manage.py clearsessions" in service.read_text()
