"""The inbox's first pages read by queries compiled once per shape of held units (assessments.workflow.inbox): the
same assessments, in the same order, as the lists built anew, for every kind of user, bound to each user's own units
and id — two users of one shape never see each other's lists."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from assessments.services import assessment_create
from assessments.workflow import inbox
from tests.assessments.workflow.conftest import submit_and_sign_to
from tests.perfeval.test_compiled import loaded
from units.models import Delegation, Membership, Role, Unit

pytestmark = pytest.mark.django_db

ROWS = 21


@pytest.fixture
def spread(assessment, unit, other_unit, people, charlie, frameworks):
    """甲单位: its 2022 assessment at 主管部门's step (signed by bob and hank), a returned 2021 draft and a plain 2020
    draft; 乙单位 (charlie's, the same shape as alice): a 2022 draft and a returned 2021 one; eve, a 组长 of 甲单位 who
    signs for 主管部门 by a delegation; and a user with memberships in both units."""
    submit_and_sign_to(assessment, people, "supervisor")
    returned = assessment_create(unit=unit, year=2021, user=people["alice"])
    Assessment.objects.filter(pk=returned.pk).update(returned=True)
    assessment_create(unit=unit, year=2020, user=people["alice"])
    assessment_create(unit=other_unit, year=2022, user=charlie)
    theirs = assessment_create(unit=other_unit, year=2021, user=charlie)
    Assessment.objects.filter(pk=theirs.pk).update(returned=True)
    today = timezone.localdate()
    delegate = type(people["alice"]).objects.create_user(username="eve", password="x")
    Membership.objects.create(user=delegate, unit=unit, role=Role.GROUP_LEADER)  # a delegate reviews there already
    Delegation.objects.create(
        delegate=delegate,
        unit=people["dave"].memberships.get().unit,
        role=Role.SUPERVISOR,
        starts=today - datetime.timedelta(days=1),
        ends=today + datetime.timedelta(days=1),
        delegator=people["dave"],
    )
    several = type(people["alice"]).objects.create_user(username="multi", password="x")
    Membership.objects.create(user=several, unit=unit, role=Role.GROUP_LEADER)
    Membership.objects.create(user=several, unit=other_unit, role=Role.PREPARER)
    return {**people, "charlie": charlie, "eve": delegate, "multi": several}


def _held(user):
    today = timezone.localdate()
    memberships = list(Membership.objects.filter(user=user).values_list("unit_id", "role"))
    delegations = list(
        Delegation.objects.filter(delegate=user, starts__lte=today, ends__gte=today).values_list("unit_id", "role")
    )
    return inbox.held_units(memberships, delegations)


@pytest.mark.parametrize("who", ["alice", "bob", "hank", "dave", "fiona", "ada", "charlie", "eve", "multi", "root"])
def test_each_first_page_is_the_list_built_anew(spread, who, root):
    user = root if who == "root" else spread[who]
    units = _held(user)
    readers = inbox.first_page_readers(user, units, ROWS)
    anew = inbox.inbox_lists(user, units)
    for name, read in readers.items():
        found, built = read(), list(anew[name][:ROWS])
        assert [a.pk for a in found] == [a.pk for a in built], name
        assert [loaded(a) for a in found] == [loaded(a) for a in built], name
    seen = sum(len(read()) for read in readers.values())
    assert seen or who in {"fiona", "ada"}  # 财政 and 管理员 of 甲单位 see its lists too, but may have none to act on
    if who != "root":
        assert readers, "every list of a user with memberships was built anew"


def test_two_users_of_one_shape_each_see_their_own_units(spread):
    alice, charlie = spread["alice"], spread["charlie"]
    alice_units, charlie_units = _held(alice), _held(charlie)
    assert {k: len(v) for k, v in alice_units.items()} == {k: len(v) for k, v in charlie_units.items()}
    mine = {a.unit.code for read in inbox.first_page_readers(alice, alice_units, ROWS).values() for a in read()}
    theirs = {a.unit.code for read in inbox.first_page_readers(charlie, charlie_units, ROWS).values() for a in read()}
    assert mine == {Unit.objects.get(pk=alice_units["seen"][0]).code}
    assert theirs == {Unit.objects.get(pk=charlie_units["seen"][0]).code}


@pytest.mark.parametrize("who", ["alice", "bob", "dave", "eve", "multi"])
def test_the_inbox_page_is_the_same_with_the_lists_built_anew(client, spread, who, monkeypatch):
    from assessments.workflow import views

    client.force_login(spread[who])
    compiled = client.get(reverse("inbox")).content.decode()
    monkeypatch.setattr(views, "first_page_readers", lambda *args, **kwargs: {})
    anew = client.get(reverse("inbox")).content.decode()
    assert _per_request(compiled) == _per_request(anew)
    assert "甲单位" in compiled or "乙单位" in compiled


def _per_request(html: str) -> str:
    """The page without what differs on every request: the CSRF token and the CSP nonce."""
    return re.sub(r'(csrfmiddlewaretoken" value|nonce)="[^"]*"', r'\1=""', html)


def test_the_unread_notifications_are_the_users_own(spread):
    from assessments.models import Notification

    alice, charlie = spread["alice"], spread["charlie"]
    mine = Assessment.objects.filter(unit__memberships__user=alice).first()
    for number in range(25):
        Notification.objects.create(user=alice, assessment=mine, message=f"第{number}条")
    Notification.objects.create(user=charlie, assessment=mine, message="乙的")
    Notification.objects.filter(user=alice, message="第3条").update(read_at=timezone.now())
    found = inbox.unread_notifications(alice)
    assert inbox._notifications_query().usable
    assert [n.pk for n in found] == [n.pk for n in inbox._unread(alice.pk)]
    assert len(found) == inbox.NOTIFICATIONS_SHOWN and "第3条" not in {n.message for n in found}
    assert [n.message for n in inbox.unread_notifications(charlie)] == ["乙的"]
    assert [loaded(n) for n in found] == [loaded(n) for n in inbox._unread(alice.pk)]


@pytest.fixture
def reminded(spread):
    """Reminders about 甲单位's assessments sent 0–23 days ago (more than the inbox shows), and about 乙单位's 10 and 31
    days ago; the moment returned is 30 days ago."""
    from assessments.models import Reminder

    now = timezone.now()
    ours = list(Assessment.objects.filter(unit__memberships__user=spread["alice"]).distinct())
    theirs = Assessment.objects.filter(unit__memberships__user=spread["charlie"]).first()
    sent = [(ours[days % len(ours)], f"第{days}次", days) for days in range(24)]
    sent += [(theirs, "乙近", 10), (theirs, "乙远", 31)]
    for assessment, occasion, days in sent:
        reminder = Reminder.objects.create(assessment=assessment, kind="returned", occasion=occasion, message=occasion)
        # auto_now_add sets now: moved back by hand.
        Reminder.objects.filter(pk=reminder.pk).update(created_at=now - datetime.timedelta(days=days, minutes=1))
    return now - datetime.timedelta(days=30)


@pytest.mark.parametrize("who", ["alice", "bob", "dave", "charlie", "eve", "multi", "root"])
def test_the_recent_reminders_are_those_the_query_built_anew_finds(spread, reminded, who, root):
    from django.db import connection

    user = root if who == "root" else spread[who]
    seen = _held(user)["seen"]
    found = inbox.recent_reminders(user, seen, reminded)
    built = list(inbox._reminders(user, seen, reminded))
    assert [r.pk for r in found] == [r.pk for r in built]
    assert [loaded(r) for r in found] == [loaded(r) for r in built]
    assert inbox._reminders_query(user.is_superuser, len(seen)).usable is (connection.vendor == "postgresql")
    assert len(found) == (1 if who == "charlie" else inbox.REMINDERS_SHOWN)
    searched = inbox.recent_reminders(user, seen, reminded, "乙单位")
    assert [r.pk for r in searched] == [r.pk for r in inbox._reminders(user, seen, reminded, "乙单位")]


def test_the_moment_is_bound_on_every_use(spread, reminded):
    charlie = spread["charlie"]
    seen = _held(charlie)["seen"]
    assert [r.occasion for r in inbox.recent_reminders(charlie, seen, reminded)] == ["乙近"]
    earlier = reminded - datetime.timedelta(days=2)
    assert [r.occasion for r in inbox.recent_reminders(charlie, seen, earlier)] == ["乙近", "乙远"]
    assert inbox.recent_reminders(charlie, seen, timezone.now()) == []
