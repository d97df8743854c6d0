"""整改事项 in the admin site: looked up across units, changed only on the unit's page (where changes are audited)."""

from django.urls import reverse

from assessments.models import RectificationItem


def test_the_admin_lists_the_items_and_changes_none(client, finalised_futian, django_user_model):
    superuser = django_user_model.objects.create_superuser(username="root", password="secret-pass-123")
    client.force_login(superuser)
    item = RectificationItem.objects.filter(assessment=finalised_futian).first()

    listing = client.get(reverse("admin:assessments_rectificationitem_changelist")).content.decode()
    assert "整改事项" in listing and "部分绩效指标不够细化量化" in listing and "未开始" in listing

    page = client.get(reverse("admin:assessments_rectificationitem_change", args=[item.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:assessments_rectificationitem_add")).status_code == 403
    assert (
        client.post(reverse("admin:assessments_rectificationitem_delete", args=[item.pk]), {"post": "yes"}).status_code
        == 403
    )
    posted = client.post(
        reverse("admin:assessments_rectificationitem_change", args=[item.pk]), {"status": "done", "note": "改了"}
    )
    assert posted.status_code == 403
    item.refresh_from_db()
    assert (item.status, item.note) == ("not_started", "")
