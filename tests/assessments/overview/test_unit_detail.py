from django.urls import reverse


def test_member_sees_the_unit_with_its_staffing_and_control_rate(client, alice, unit):
    client.force_login(alice)
    response = client.get(reverse("units:detail", args=[unit.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "甲单位" in html
    assert "96.15%" in html  # 25 ÷ 26


def unit_page(client, unit) -> str:
    response = client.get(reverse("units:detail", args=[unit.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_read_only_member_may_view_the_unit(client, bob, unit):
    client.force_login(bob)
    html = unit_page(client, unit)
    assert "甲单位" in html and "0731-1234" in html and "96.15%" in html
    assert "新建自评" not in html  # reads, never writes


def test_stranger_gets_404_and_none_of_the_units_data(client, charlie, unit):
    client.force_login(charlie)
    response = client.get(reverse("units:detail", args=[unit.pk]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "甲单位" not in html
    assert "0731-1234" not in html


def test_missing_unit_gives_a_chinese_404(client, alice, unit):
    client.force_login(alice)
    response = client.get(reverse("units:detail", args=[99999]))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_supervisor_reaches_a_unit_of_their_department(client, dave, unit):
    client.force_login(dave)
    html = unit_page(client, unit)
    assert "甲单位" in html and "主管部门：甲主管部门" in html and "96.15%" in html
    assert "新建自评" not in html


def test_superuser_sees_every_unit(admin_client, unit, other_unit):
    html = unit_page(admin_client, other_unit)
    assert "乙单位" in html and "0731-9999" in html
    assert "新建自评" in html  # and may start its assessment


def test_units_are_managed_in_a_chinese_admin(admin_client, unit):
    html = admin_client.get("/admin/units/unit/").content.decode()
    assert "perfeval <strong>绩效自评</strong> · 管理后台" in html
    assert "预算单位" in html
    assert "甲单位" in html
    change = admin_client.get(f"/admin/units/unit/{unit.pk}/change/").content.decode()
    assert "人员编制情况" in change and "单位成员" in change
