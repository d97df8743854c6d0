"""The audit trail (审计记录): the one writer of its events, and the one way a stored value is shown in it and in
the diffs reviewers read (old → new, in words a person uses: （空）, 是/否, amounts as typed)."""

from decimal import Decimal

from django import forms
from django.utils.text import Truncator

from assessments.models import Assessment, AuditEvent

EMPTY = "（空）"
SYSTEM = "系统"
ROW_ADDED = ("（无此行）", "新增")
ROW_REMOVED = ("存在", "已删除")


def user_name(user) -> str:
    return user.get_full_name() or user.username


def audit_record(
    *,
    assessment: Assessment,
    user,
    action: str,
    label: str,
    detail: str = "",
    snapshot=None,
    changes=(),
    version: int | None = None,
) -> AuditEvent:
    """One event of the assessment's trail. The label may quote a project or file name longer than its column:
    it is shortened there, and `changes` keeps the name whole. `user` None: a job acting for nobody (a command)."""
    label = Truncator(label).chars(AuditEvent._meta.get_field("action_label").max_length)
    return AuditEvent.objects.create(
        assessment=assessment,
        user=user,
        user_name=user_name(user) if user is not None else SYSTEM,
        action=action,
        action_label=label,
        detail=detail,
        snapshot=snapshot,
        changes=list(changes),
        version=version,
    )


def shown(value, places: int | None = None) -> str:
    """A stored value as the trail and the diffs print it."""
    if value in (None, "") or value == {} or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        if places is not None:
            return f"{value:.{places}f}"
        return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
    if isinstance(value, dict):
        return "；".join(f"{key}：{shown(item)}" for key, item in value.items())
    if isinstance(value, list | tuple):
        return "、".join(shown(item) for item in value)
    return str(value)


def change(where: str, old, new) -> dict:
    return {"where": where, "old": old, "new": new}


# Form fields that are not data a person entered: row order, deletion marks, row ids, the unit's version.
BOOKKEEPING = frozenset({"ORDER", "DELETE", "id", "unit_version"})


def _choice_label(field, value):
    """A choice as its label (“符合”), not its stored code (“compliant”); other values as they are. Choices read
    from the database (a model choice) are left alone: looking them up would cost a query per field."""
    if not isinstance(field, forms.ChoiceField) or isinstance(field, forms.ModelChoiceField):
        return value
    for key, label in field.choices:
        if isinstance(label, list | tuple):  # a group of choices
            continue
        if key not in ("", None) and str(key) == str(value):
            return str(label)
    return value


def form_changes(form, where: str) -> list[dict]:
    """Every field of a validated form whose shown value changed."""
    changes = []
    for name in form.changed_data:
        if name in BOOKKEEPING:
            continue
        old, new = form.initial.get(name), form.cleaned_data.get(name)
        old, new = _choice_label(form.fields[name], old), _choice_label(form.fields[name], new)
        places = getattr(form.fields[name], "decimal_places", None)
        if shown(old, places) == shown(new, places):
            continue
        label = form.fields[name].label or name
        where_label = f"{where}·{label}" if where else str(label)
        changes.append(change(where_label, shown(old, places), shown(new, places)))
    return changes


def formset_changes(formset, where: str) -> list[dict]:
    """Rows added, deleted and changed, each named by its name (the indicator, project or institution)."""
    changes = []
    for index, form in enumerate(formset.forms, start=1):
        name = (form.cleaned_data or {}).get("name") or getattr(form.instance, "name", "") or ""
        indicator = getattr(form, "indicator", None)
        if not name and indicator is not None:
            name = indicator.name  # a framework indicator's row is named by its indicator, not by its position
        row = f"{where}·「{name}」" if name else f"{where}·第{index}行"
        if formset.can_delete and formset._should_delete_form(form):
            if form.instance.pk is not None:
                changes.append(change(row, *ROW_REMOVED))
            continue
        if form.instance.pk is None:
            if form.has_changed():
                changes.append(change(row, *ROW_ADDED))
            continue
        changes += form_changes(form, row)
    return changes
