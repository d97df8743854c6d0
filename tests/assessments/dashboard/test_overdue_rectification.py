"""Overdue 整改事项 on the administrators' dashboard and their own page: per unit, only in the administrator's reach."""

import datetime

from django.urls import reverse
from django.utils import timezone

from assessments.models import RectificationItem
from tests.assessments.exports.conftest import ZHUZHOU

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def _overdue(finalised_futian):
    items = list(RectificationItem.objects.filter(assessment=finalised_futian))
    for index, item in enumerate(items):
        item.due_date = YESTERDAY if index < 2 else TOMORROW
        item.save()
    items[1].status = RectificationItem.Status.DONE  # done late is not overdue
    items[1].save()
    return items


def test_the_dashboard_counts_overdue_items_per_unit(client, demo, users, finalised_futian):
    items = _overdue(finalised_futian)
    client.force_login(users["admin"])
    page = client.get(reverse("dashboard")).content.decode()
    assert 'id="dashboard-rectification"' in page
    assert "逾期未完成的整改事项：1 个单位，共 1 项" in page
    assert "深圳市福田区老干部活动中心 · 2021 年度报告所列事项" in page
    listing = client.get(reverse("rectification_overdue")).content.decode()
    assert f'#item-{items[0].pk}"' in listing and f'#item-{items[1].pk}"' not in listing
    assert YESTERDAY.isoformat() in listing


def test_an_administrator_of_another_unit_sees_none_of_them(client, demo, users, finalised_futian):
    _overdue(finalised_futian)
    client.force_login(users["zz-admin"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "dashboard-rectification" not in page
    listing = client.get(reverse("rectification_overdue")).content.decode()
    assert 'id="overdue-none"' in listing and "福田" not in listing
    client.force_login(users["ft-admin"])
    assert "共 1 项" in client.get(reverse("rectification_overdue")).content.decode()


def test_the_overdue_page_is_for_administrators_only(client, demo, users):
    client.force_login(users["zz-preparer"])
    assert client.get(reverse("rectification_overdue")).status_code == 403
    assert ZHUZHOU  # the demo's units are loaded
