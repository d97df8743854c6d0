"""A save refused because someone saved first: what they changed since the user's page was loaded (old → new, by
field label, read from the audit trail), and the user's input laid on top of the newest version where the two
touched different fields, so that saving again applies the user's changes without undoing theirs."""

from dataclasses import dataclass, field

from assessments.audit import shown
from assessments.models import AuditEvent

STALE_ON_TAB = "{who}已于 {when} 保存了这份自评，您的修改未保存。您填写的内容仍在页面上，请看下方说明后再保存。"


@dataclass
class Conflict:
    theirs: list[dict] = field(default_factory=list)  # {who, where, old, new}, oldest first
    conflicting: list[str] = field(default_factory=list)  # labels both changed: the page keeps the user's value
    taken: list[str] = field(default_factory=list)  # labels only they changed: the page now shows theirs


def changes_since(assessment, version: int) -> list[dict]:
    events = AuditEvent.objects.filter(assessment=assessment, action="save", version__gt=version).order_by("pk")
    return [
        {"who": event.user_name, "where": change["where"], "old": change["old"], "new": change["new"]}
        for event in events
        for change in event.changes
    ]


def merge(post, forms: dict, formsets: dict, *, where: str, theirs: list[dict]):
    """The posted data with every field only the others changed set to its stored value; and what was done."""
    first_old = {}
    for change in theirs:
        first_old.setdefault(change["where"], change["old"])
    merged, conflict = post.copy(), Conflict(theirs=theirs)
    for form in forms.values():
        for name, form_field in form.fields.items():
            label = f"{where}·{form_field.label or name}"
            if label not in first_old:
                continue
            places = getattr(form_field, "decimal_places", None)
            try:
                typed = shown(form_field.clean(form[name].data), places)
            except Exception:  # the user's value does not even parse: it is theirs to correct, keep it
                typed = None
            if typed == first_old[label]:
                merged[form.add_prefix(name)] = _as_posted(form, name)
                conflict.taken.append(label)
            else:
                conflict.conflicting.append(label)
    row_labels = {label for label in first_old if label.startswith(f"{where}·第")}
    if row_labels and any(f.has_changed() for formset in formsets.values() for f in formset.forms):
        conflict.conflicting.append(f"{where}的表格行")
    return merged, conflict


def _as_posted(form, name: str) -> str:
    """The stored value as its input shows it."""
    bound = form[name]
    value = bound.initial
    formatted = bound.field.widget.format_value(value)
    if isinstance(formatted, list):  # a drop-down's value
        formatted = formatted[0] if formatted else ""
    return "" if formatted is None else str(formatted)
