"""How far a membership reaches (主管部门 → 单位 → 二级机构, no further), what a superuser may do, and the refusals of
the unit and assessment access helpers."""

from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from assessments.access import get_assessment_for_user, get_rw_assessment_for_user
from assessments.frameworks import explanations
from units.access import (
    FEW_UNITS,
    can_write,
    get_rw_unit_for_user,
    get_unit_for_user,
    reached_from,
    roles_in_unit,
    visible_units,
)
from units.models import Membership, Role, Unit


@contextmanager
def refused(kind, message):
    """The call is refused with exactly this message."""
    with pytest.raises(kind) as caught:
        yield
    shown = caught.value.messages if isinstance(caught.value, ValidationError) else [str(caught.value)]
    assert shown == [message]


@pytest.fixture
def branch(unit, region):
    """二级机构: a unit below 甲单位, two levels below 甲主管部门."""
    return Unit.objects.create(code="U-001-1", name="甲单位二级机构", parent=unit, region=region)


@pytest.fixture
def below_branch(branch, region):
    """Three levels below the department: beyond what a department membership reaches."""
    return Unit.objects.create(code="U-001-1-1", name="三级机构", parent=branch, region=region)


def test_a_department_membership_reaches_a_unit_two_levels_below_it(dave, department, unit, branch, other_unit):
    assert set(visible_units(dave)) == {department, unit, branch}
    found, writable = get_unit_for_user(dave, branch.pk)
    assert (found, writable) == (branch, False)


def test_a_membership_reaches_no_further_than_two_levels_below(dave, branch, below_branch):
    assert below_branch not in set(visible_units(dave))
    with pytest.raises(Http404):
        get_unit_for_user(dave, below_branch.pk)


def test_a_unit_membership_reaches_its_branch_but_not_its_department(alice, unit, department, branch):
    assert set(visible_units(alice)) == {unit, branch}
    with pytest.raises(Http404):
        get_unit_for_user(alice, department.pk)


def test_roles_held_above_a_unit_count_in_it_and_roles_below_do_not(django_user_model, department, unit, branch):
    user = django_user_model.objects.create_user(username="multi", password="x")
    Membership.objects.create(user=user, unit=department, role=Role.SUPERVISOR)
    Membership.objects.create(user=user, unit=unit, role=Role.PREPARER)
    Membership.objects.create(user=user, unit=branch, role=Role.FINANCE)
    assert roles_in_unit(user, branch) == {Role.SUPERVISOR, Role.PREPARER, Role.FINANCE}
    assert roles_in_unit(user, unit) == {Role.SUPERVISOR, Role.PREPARER}
    assert roles_in_unit(user, department) == {Role.SUPERVISOR}


def test_a_preparer_writes_the_branch_below_their_unit(alice, branch):
    assert can_write(alice, branch)
    assert get_rw_unit_for_user(alice, branch.pk) == branch


def test_a_superuser_sees_every_unit_and_keeps_write_access(root, department, unit, branch, other_unit):
    assert set(visible_units(root)) == set(Unit.objects.all())
    assert len(set(visible_units(root))) == 4
    assert can_write(root, other_unit)
    found, writable = get_unit_for_user(root, other_unit.pk)
    assert (found, writable) == (other_unit, True)
    assert get_rw_unit_for_user(root, other_unit.pk) == other_unit


def test_a_read_only_member_is_refused_a_write_with_the_reason(bob, unit):
    with refused(PermissionDenied, "您在该单位没有修改权限。"):
        get_rw_unit_for_user(bob, unit.pk)


def test_an_unknown_unit_is_a_404_even_for_a_superuser(root, unit):
    with pytest.raises(Http404):
        get_unit_for_user(root, unit.pk + 1000)


def test_the_assessment_helpers_follow_the_unit_rules(assessment, alice, bob, charlie, dave, root):
    assert get_assessment_for_user(alice, assessment.pk) == (assessment, True)
    assert get_rw_assessment_for_user(alice, assessment.pk) == assessment
    assert get_assessment_for_user(bob, assessment.pk) == (assessment, False)
    assert get_assessment_for_user(dave, assessment.pk) == (assessment, False)
    assert get_assessment_for_user(root, assessment.pk) == (assessment, True)
    assert get_rw_assessment_for_user(root, assessment.pk) == assessment
    with refused(PermissionDenied, "您对这份自评只有查看权限。"):
        get_rw_assessment_for_user(bob, assessment.pk)
    with pytest.raises(Http404):
        get_assessment_for_user(charlie, assessment.pk)
    with pytest.raises(Http404):
        get_rw_assessment_for_user(charlie, assessment.pk)


