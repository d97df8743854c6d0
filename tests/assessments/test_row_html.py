"""Indicator rows written once and reused (assessments.rows.row_html): a row kept from an earlier page is written
exactly as the row template would write it now, and anything the template reads of a row makes it written again."""

import copy
import dataclasses
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.urls import reverse
from django.utils.safestring import mark_safe

from assessments import rows
from assessments.models import Assessment, IndicatorRow
from assessments.rows import CONTROL_NOT_WRITTEN, ROW_TEMPLATE_READS, Control, RowView, row_html, row_key
from assessments.services import assessment_create
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db

INCLUDE = Template('{% include "assessments/partials/indicator_row.html" with row=view %}')


@pytest.fixture
def rich(assessment, unit, alice):
    """The 2022 draft with unit-written rows of every kind beside its framework indicators, last year's assessment
    open beside it, and a row whose 提示 (weights) asks for an explanation."""
    prior = assessment_create(unit=unit, year=2021, user=alice)
    for target in (prior, assessment):
        IndicatorRow.objects.bulk_create(
            IndicatorRow(
                assessment=target,
                group_code=group,
                name=f"三级指标{i}",
                weight=Decimal("1.50") if i % 2 else 3,
                kind="qualitative" if i == 3 else "quantitative",
                target_value="≥90%" if target is assessment else "≥80%",
                actual_value=f"{85 + i}%",
                deviation_reason="<b>原因</b>" if i == 1 else "",
                position=100 + i,
            )
            for i, group in enumerate(["quantity", "quality", "timeliness", "satisfaction"])
        )
    return assessment


def _page_views(client, user, assessment):
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("assessments:tab", args=[assessment.pk, "self-eval"]))
    assert response.status_code == 200
    return response


def _written_as_included(response, view) -> str:
    """The row as the page's template included it before rows were kept: with the whole page's context."""
    page = next(i for i, t in enumerate(response.templates) if t.name == "assessments/entry/tab_self_eval.html")
    context = Context(response.context[page].flatten())
    context["view"] = view
    return INCLUDE.render(context)


def _views(response) -> list[RowView]:
    views = [item.form for item in response.context["indicator_table"] if item.form is not None]
    views.append(response.context["blank_row"])
    return views


@pytest.mark.parametrize("who", ["alice", "bob"])  # a preparer, a read-only member
def test_a_kept_row_is_written_as_the_template_writes_it_with_the_whole_page(client, rich, who, request):
    response = _page_views(client, request.getfixturevalue(who), rich)
    views = _views(response)
    assert len(views) == 5  # its four unit-written rows and the blank one
    assert sum(view.prior is not None for view in views) >= 3  # last year's values beside them
    _each_written_as_included(response, views)


def test_every_demo_assessments_rows_are_written_as_the_template_writes_them(client, django_user_model):
    """The demo's frameworks draw every kind of row: answers, hand scores, qualitative, computed; drafts, returned
    and final assessments, with their 提示 and reviewers' comments."""
    call_command("load_demo", stdout=io.StringIO())
    client.force_login(django_user_model.objects.create_superuser("root-rows", password="x"))
    modes = set()
    for assessment in Assessment.objects.all():
        response = _page_views(client, None, assessment)
        views = _views(response)
        modes.update(view.mode for view in views)
        _each_written_as_included(response, views)
    assert modes >= {"", "answers", "computed", "manual"}


def _each_written_as_included(response, views) -> None:
    assert views
    rows.forget_written_rows()
    writable = response.context["writable"]
    for view in views:
        fresh = row_html(view, writable)
        assert row_html(view, writable) is fresh  # kept
        assert fresh == _written_as_included(response, view)


def test_a_refused_saves_rows_with_their_errors_are_written_as_the_template_writes_them(client, alice, rich):
    page = _page_views(client, alice, rich)
    data = form_data(page.content.decode())
    data[f"{_views(page)[0].prefix}-weight"] = "abc"  # not a number
    response = client.post(reverse("assessments:tab", args=[rich.pk, "self-eval"]), data)
    assert response.status_code == 200
    views = _views(response)
    assert any(ctrl.errors for view in views for ctrl in view.controls.values())
    for view in views:
        assert row_html(view, True) == _written_as_included(response, view)


def test_a_page_shows_a_changed_row_anew(client, alice, rich):
    """The kept rows are only ever those with the same values: a save shows the new value at once."""
    before = _page_views(client, alice, rich).content.decode()
    assert "三级指标0" in before
    IndicatorRow.objects.filter(assessment=rich, name="三级指标0").update(name="改过的三级指标")
    after = _page_views(client, alice, rich).content.decode()
    assert "改过的三级指标" in after
    assert "三级指标0<" not in after


