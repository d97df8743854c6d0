"""The hand-built widget HTML equals what Django renders, for every field of the data-entry forms."""

import re

import pytest

from assessments import forms
from perfeval.widgets import render_widget


def _normal(html: str) -> str:
    """Equal as HTML: whitespace between tags and the spelling of an escaped quote do not matter."""
    html = re.sub(r">\s+<", "><", str(html).replace("&#34;", "&quot;").replace("&#x27;", "&#39;"))
    return re.sub(r"\s+", " ", html).replace(" >", ">").strip()


def _forms():
    data = {
        "reception_budget": "1,234.5",
        "austerity_measures": 'a < b & "c"\n第二行',
        "kind": "quantitative",
        "target_comparator": ">=",
        "name": "老干<住院>慰问率",
        "weight": "abc",
        "outcome": "",
    }
    yield forms.BasicDataForm(prefix="facts")
    yield forms.BasicDataForm(data={f"facts-{k}": v for k, v in data.items()}, prefix="facts")
    yield forms.ExecutionForm(prefix="facts")
    yield forms.IndicatorRowForm(prefix="row-0", groups=[("quantity", "数量指标")])
    row = forms.IndicatorRowForm(
        data={f"row-0-{k}": v for k, v in data.items()}, prefix="row-0", groups=[("q", "数量")]
    )
    row.is_valid()
    yield row
    yield forms.InstitutionForm(prefix="inst-0")


@pytest.mark.parametrize(
    "form", list(_forms()), ids=lambda f: f"{type(f).__name__}-{'bound' if f.is_bound else 'unbound'}"
)
def test_hand_built_widgets_equal_djangos(form):
    for name in form.fields:
        bound = form[name]
        attrs = {"class": "form-control form-control-sm", "aria-label": str(bound.label or name)}
        assert _normal(render_widget(bound, attrs)) == _normal(bound.as_widget(attrs=attrs)), name


def test_a_disabled_field_renders_disabled_as_django_does():
    form = forms.BasicDataForm(prefix="facts")
    form.fields["reception_budget"].disabled = True
    html = render_widget(form["reception_budget"], {"class": "x"})
    assert " disabled" in html
    assert _normal(html) == _normal(form["reception_budget"].as_widget(attrs={"class": "x"}))


def _tags_only(html: str) -> str:
    """Equal as rendered HTML around tags: the indentation crispy's templates leave around and between tags (and
    inside a label, beside its text) does not show."""
    return re.sub(r"\s*(<[^>]*>)\s*", r"\1", _normal(html))


def _entry_forms():
    """Every form whose fields the data-entry tabs write with `labelled_field`, unbound, bound with values (some
    refused, some with markup in them) and read-only."""
    from assessments.layouts import LAYOUTS
    from assessments.models import Assessment, Facts
    from units.models import Staffing, Unit

    sections = next(iter(LAYOUTS.values())).sections

    typed = {
        "contact_person": '张<三> & "李四"',
        "contact_phone": "abc",
        "functions": "第一条\n第二条",
        "goal_planned": "",
        "staff_quota": "-3",
        "reception_budget": "1,234.5",
        "reception_actual": "一百",
        "austerity_measures": 'a < b & "c"',
        "budget_full_year": "x",
    }
    makers = [
        lambda data: forms.UnitInfoForm(data, instance=Unit(name="甲"), prefix="unit"),
        lambda data: forms.StaffingForm(data, instance=Staffing(year=2022), prefix="staffing"),
        lambda data: forms.GoalForm(data, instance=Assessment(year=2022), prefix="goal"),
        lambda data: forms.BasicDataForm(data, instance=Facts(), prefix="facts"),
        lambda data: forms.ExecutionForm(data, instance=Facts(), prefix="facts"),
        # a form with a crispy helper: its errors inline
        lambda data: forms.NarrativeForm(data, assessment=Assessment(year=2022), sections=sections, stored={}),
    ]
    for make in makers:
        for state in ("unbound", "bound", "disabled"):
            form = make(None)
            if state == "bound":
                data = {form.add_prefix(name): typed.get(name, "12") for name in form.fields}
                if isinstance(form, forms.NarrativeForm):
                    data[next(iter(form.fields))] = "长" * 50001  # over its length: refused
                yield f"{type(form).__name__}-{state}", lambda make=make, data=data: _validated(make(data))
            elif state == "disabled":
                yield f"{type(form).__name__}-{state}", lambda make=make: _disabled(make(None))
            else:
                yield f"{type(form).__name__}-{state}", lambda make=make: make(None)


def _validated(form):
    form.is_valid()
    return form


def _disabled(form):
    for field in form.fields.values():
        field.disabled = True
    return form


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "make"), list(_entry_forms()), ids=lambda value: value if isinstance(value, str) else ""
)
def test_a_labelled_field_is_written_as_crispy_writes_it(state, make):
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    from perfeval.widgets import labelled_field

    ours, theirs = make(), make()  # crispy sets classes on the widget it renders: each its own form
    assert ours.fields
    written = 0
    for name in ours.fields:
        assert _tags_only(labelled_field(ours[name])) == _tags_only(as_crispy_field(theirs[name])), name
        written += "textinput" in str(labelled_field(ours[name])) or "textarea" in str(labelled_field(ours[name]))
    assert written
    if state.endswith("bound") and not state.endswith("unbound"):
        assert any(ours[name].errors for name in ours.fields) or type(ours).__name__ == "GoalForm"
        if isinstance(ours, forms.NarrativeForm):
            assert '<span id="error_1_' in str(labelled_field(ours[next(iter(ours.fields))]))


@pytest.mark.parametrize(("setting", "value"), [("label_class", "col-2"), ("help_text_inline", True)])
def test_a_helper_that_changes_more_than_where_errors_stand_is_left_to_crispy(setting, value):
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    from assessments.layouts import LAYOUTS
    from assessments.models import Assessment
    from perfeval.widgets import labelled_field

    def make():
        form = forms.NarrativeForm(None, assessment=Assessment(year=2022), sections=sections, stored={})
        setattr(form.helper, setting, value)
        return form

    sections = next(iter(LAYOUTS.values())).sections
    name = next(iter(make().fields))
    assert _tags_only(labelled_field(make()[name])) == _tags_only(as_crispy_field(make()[name]))
