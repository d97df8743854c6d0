"""Instances of the assessment parts made from their rows (perfeval.quickload) are those Django's Model.__init__
makes: every field, the loaded state, what select_related brings; a partial read or a listener to the init signals
goes through Django's own way."""

import pytest
from django.db.models.signals import post_init

from assessments.models import Facts, IndicatorRow, Institution, Project, SpecialFund
from bench.common import fill_screen_assessment

pytestmark = pytest.mark.django_db

PARTS = (IndicatorRow, Project, Institution, SpecialFund, Facts)


def _made_by_django(model, monkeypatch):
    """The model's instances as Model.from_db makes them (QuickLoad bypassed)."""
    from django.db import models

    monkeypatch.setattr(model, "from_db", classmethod(models.Model.from_db.__func__))


def _state(instance) -> tuple:
    return (type(instance), instance._state.adding, instance._state.db, dict(instance._state.fields_cache))


def _values(instance) -> dict:
    return {name: value for name, value in vars(instance).items() if name != "_state"}


@pytest.fixture
def filled(assessment):
    from decimal import Decimal

    fill_screen_assessment(assessment)
    SpecialFund.objects.create(assessment=assessment, name="专项甲", budget=Decimal("12.50"), actual=None)
    return assessment


@pytest.mark.parametrize("model", PARTS, ids=lambda model: model.__name__)
def test_each_part_loads_as_djangos_init_makes_it(filled, model, monkeypatch):
    from django.db import models

    made = []
    with monkeypatch.context() as patched:
        init = models.Model.__init__
        patched.setattr(models.Model, "__init__", lambda self, *a, **k: (made.append(self), init(self, *a, **k))[1])
        quick = list(model.objects.filter(assessment=filled).order_by("pk"))
    assert quick and not made  # none went through Model.__init__
    with monkeypatch.context() as patched:
        _made_by_django(model, patched)
        django = list(model.objects.filter(assessment=filled).order_by("pk"))
    assert [_values(row) for row in quick] == [_values(row) for row in django]
    assert [_state(row) for row in quick] == [_state(row) for row in django]
    assert all(not row._state.adding and row._state.db == "default" for row in quick)


def test_a_row_loaded_quickly_saves_and_reads_its_relations_as_any_other(filled):
    row = IndicatorRow.objects.filter(assessment=filled).order_by("pk").first()
    assert row.assessment == filled  # the foreign key read through its descriptor
    row.actual_value = "98%"
    row.save(update_fields=["actual_value"])
    assert IndicatorRow.objects.get(pk=row.pk).actual_value == "98%"
    assert row.project is None or row.project.assessment_id == filled.pk


def test_select_related_parts_load_as_djangos_init_makes_them(filled, monkeypatch):
    quick = list(IndicatorRow.objects.filter(assessment=filled).select_related("project", "assessment").order_by("pk"))
    with monkeypatch.context() as patched:
        _made_by_django(IndicatorRow, patched)
        _made_by_django(Project, patched)
        django = list(
            IndicatorRow.objects.filter(assessment=filled).select_related("project", "assessment").order_by("pk")
        )
    assert [(_values(a), a.project and _values(a.project)) for a in quick] == [
        (_values(b), b.project and _values(b.project)) for b in django
    ]


def test_a_partial_read_is_left_to_django(filled):
    row = IndicatorRow.objects.only("pk", "name").filter(assessment=filled).first()
    assert row.get_deferred_fields()  # deferred fields stay deferred, loaded on access
    assert row.actual_value == IndicatorRow.objects.get(pk=row.pk).actual_value


def test_a_listener_to_post_init_still_hears_every_instance(filled):
    heard = []

    def listen(sender, instance, **kwargs):
        heard.append(instance.pk)

    post_init.connect(listen, sender=IndicatorRow)
    try:
        rows = list(IndicatorRow.objects.filter(assessment=filled))
    finally:
        post_init.disconnect(listen, sender=IndicatorRow)
    assert sorted(heard) == sorted(row.pk for row in rows)