def _changed(value):
    """A value different from `value` of the same kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, tuple):
        return (*value, ("x", "y", True))
    if isinstance(value, dict):
        return {**value, "extra": Control("text", "n", "i", "l")}
    raise AssertionError(f"no change for {value!r}")


def _row_with_everything(response) -> RowView:
    return next(view for view in _views(response) if view.prior is not None and view.controls)


def test_every_field_of_a_row_and_of_its_inputs_is_in_the_key(client, alice, rich):
    view = _row_with_everything(_page_views(client, alice, rich))
    key = row_key(view, True)
    assert row_key(view, False) != key
    objects = {"indicator", "prior", "line", "hints"}  # keyed by what the template reads of them (below)
    for name in (f.name for f in dataclasses.fields(RowView)):
        if name in objects:
            continue
        other = copy.copy(view)
        added = {
            "hidden": (*view.hidden, Control("hidden", "n", "i", "")),
            "answers": (*view.answers, Control("text", "n", "i", "")),
            "suggestions": (*view.suggestions, {"text": "≥95%", "shown": Decimal("95")}),
        }
        setattr(other, name, added[name] if name in added else _changed(getattr(view, name)))
        assert row_key(other, True) != key, name
    control = next(iter(view.controls.values()))
    for name in (f.name for f in dataclasses.fields(Control)):
        if name in CONTROL_NOT_WRITTEN:
            continue
        other = copy.copy(view)
        changed = copy.copy(control)
        setattr(changed, name, _changed(getattr(control, name)) if name != "prior" else "上年 x")
        other.controls = {**view.controls, next(iter(view.controls)): changed}
        assert row_key(other, True) != key, f"Control.{name}"


def test_what_the_template_reads_of_a_rows_objects_is_in_the_key(client, alice, rich):
    view = _row_with_everything(_page_views(client, alice, rich))
    view.line = type("Line", (), {"points": Decimal("1.00"), "explanation": "e", "warnings": (), "by_hand": False})()
    key = row_key(view, True)
    for attribute in ROW_TEMPLATE_READS["row.line"]:
        other = copy.copy(view)
        other.line = copy.copy(view.line)
        setattr(other.line, attribute, {"points": Decimal("1.0"), "warnings": ("w",)}.get(attribute, "changed"))
        assert row_key(other, True) != key, attribute
    for attribute in ROW_TEMPLATE_READS["row.prior"]:
        other = copy.copy(view)
        other.prior = copy.copy(view.prior)
        setattr(other.prior, attribute, {"manual": not view.prior.manual}.get(attribute, Decimal("7.5")))
        assert row_key(other, True) != key, attribute


def test_numbers_written_differently_are_different_keys():
    assert rows._shown(Decimal("1.0")) != rows._shown(Decimal("1.00"))
    assert rows._shown(True) != rows._shown(1)
    assert rows._shown(mark_safe("<b>")) != rows._shown("<b>")  # one is written as is, the other escaped
    assert rows._shown(("a", Decimal("2.50"))) == ("a", ("Decimal", "2.50"))


def test_the_key_takes_every_attribute_the_row_templates_read_of_the_objects_a_row_carries():
    """A template change reading another attribute of a score line, last year's row, the indicator or a 提示 must
    add it to ROW_TEMPLATE_READS, or a kept row would not show it change."""
    templates = Path(settings.BASE_DIR) / "templates" / "assessments" / "partials"
    text = (templates / "indicator_row.html").read_text() + (templates / "hint_box.html").read_text()
    read = {}
    for path, attribute in re.findall(r"\b(row\.line|row\.prior|row\.indicator|hint\.finding|hint)\.(\w+)", text):
        read.setdefault(path, set()).add(attribute)
    assert read == {path: set(attributes) for path, attributes in ROW_TEMPLATE_READS.items()}


def test_rows_kept_are_bounded_and_the_oldest_goes_first(client, alice, rich, monkeypatch):
    views = _views(_page_views(client, alice, rich))
    rows.forget_written_rows()
    monkeypatch.setattr(rows._written, "size", 3)
    written = [row_html(view, True) for view in views[:3]]
    row_html(views[0], True)  # used again: now the newest
    row_html(views[3], True)
    assert len(rows._written) == 3
    assert row_html(views[0], True) is written[0]
    assert row_html(views[1], True) is not written[1]  # the oldest, dropped: written anew
