import datetime

from django.urls import reverse

from units.models import Delegation, Membership, Role


def test_a_reviewer_finds_the_delegate_by_name_or_unit_and_delegates_their_step(
    client, bob, unit, other_unit, django_user_model
):
    deputy = django_user_model.objects.create_user(username="deputy", first_name="邓副组长", password="x")
    Membership.objects.create(user=deputy, unit=unit, role=Role.UNIT_HEAD)
    outsider = django_user_model.objects.create_user(username="outsider", first_name="邓外人", password="x")
    Membership.objects.create(user=outsider, unit=other_unit, role=Role.UNIT_HEAD)
    client.force_login(bob)
    membership = Membership.objects.get(user=bob, unit=unit)
    page = client.get(reverse("delegations"))
    assert "委托审签" in page.content.decode() and "受托人用户名" not in page.content.decode()
    by_name = client.get(reverse("delegations"), {"who": "邓"}).content.decode()
    # Named with their unit and role; someone of an unrelated unit is not offered.
    assert "邓副组长（甲单位 · 单位负责人）" in by_name and f'value="{deputy.pk}"' in by_name
    assert "邓外人" not in by_name
    assert f'value="{deputy.pk}"' in client.get(reverse("delegations"), {"who": "甲单位"}).content.decode()
    response = client.post(
        reverse("delegations"),
        {"membership": membership.pk, "delegate": deputy.pk, "starts": "2026-11-01", "ends": "2026-11-30"},
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert (delegation.delegator, delegation.delegate, delegation.role) == (bob, deputy, Role.GROUP_LEADER)


def test_bad_delegations_are_explained_next_to_their_fields(client, bob, unit):
    client.force_login(bob)
    membership = Membership.objects.get(user=bob, unit=unit)
    html = client.post(
        reverse("delegations"),
        {"membership": membership.pk, "delegate": "99999", "starts": "2026-11-30", "ends": "2026-11-01"},
    ).content.decode()
    assert "没有这个用户。" in html and "结束日期不能早于开始日期。" in html
    html = client.post(
        reverse("delegations"),
        {"membership": membership.pk, "delegate": bob.pk, "starts": "2026-11-01", "ends": "2026-11-02"},
    ).content.decode()
    assert "不能委托给自己。" in html
    assert not Delegation.objects.exists()


def test_a_preparer_cannot_delegate_and_nobody_delegates_another_persons_role(client, alice, bob, unit):
    client.force_login(alice)
    membership = Membership.objects.get(user=bob, unit=unit)
    html = client.post(
        reverse("delegations"),
        {"membership": membership.pk, "delegate": bob.pk, "starts": "2026-11-01", "ends": "2026-11-02"},
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
