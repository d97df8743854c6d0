"""Number display as on the official forms: amounts in 万元 with 2 places, rates as percentages with 2 places."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.safestring import mark_safe

from perfeval.widgets import control, field_input, labelled_field
from scoring.engine import MANUAL_BAND

register = template.Library()

_CENT = Decimal("0.01")


@register.filter
def wan(value):
    """An amount in 万元, 2 places, thousands separated; empty when there is no value."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP):,}"


@register.filter
def percent(value):
    """A Decimal fraction (0.9904) shown as a percentage with 2 places (99.04%)."""
    if value is None or value == "":
        return "—"
    return f"{(Decimal(value) * 100).quantize(_CENT, rounding=ROUND_HALF_UP)}%"


@register.filter
def ratio(numerator, denominator):
    """numerator ÷ denominator as a Decimal fraction; None when either is missing or the denominator is 0."""
    if numerator is None or denominator in (None, "", 0):
        return None
    return Decimal(numerator) / Decimal(denominator)


@register.filter
def get(mapping, key):
    """mapping[key], or None: for dicts keyed by computed names in templates."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.simple_tag
def cell(mapping, prefix, column):
    """The value of a 3-column table cell: mapping[f"{prefix}_{column}"]."""
    return mapping.get(f"{prefix}_{column}") if mapping else None


@register.filter
def field_named(form, name):
    """form[name]: a bound field chosen by a name held in a variable."""
    return form[name]


@register.filter
def attr_formula(computed):
    """The formula of a computed figure, for a title attribute."""
    return getattr(computed, "formula", "") if computed else ""


@register.filter
def by_hand(line) -> bool:
    """A score line (or its stored dict) scored by hand in place of its rule: the data could not be had."""
    band = line.get("band") if isinstance(line, dict) else getattr(line, "band", None)
    return band == MANUAL_BAND


register.filter("control", control)


@register.filter
def labelled(bound_field):
    """The field with its label, errors and help text, as crispy's `as_crispy_field` writes it (perfeval.widgets)."""
    return labelled_field(bound_field)


@register.simple_tag(takes_context=True, name="field_input")
def field_input_tag(context, bound_field):
    """A table cell's input with its errors, and what stands beside it on the page (see `beside`)."""
    return mark_safe(field_input(bound_field) + beside(context, bound_field))


@register.simple_tag(takes_context=True)
def beside(context, bound_field) -> str:
    """Last year's figure for the input and the explanation boxes of the 提示 about it, when the page has them
    (`beside`: input id → {"prior": text, "hints": [(number, Hint)]}); each box is shown once (`beside_placed`)."""
    found = (context.get("beside") or {}).get(bound_field.auto_id)
    if not found:
        return ""
    placed = context.get("beside_placed")
    hints = [pair for pair in found["hints"] if placed is None or pair[0] not in placed]
    if placed is not None:
        placed.update(number for number, _ in hints)
    template = context.template.engine.get_template("assessments/partials/beside.html")
    return template.render(context.new({"prior": found["prior"], "hints": hints, "writable": context.get("writable")}))


@register.simple_tag(takes_context=True)
def unplaced_hints(context) -> str:
    """The explanation boxes of the tab's 提示 that no input on the page took (their input is not shown here)."""
    placed = context.get("beside_placed") or set()
    hints = [pair for pair in context.get("beside_hints") or () if pair[0] not in placed]
    if not hints:
        return ""
    template = context.template.engine.get_template("assessments/partials/unplaced_hints.html")
    return template.render(context.new({"hints": hints, "writable": context.get("writable")}))
