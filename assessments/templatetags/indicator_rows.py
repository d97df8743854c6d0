"""`{% indicator_row view %}`: an indicator row of the 自评表 or a project table, written by its one template
(assessments/partials/indicator_row.html) or reused when written before with the same values (assessments.rows)."""

from django import template

from assessments.rows import row_html

register = template.Library()


@register.simple_tag(takes_context=True)
def indicator_row(context, view):
    """The row template reads of the page only whether it may be changed (`writable`)."""
    return row_html(view, bool(context.get("writable")))