def test_the_loaded_assessment_brings_what_its_pages_read(assessment, alice, django_assert_num_queries):
    found, _ = get_assessment_for_user(alice, assessment.pk)
    with django_assert_num_queries(0):
        assert found.unit.region.parent.name == "湖南省"
        assert found.unit.parent.name == "甲主管部门"
        assert found.framework_version.framework.code == "mof-2020-selfeval"
        assert found.updated_by == alice
        assert found.facts.assessment_id == assessment.pk
        assert (found.year_staffing.staff_quota, found.year_staffing.staff_actual) == (26, 25)
        # the region-year's nearest framework assignments (none: the layout's defaults)
        assert (found.nearest_overall_assignment, found.nearest_project_assignment) == (None, None)
        assert [line.split("（")[1] for line in explanations(found)] == ["未分配指标体系，按本地区报告格式的默认）"] * 2


def test_the_assessment_is_loaded_from_what_a_page_reads(assessment, alice, bob, charlie):
    """A page may read more in the same query (`last_year.with_year_before`): the queryset its `reads` make is the one
    loaded from, and the access rules hold on it."""

    def of_2021(queryset):
        return queryset.filter(year=2021)

    def of_2022(queryset):
        return queryset.filter(year=2022)

    with pytest.raises(Http404):
        get_assessment_for_user(alice, assessment.pk, (of_2021,))
    with pytest.raises(Http404):
        get_assessment_for_user(charlie, assessment.pk, (of_2022,))
    found, writable = get_assessment_for_user(alice, assessment.pk, (of_2022,))
    assert (found, writable, found.year_staffing.staff_quota) == (assessment, True, 26)
    assert get_assessment_for_user(bob, assessment.pk, (of_2022,))[1] is False
    with pytest.raises(Http404):
        get_assessment_for_user(alice, assessment.pk, (of_2022, of_2021))  # each read, in turn


@pytest.mark.parametrize("role", [Role.PREPARER, Role.ADMIN, Role.GROUP_LEADER, Role.SUPERVISOR, Role.FINANCE])
@pytest.mark.parametrize("level", ["branch", "unit", "department"])
def test_the_write_check_folded_into_the_load_agrees_with_can_write(
    django_user_model, frameworks, department, unit, branch, alice, role, level
):
    from assessments.services import assessment_create

    held_at = {"branch": branch, "unit": unit, "department": department}[level]
    user = django_user_model.objects.create_user(username="erin", password="secret-pass-123")
    Membership.objects.create(user=user, unit=held_at, role=role)
    for target in (branch, unit):
        if not visible_units(user).filter(pk=target.pk).exists():
            continue
        assessment = assessment_create(unit=target, year=2022, user=alice)
        _, writable = get_assessment_for_user(user, assessment.pk)
        assert writable == can_write(user, target)
    assert visible_units(user).filter(pk=branch.pk).exists()  # every level reaches the branch


def test_a_unit_without_staffing_that_year_loads_with_none(assessment, alice):
    from units.models import Staffing

    Staffing.objects.filter(unit=assessment.unit).delete()
    found, _ = get_assessment_for_user(alice, assessment.pk)
    assert found.year_staffing is None


@pytest.mark.parametrize("padding", [0, FEW_UNITS], ids=["few ids: the union of index lookups", "many ids: the scan"])
def test_a_few_ids_and_many_reach_the_same_units_and_assessments(
    department, unit, branch, below_branch, other_unit, assessment, padding
):
    """Given by id, the units reach what the same units reach as a subquery — by the union of three lookups up to
    FEW_UNITS ids, by the three conditions beyond (padded here with ids of no unit)."""
    from assessments.models import Assessment

    for given in ([department.pk], [unit.pk], [branch.pk], [department.pk, other_unit.pk]):
        ids = given + list(range(10**6, 10**6 + padding))
        subquery = Unit.objects.filter(pk__in=given).values("pk")
        assert set(Unit.objects.filter(reached_from(ids))) == set(Unit.objects.filter(reached_from(subquery)))
        assert set(Assessment.objects.filter(reached_from(ids, via="unit__"))) == set(
            Assessment.objects.filter(reached_from(subquery, via="unit__"))
        )
    assert set(Unit.objects.filter(reached_from([department.pk]))) == {department, unit, branch}
    assert set(Assessment.objects.filter(reached_from([department.pk], via="unit__"))) == {assessment}
    assert set(Unit.objects.filter(reached_from([branch.pk]))) == {branch, below_branch}
    assert not Assessment.objects.filter(reached_from([branch.pk], via="unit__")).exists()


def test_the_staffing_loaded_with_an_assessment_is_that_of_its_year(frameworks, unit, alice):
    from assessments.services import assessment_create
    from units.models import Staffing

    Staffing.objects.create(unit=unit, year=2021, staff_quota=20, staff_actual=19)  # the fixture's is 2022's: 26
    for year, quota in ((2022, 26), (2021, 20)):
        assessment = assessment_create(unit=unit, year=year, user=alice)
        assert get_assessment_for_user(alice, assessment.pk)[0].year_staffing.staff_quota == quota
