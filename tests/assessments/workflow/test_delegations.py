import datetime

from django.urls import reverse

from units.models import Delegation, Membership, Role


def test_a_reviewer_delegates_their_step_for_a_date_range(client, bob, unit, django_user_model):
    deputy = django_user_model.objects.create_user(username="deputy", password="x")
    Membership.objects.create(user=deputy, unit=unit, role=Role.GROUP_LEADER)
    client.force_login(bob)
    membership = Membership.objects.get(user=bob, unit=unit)
    page = client.get(reverse("delegations"))
    assert "委托审签" in page.content.decode()
    response = client.post(
        reverse("delegations"),
        {"membership": membership.pk, "delegate": "deputy", "starts": "2026-11-01", "ends": "2026-11-30"},
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert (delegation.delegator, delegation.delegate, delegation.role) == (bob, deputy, Role.GROUP_LEADER)


def test_bad_delegations_are_explained_next_to_their_fields(client, bob, unit):
    client.force_login(bob)
    membership = Membership.objects.get(user=bob, unit=unit)
    html = client.post(
        reverse("delegations"),
        {"membership": membership.pk, "delegate": "nobody", "starts": "2026-11-30", "ends": "2026-11-01"},
    ).content.decode()
    assert "没有这个用户。" in html and "结束日期不能早于开始日期。" in html
    html = client.post(
        reverse("delegations"),
        {"membership": membership.pk, "delegate": "bob", "starts": "2026-11-01", "ends": "2026-11-02"},
    ).content.decode()
    assert "不能委托给自己。" in html
    assert not Delegation.objects.exists()


def test_a_preparer_cannot_delegate_and_nobody_delegates_another_persons_role(client, alice, bob, unit):
    client.force_login(alice)
    membership = Membership.objects.get(user=bob, unit=unit)
    html = client.post(
        reverse("delegations"),
        {"membership": membership.pk, "delegate": "bob", "starts": "2026-11-01", "ends": "2026-11-02"},
    ).content.decode()
    assert "您没有审签身份" in html or "选择一个有效的选项" in html
    assert not Delegation.objects.exists()


def test_ending_a_delegation_stops_it_from_today(client, bob, unit, django_user_model):
    deputy = django_user_model.objects.create_user(username="deputy", password="x")
    today = datetime.date.today()
    delegation = Delegation.objects.create(
        delegator=bob,
        delegate=deputy,
        unit=unit,
        role=Role.GROUP_LEADER,
        starts=today - datetime.timedelta(days=3),
        ends=today + datetime.timedelta(days=3),
    )
    client.force_login(deputy)
    assert client.post(reverse("delegation_end", args=[delegation.pk])).status_code == 404
    client.force_login(bob)
    client.post(reverse("delegation_end", args=[delegation.pk]))
    delegation.refresh_from_db()
    assert delegation.ends == today - datetime.timedelta(days=1)
