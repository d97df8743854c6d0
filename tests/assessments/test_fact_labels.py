"""One Chinese label per fact: a model field that stores one of the engine's facts carries the engine's label, so a
form's error, the audit trail, the workbook and the score sheet's explanation name the same figure alike."""

from django.apps import apps

from scoring.engine.vocabulary import FACTS


def shared_fields():
    return [
        (model, field)
        for app in ("assessments", "units")
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.concrete_fields
        if field.name in FACTS
    ]


def test_every_field_holding_a_fact_is_labelled_as_the_engine_labels_it():
    different = {
        f"{model.__name__}.{field.name}": (str(field.verbose_name), FACTS[field.name].label)
        for model, field in shared_fields()
        if str(field.verbose_name) != FACTS[field.name].label
    }
    assert different == {}


def test_the_shared_facts_cover_the_basic_data_the_institutions_and_the_staffing():
    shared = {(model.__name__, field.name) for model, field in shared_fields()}
    assert len(shared) >= 84
    assert {("Facts", "reception_actual"), ("Institution", "reception_actual"), ("Staffing", "staff_agency")} <= shared
