"""Number display as on the official forms: amounts in 万元 with 2 places, rates as percentages with 2 places."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

from perfeval.widgets import control, field_input
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
register.simple_tag(field_input, name="field_input")
