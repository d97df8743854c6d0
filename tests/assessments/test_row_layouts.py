"""Stored rows laid out once and reused (assessments.rows.stored_rows): a row laid out again from what was kept is
the row laid out anew, a page's additions to it never reach the next page, and any stored value changed, another
indicator, prefix or disabled state lays it out anew."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments import rows, tables
from assessments.models import Assessment, IndicatorRow
from assessments.rows import stored_rows, with_last_year
from scoring.adapters import framework_spec

pytestmark = pytest.mark.django_db


def _table_views(client, assessment) -> list:
    response = client.get(reverse("assessments:tab", args=[assessment.pk, "self-eval"]))
    assert response.status_code == 200
    views = [item.form for item in response.context["indicator_table"] if item.form is not None]
    return [*views, response.context["blank_row"]] if response.context["blank_row"] is not None else views


def test_every_demo_row_laid_out_again_is_the_row_laid_out_anew(client, django_user_model):
    """Every kind of row of the demo's frameworks (answers, hand scores, qualitative, computed, unit-written), on
    drafts, returned and final assessments, with last year's values, 提示 and reviewers' comments beside them."""
    call_command("load_demo", stdout=io.StringIO())
    client.force_login(django_user_model.objects.create_superuser("root-layouts", password="x"))
    modes = set()
    for assessment in Assessment.objects.all():
        rows.forget_written_rows()
        anew = _table_views(client, assessment)
        again = _table_views(client, assessment)  # laid out from what the first page kept
        assert len(rows._laid_out) >= len(again)
        assert again == anew  # every field of every view and of every input, the page's additions included
        assert all(a is not b for a, b in zip(again, anew, strict=True))
        modes.update(view.mode for view in again)
        for view in again:  # a check item's input is one object, in the row's inputs and its answers (上年 on both)
            assert [id(c) for c in view.answers] == [id(view.controls[c.name.split("-", 2)[2]]) for c in view.answers]
    assert modes >= {"", "answers", "computed", "manual"}


def _laid_out(assessment, *, disabled=False, indexes=None) -> list:
    spec = framework_spec(assessment.framework_version)
    stored = list(assessment.indicator_rows.filter(project=None).order_by("position", "pk"))
    return stored_rows(
        stored if indexes is None else [stored[i] for i in indexes],
        indicators=spec.by_code,
        groups=tables.unit_row_groups(spec),
        disabled=disabled,
    )


@pytest.fixture
def written(assessment):
    IndicatorRow.objects.bulk_create(
        IndicatorRow(
            assessment=assessment,
            group_code="quantity",
            name=f"三级指标{i}",
            weight=2,
            kind="quantitative",
            target_value="≥90%",
            actual_value="95%",
            position=100 + i,
        )
        for i in range(4)
    )
    return assessment


def test_what_a_page_adds_to_a_row_does_not_stay_for_the_next_page(written):
    first = _laid_out(written)
    previous = IndicatorRow(name="上年的行", target_value="≥80%", actual_value="85%", kind="qualitative")
    for view in first:
        with_last_year(view, previous)
        view.line, view.hints, view.suggestions = object(), ((1, object()),), ({"text": "t", "shown": 1},)
    assert any(ctrl.prior is not None for view in first for ctrl in view.controls.values())
    second = _laid_out(written)
    assert all(view.prior is None and view.line is None and not view.hints for view in second)
    assert all(ctrl.prior is None for view in second for ctrl in view.controls.values())
    assert all(view.suggestions == () for view in second)
    for a, b in zip(first, second, strict=True):
        assert all(a.controls[name] is not b.controls[name] for name in a.controls)


def _different(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, Decimal):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, list):
        return [*value, "other"]
    if isinstance(value, dict):
        return {**value, "extra": True}
    return "1"  # a field left empty (None)


def test_every_stored_field_of_a_row_is_in_its_layouts_key(written):
    row = written.indicator_rows.filter(project=None).order_by("position", "pk").last()
    row.answers, row.evidence_types = {"a": True}, ["contract"]
    kept = rows._stored_values(row)
    names = [field.attname for field in IndicatorRow._meta.concrete_fields]
    for name in names:
        value = getattr(row, name)
        setattr(row, name, _different(value))
        assert rows._stored_values(row) != kept, name
        setattr(row, name, value)
    assert rows._stored_values(row) == kept
    # Equal numbers written differently are laid out differently: 2.5 and 2.50 are not one key.
    row.weight = Decimal("2.5")
    two_places = rows._stored_values(row)
    row.weight = Decimal("2.50")
    assert rows._stored_values(row) != two_places


def test_a_changed_row_a_moved_row_and_a_read_only_page_are_laid_out_anew(written):
    rows.forget_written_rows()
    first = _laid_out(written)
    assert len(rows._laid_out) == len(first)
    row = written.indicator_rows.filter(project=None, name="三级指标0").get()
    row.actual_value = "96%"
    row.save()
    changed = _laid_out(written)
    unit_view = next(view for view in changed if view.name == "三级指标0")
    assert unit_view.controls["actual_value"].value == "96%"
    # Shown under another prefix (a row above it deleted), it is laid out under that prefix.
    count = len(first)
    moved = _laid_out(written, indexes=range(1, count))
    assert [view.prefix for view in moved] == [f"row-{i}" for i in range(count - 1)]
    assert all(ctrl.name.startswith(view.prefix + "-") for view in moved for ctrl in view.controls.values())
    read_only = _laid_out(written, disabled=True)
    assert all(" disabled" in ctrl.attrs for view in read_only for ctrl in view.controls.values())
    assert not any(" disabled" in ctrl.attrs for view in _laid_out(written) for ctrl in view.controls.values())


def test_layouts_kept_are_bounded_and_the_oldest_goes_first(written, monkeypatch):
    rows.forget_written_rows()
    monkeypatch.setattr(rows._laid_out, "size", 3)
    views = _laid_out(written)
    assert len(views) > 3
    assert len(rows._laid_out) == 3
    kept = list(rows._laid_out.kept.values())
    assert [view.prefix for view in kept] == [view.prefix for view in views[-3:]]
