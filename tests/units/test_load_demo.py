import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

from units.models import Membership, Region, Staffing, Unit


def _snapshot():
    User = get_user_model()
    return {
        "regions": sorted(Region.objects.values_list("code", "name", "level", "parent__code", "report_layout")),
        "units": sorted(Unit.objects.values_list("code", "name", "kind", "parent__code", "region__code", "functions")),
        "staffing": sorted(Staffing.objects.values_list("unit__code", "year", "staff_quota", "staff_actual")),
        "members": sorted(Membership.objects.values_list("user__username", "unit__code", "role")),
        "users": sorted(User.objects.values_list("username", "first_name", "is_superuser", "password")),
    }


def test_load_demo_builds_the_three_seed_units_with_parents_and_a_user_per_role(db):
    call_command("load_demo", stdout=io.StringIO())
    names = set(Unit.objects.filter(kind=Unit.Kind.UNIT).values_list("name", flat=True))
    assert names == {"株洲市行业办公室", "深圳市福田区老干部活动中心", "桃江县桃冶社区服务指导中心"}
    assert all(u.parent is not None for u in Unit.objects.filter(kind=Unit.Kind.UNIT))
    zhuzhou = Unit.objects.get(name="株洲市行业办公室")
    staffing = zhuzhou.staffing.get(year=2022)
    assert (staffing.staff_quota, staffing.staff_actual, staffing.veteran_retirees, staffing.retirees) == (
        26,
        25,
        9,
        230,
    )
    assert Membership.objects.filter(user__username__startswith="zz-").count() == 6


def test_load_demo_twice_gives_the_same_data(db):
    call_command("load_demo", stdout=io.StringIO())
    first = _snapshot()
    call_command("load_demo", stdout=io.StringIO())
    assert _snapshot() == first


def test_demo_preparer_can_log_in_with_the_printed_password(client, db):
    call_command("load_demo", stdout=io.StringIO())
    response = client.post("/accounts/login/", {"username": "zz-preparer", "password": "perfeval-demo-2026"})
    assert response.status_code == 302
    assert "株洲市行业办公室" in client.get("/").content.decode()
