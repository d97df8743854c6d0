"""Number display as on the official forms: amounts in 万元 with 2 places, rates as percentages with 2 places."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

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
