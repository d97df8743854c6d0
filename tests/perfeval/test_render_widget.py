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
