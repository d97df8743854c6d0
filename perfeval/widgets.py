"""Form controls written as HTML without Django's per-widget template machinery, for the tables of inputs of the
data-entry tabs: the same markup Django's widgets produce, tested field by field. Used by the `field_input` tag and
the `control` filter (the 自评表's indicator rows are written from plain values instead: assessments/entry/rows.py)."""

from html import escape as escape_html

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.utils.safestring import mark_safe


def escape(value) -> str:
    """django.utils.html.escape without its check for lazy strings, which cost more than the escaping on a page
    of thousands of attributes; the results here are marked safe as a whole."""
    return escape_html(str(value))


def control(bound_field, extra: str = ""):
    """A bound field's widget with Bootstrap's small control classes (form-select for selects), marked invalid
    when it has errors, for inputs inside table cells where a label and help text would not fit."""
    return _control(bound_field, extra, bound_field.errors)


def _control(bound_field, extra: str, errors) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select form-select-sm"
    else:
        css = "form-control form-control-sm"
    existing = widget.attrs.get("class", "")
    classes = " ".join(part for part in (css, existing, extra, "is-invalid" if errors else "") if part)
    attrs = {"class": classes}
    if errors:
        attrs["aria-invalid"] = "true"
    if not bound_field.field.show_hidden_initial and bound_field.label:
        attrs.setdefault("aria-label", bound_field.label)
    return render_widget(bound_field, attrs)


def _attrs(attrs: dict) -> str:
    """Django's widgets/attrs.html: True is a bare attribute, False is left out."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape_html(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def render_widget(bound_field, attrs: dict, widget=None) -> str:
    """The HTML Django renders for the plain input, textarea and select widgets, built directly: the 自评表 has
    hundreds of them and the template machinery was most of its rendering time. Other widgets go through Django.
    `widget` replaces the field's own, as BoundField.as_widget allows (as_hidden passes the hidden widget).
    tests/perfeval/test_render_widget.py checks that both give the same HTML."""
    if widget is None:
        widget = bound_field.field.widget
    kind = type(widget)
    grouped = kind is forms.Select and any(isinstance(label, list | tuple) for _, label in widget.choices)
    if kind is forms.Select and not widget.allow_multiple_selected and not grouped:
        html_attrs = _final_attrs(bound_field, widget, attrs)
        current = widget.format_value(bound_field.value())
        options = "".join(
            f'<option value="{escape(value)}"{" selected" if str(value) in current else ""}>{escape(label)}</option>'
            for value, label in widget.choices
        )
        return mark_safe(f'<select name="{escape(bound_field.html_name)}"{_attrs(html_attrs)}>{options}</select>')
    if kind is forms.Textarea:
        html_attrs = _final_attrs(bound_field, widget, attrs)
        value = widget.format_value(bound_field.value())
        return mark_safe(
            f'<textarea name="{escape(bound_field.html_name)}"{_attrs(html_attrs)}>\n{escape(value) if value else ""}</textarea>'
        )
    if kind.__name__ in ("TextInput", "HiddenInput", "AmountInput") and kind.template_name.startswith("django/forms/"):
        html_attrs = _final_attrs(bound_field, widget, attrs)
        value = widget.format_value(bound_field.value())
        value_attr = f' value="{escape(value)}"' if value is not None else ""
        return mark_safe(
            f'<input type="{widget.input_type}" name="{escape(bound_field.html_name)}"{value_attr}{_attrs(html_attrs)}>'
        )
    return bound_field.as_widget(widget, attrs=attrs)


def _final_attrs(bound_field, widget, attrs: dict) -> dict:
    """What BoundField.as_widget passes to the template: widget attrs, ours, required/disabled/aria, then the id."""
    attrs = bound_field.build_widget_attrs(dict(attrs), widget)
    if bound_field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound_field.auto_id)
    return widget.build_attrs(widget.attrs, attrs)


def field_input(bound_field):
    """A table cell's input with its errors right below it (a tag, not an include: the 自评表 has hundreds)."""
    errors = bound_field.errors
    feedback = "".join(f'<div class="invalid-feedback d-block">{escape(error)}</div>' for error in errors)
    return mark_safe(_control(bound_field, "", errors) + feedback)


