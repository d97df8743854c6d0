import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from units.access import get_rw_unit_for_user, get_unit_for_user, visible_units


def test_preparer_may_write_their_unit(alice, unit):
    found, writable = get_unit_for_user(alice, unit.pk)
    assert found == unit
    assert writable


def test_group_leader_reads_but_may_not_write(bob, unit):
    _, writable = get_unit_for_user(bob, unit.pk)
    assert not writable
    with pytest.raises(PermissionDenied):
        get_rw_unit_for_user(bob, unit.pk)


def test_stranger_gets_404(charlie, unit):
    with pytest.raises(Http404):
        get_unit_for_user(charlie, unit.pk)


def test_department_membership_reaches_its_units_and_no_others(dave, unit, department, other_unit):
    assert set(visible_units(dave)) == {department, unit}