# The widgets `labelled_field` writes itself, by class name (AmountInput is the project's text input for amounts), with
# the Bootstrap class crispy gives each.
_LABELLED = {
    "TextInput": "form-control",
    "AmountInput": "form-control",
    "Textarea": "form-control",
    "Select": "form-select",
}


def labelled_field(bound_field):
    """A field with its label, errors and help text as django-crispy-forms' bootstrap5 `field.html` writes it
    (`as_crispy_field`), for the text inputs, textareas and selects of the data-entry tabs: crispy's nested
    templates cost 0.5 ms a field, six times the input itself. Any other field, or a form whose crispy helper sets
    more than where errors stand, goes to crispy. tests/perfeval/test_render_widget.py
    checks that both give the same HTML."""
    widget = bound_field.field.widget
    kind = type(widget)
    bootstrap = _LABELLED.get(kind.__name__) if kind.template_name.startswith("django/forms/") else None
    inline_errors = _inline_errors(getattr(bound_field.form, "helper", None))
    if bootstrap is None or inline_errors is None or bound_field.use_fieldset:
        return as_crispy_field(bound_field)
    errors = bound_field.errors
    # crispy adds the widget's class name to its classes, then Bootstrap's, then is-invalid
    name = kind.__name__.lower()
    classes = widget.attrs.get("class", "")
    classes = (classes + f" {name}" if name not in classes else classes) if classes else name
    for extra in (bootstrap, *(("is-invalid",) if errors else ())):
        if extra not in classes.split():
            classes += f" {extra}"
    required = bound_field.field.required
    auto_id = bound_field.auto_id
    parts = [f'<div id="div_{escape(auto_id)}" class="mb-3']
    css = bound_field.css_classes()
    if css:
        parts.append(f" {escape(css)}")
    parts.append('">')
    if bound_field.label:
        for_label = bound_field.id_for_label
        parts.append(f'<label for="{escape(for_label)}"' if for_label else "<label")
        parts.append(' class="form-label requiredField">' if required else ' class="form-label">')
        parts.append(escape(bound_field.label))
        parts.append('<span class="asteriskField">*</span></label>' if required else "</label>")
    parts.append(render_widget(bound_field, {"class": classes}))
    if errors:
        parts.append(f'<div id="{escape(errors.field_id)}_error" class="invalid-feedback">')
        tag = "span" if inline_errors else "p"
        parts += [
            f'<{tag} id="error_{number}_{escape(auto_id)}"><strong>{escape(error)}</strong></{tag}>'
            for number, error in enumerate(errors, 1)
        ]
        parts.append("</div>")
    if bound_field.help_text:
        helptext_id = f'id="{escape(auto_id)}_helptext" ' if auto_id else ""
        parts.append(f'<div {helptext_id}class="form-text">{bound_field.help_text}</div>')
    parts.append("</div>")
    return mark_safe("".join(parts))


# What a crispy helper may set for `labelled_field` to write its fields: crispy's defaults but for error_text_inline.
_HELPER_DEFAULTS = {
    "field_template": "bootstrap5/field.html",
    "field_class": "",
    "label_class": "",
    "form_show_errors": True,
    "form_show_labels": True,
    "help_text_inline": False,
}


def _inline_errors(helper) -> bool | None:
    """Whether crispy writes the field's errors inline (a helper's default) or as a block (no helper); None when the
    helper sets anything else that changes the markup."""
    if helper is None:
        return False
    attributes = helper.get_attributes("bootstrap5")
    if any(attributes.get(name, default) != default for name, default in _HELPER_DEFAULTS.items()):
        return None
    return bool(attributes.get("error_text_inline"))
