"""Indicator rows (the 自评表's and a project's 附件1-3 table) as plain values for their one row template,
templates/assessments/partials/indicator_row.html.

The 自评表 shown without a save reads its rows from the stored rows: no form is built per row. A refused or
previewed save shows the values as typed and their errors, read from the forms that validated it. Either way the
row template receives the same `RowView`, so what a user sees does not depend on how the page was reached."""

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from django import forms
from django.forms.formsets import DELETION_FIELD_NAME, ORDERING_FIELD_NAME
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from assessments.forms import (
    METADATA_FIELDS,
    IndicatorRowForm,
    answer_initials,
    row_fields,
    stored_target_deadline,
    stored_target_reading,
)
from assessments.indicator_inputs import inputs_for
from assessments.last_year import shown_value
from assessments.models import IndicatorRow
from perfeval.kept import Kept

CENT = Decimal("0.01")
OPTIONS_TEMPLATE = "assessments/partials/indicator_row.html#options"


@dataclass(slots=True)
class Control:
    """One input as the row template writes it: `kind` is text, textarea, select, checkboxes or hidden; `attrs` the
    escaped attributes after the name; `options` (value, label, chosen) for the checkboxes, `options_html` a select's
    options as written by the row template's `options` partial; `choices` the (code, label) pairs a select or the
    checkboxes offer; `prior` last year's value shown under the input (last_year.Shown), when there is one; `html` the
    input's tag."""

    kind: str
    name: str
    id: str
    label: str
    value: str = ""
    attrs: str = ""
    options: tuple = ()
    errors: tuple = ()
    options_html: str = ""
    choices: object = ()
    prior: object = None

    @property
    def html(self) -> str:
        """The input's tag. Written here rather than by a template partial: a 自评表 has about a thousand inputs, and
        a partial per input was a third of the page's rendering. `attrs` and `options_html` are escaped already."""
        name = escape(self.name)
        if self.kind == "select":
            return mark_safe(f'<select name="{name}"{self.attrs}>{self.options_html}</select>')
        if self.kind == "textarea":
            # The line break after the tag is dropped by the browser: a value starting with one keeps it.
            return mark_safe(f'<textarea name="{name}"{self.attrs}>\n{escape(self.value)}</textarea>')
        return mark_safe(f'<input type="{escape(self.kind)}" name="{name}"{self.attrs}>')


@dataclass(slots=True)
class RowView:
    prefix: str
    pk: int | None
    code: str
    indicator: object
    mode: str
    controls: dict
    hidden: tuple
    group: str = ""
    name: str = ""
    deleted: bool = False
    kind: str = ""
    survey: bool = False
    manual: bool = False
    target_reading: str = ""
    target_unread: bool = False
    meta_filled: bool = False
    suggestions: tuple = ()
    prior: object = None
    line: object = None
    answers: tuple = field(default=())
    hints: tuple = ()  # (number, Hint) of the 提示 about this row, with their explanation boxes

    @property
    def is_unit_row(self) -> bool:
        return self.indicator is None

    @property
    def hand_scorable(self) -> bool:
        return "manual" in self.controls

    @property
    def meta(self) -> tuple:
        """The row's 指标信息 drop-downs (101号's metadata), in their order."""
        return tuple(self.controls[name] for name in ("target_basis", "actual_method", "data_source"))

    @property
    def comment_key(self) -> str:
        """The key reviewers' comments on this row are stored under."""
        return self.code if self.indicator is not None else f"row-{self.pk}"


class RowFields:
    """The fields of each kind of row, made once per page (a framework indicator's own, and one set shared by every
    unit-written row)."""

    def __init__(self, groups):
        self.groups = groups
        self._made = {}
        self.written = {}  # the selects' options written so far (options_html)

    def of(self, indicator) -> dict:
        key = indicator.code if indicator is not None else ""
        if key not in self._made:
            self._made[key] = IndicatorRowForm.shown_fields(indicator, self.groups)
        return self._made[key]


def stored_rows(rows, *, indicators, groups, disabled: bool, made: RowFields | None = None) -> list[RowView]:
    """The rows as stored, in their order, each under the prefix its form would have (row-0, row-1, …). `made`: the
    page's RowFields, when its blank row takes them too."""
    made = made or RowFields(groups)
    groups_key = _shown(groups)
    views = []
    for index, row in enumerate(rows):
        indicator = indicators.get(row.code) if row.code else None
        views.append(_laid_out_row(row, f"row-{index}", index + 1, indicator, made, disabled, groups_key))
    return views


def blank_row(*, groups, made: RowFields | None = None) -> RowView:
    """A new unit-written row under the prefix the page replaces when it adds one (添加…三级指标). `made`: the page's
    RowFields, when its stored rows have made the unit-written rows' fields already."""
    made = made or RowFields(groups)
    return _laid_out_row(IndicatorRow(), "row-__prefix__", None, None, made, False, _shown(groups))


def _laid_out_row(row, prefix: str, order, indicator, made: RowFields, disabled: bool, groups_key) -> RowView:
    """The row laid out (`_stored`), or a copy of its layout kept from an earlier page (`_laid_out`): the same stored
    values under the same prefix (which gives the order), indicator, groups and disabled state."""
    key = (id(indicator), groups_key, prefix, disabled, _stored_values(row))
    laid_out = _laid_out.get(key)
    if laid_out is not None:
        return _copy_view(laid_out)
    laid_out = _stored(row, prefix, order, indicator, made.of(indicator), disabled, made.written)
    _laid_out.put(key, _copy_view(laid_out))  # kept apart: the page sets the views' scores, 上年 and 提示
    return laid_out


def _stored(row, prefix: str, order, indicator, fields: dict, disabled: bool, written: dict) -> RowView:
    inputs = inputs_for(indicator) if indicator is not None else None
    answers = answer_initials(row, inputs)
    controls = {}
    for name, form_field in fields.items():
        if _is_hidden(fields, name):
            continue
        value = answers[name] if name.startswith("ans_") else getattr(row, name)
        controls[name] = control(form_field, prefix, name, form_field.prepare_value(value), (), disabled, written)
    hidden = [_hidden(prefix, "id", row.pk, disabled), _hidden(prefix, ORDERING_FIELD_NAME, order, disabled)]
    if _is_hidden(fields, "group_code"):
        hidden.insert(0, _hidden(prefix, "group_code", row.group_code, disabled))
    return _view(prefix, row, indicator, inputs, controls, tuple(hidden), False, row.group_code)


def form_rows(formset, *, inputs: bool = True) -> list[RowView]:
    """The rows of a formset: as the user typed them, with their errors, when it is bound. `inputs=False`: without
    their inputs, for a live preview, which swaps only the rows' computed cells."""
    written = {}
    return [form_row(form, inputs=inputs, written=written) for form in formset.forms]


def form_row(form, *, inputs: bool = True, written: dict | None = None) -> RowView:
    """One row's form as the row template shows it (a row outside a formset: a project's 预算执行率 hand score)."""
    written = {} if written is None else written
    controls, hidden = {}, []
    for name in form.fields if inputs else ():
        if name == DELETION_FIELD_NAME:
            continue
        bound = form[name]
        widget = bound.field.widget
        if isinstance(widget, forms.HiddenInput) or name == ORDERING_FIELD_NAME:
            hidden.append(_hidden(form.prefix, name, bound.value(), bound.field.disabled))
            continue
        controls[name] = control(bound.field, form.prefix, name, bound.value(), tuple(bound.errors), False, written)
    row = form.instance
    deleted = bool(form["DELETE"].value()) if DELETION_FIELD_NAME in form.fields else False
    group = form["group_code"].value() if "group_code" in form.fields else row.group_code
    view = _view(form.prefix, row, form.indicator, form.inputs, controls, tuple(hidden), deleted, group or "")
    view.suggestions = suggestions_shown(form.suggestions)
    return view


# The inputs of a row under which last year's value stands (上年): its texts and choices. Not its name (last year's
# row is found by it), nor the numbers read from its texts, nor the 评分方式, whose hand score has a line of its own.
PRIOR_SHOWN = frozenset(
    {"target_value", "actual_value", "kind", "outcome", "score_reason", "deviation_reason", *METADATA_FIELDS}
)
PRIOR_CAPTIONS = {"target_value": "上年目标：", "actual_value": "上年完成："}


def with_last_year(view: RowView, previous: IndicatorRow | None) -> None:
    """Put last year's row (`previous`) beside this one: each of the row's texts and choices (a check item's too)
    shows last year's value under its input, a choice by the label its drop-down shows."""
    view.prior = previous
    if previous is None:
        return
    answers = answer_initials(previous, inputs_for(view.indicator)) if view.indicator is not None else {}
    for name, ctrl in view.controls.items():
        if name in answers:
            value = answers[name]
        elif name in PRIOR_SHOWN:
            value = getattr(previous, name)
        else:
            continue
        ctrl.prior = shown_value(value, ctrl.choices, caption=PRIOR_CAPTIONS.get(name, "上年 "))


def suggestions_shown(suggestions) -> tuple:
    """Targets a 历史标准 row may take, each with its number as the row shows it (whole, or with 2 places)."""
    return tuple(
        {"text": s.text, "shown": s.value.normalize() if s.value == s.value.to_integral() else s.value.quantize(CENT)}
        for s in suggestions
    )


def _view(prefix, row, indicator, inputs, controls, hidden, deleted, group) -> RowView:
    manual = controls.get("manual")
    meta = ("target_basis", "actual_method", "data_source", "evidence_types")
    return RowView(
        prefix=prefix,
        pk=row.pk,
        code=row.code,
        indicator=indicator,
        mode=inputs.mode if inputs is not None else "",
        controls=controls,
        hidden=hidden,
        group=group,
        name=row.name,
        deleted=deleted,
        kind=(controls["kind"].value if "kind" in controls else "") if indicator is None else "",
        survey=indicator is None and "satisf" in group,
        manual=manual is not None and manual.value == "True",
        target_reading=stored_target_reading(row),
        target_unread=row.target_number is None and stored_target_deadline(row) is None,
        meta_filled=any(controls[name].value for name in meta if name in controls),
        answers=tuple(controls[name] for name in controls if name.startswith("ans_")),
    )


def options_html(widget, current: list[str], written: dict) -> str:
    """A select's options, written once per page for each list of choices and choice (`written` holds them): fifty
    rows offer the same lists, mostly with the same choice."""
    key = (id(widget.choices), tuple(current))
    if key not in written:
        options = [(str(v), str(text), str(v) in current) for v, text in widget.choices]
        # The choices are kept with their options so that their id is not reused while the page is written.
        written[key] = (widget.choices, get_template(OPTIONS_TEMPLATE).render({"options": options}))
    return written[key][1]


def attributes(attrs: dict) -> str:
    """An input's attributes after its name, as Django's widgets write them (True: a bare attribute, False: left
    out), escaped once as a whole: the rows have thousands, and django.forms.utils.flatatt's per-value lazy-string
    checks were most of the cost of reading them."""
    return mark_safe(
        "".join(
            f" {name}" if value is True else f' {name}="{escape(str(value))}"'
            for name, value in attrs.items()
            if value is not False and value is not None
        )
    )


def _is_hidden(fields: dict, name: str) -> bool:
    return name in fields and isinstance(fields[name].widget, forms.HiddenInput)


def _hidden(prefix: str, name: str, value, disabled: bool) -> Control:
    html_name = f"{prefix}-{name}"
    value = getattr(value, "pk", value)  # a row's id field holds the row once validated
    attrs = {"value": str(value)} if value not in (None, "") else {}
    if disabled:
        attrs["disabled"] = True
    attrs["id"] = f"id_{html_name}"
    return Control("hidden", html_name, attrs["id"], "", "" if value is None else str(value), attributes(attrs))


def control(form_field, prefix: str, name: str, value, errors: tuple, disabled: bool, written: dict) -> Control:
    """A field's input as Django's widget would write it inside a table cell: Bootstrap's small control classes,
    marked invalid when it has errors, labelled for screen readers (a visible label would not fit the cell)."""
    widget = form_field.widget
    html_name = f"{prefix}-{name}"
    auto_id = f"id_{html_name}"
    label = str(form_field.label or "")
    if isinstance(widget, forms.CheckboxSelectMultiple):
        chosen = {str(v) for v in (value or ())}
        options = tuple((str(v), str(text), str(v) in chosen) for v, text in form_field.choices)
        attrs = attributes({"disabled": True} if disabled or form_field.disabled else {})
        chosen_codes = ",".join(sorted(chosen))
        return Control(
            "checkboxes", html_name, auto_id, label, chosen_codes, attrs, options, errors, choices=form_field.choices
        )
    css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
    classes = " ".join(part for part in (css, widget.attrs.get("class", ""), "is-invalid" if errors else "") if part)
    attrs = {**widget.attrs, "class": classes}
    if form_field.required:
        attrs["required"] = True
    if disabled or form_field.disabled:
        attrs["disabled"] = True
    if errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{auto_id}_error"
    if label:
        attrs["aria-label"] = label
    attrs["id"] = auto_id
    if isinstance(widget, forms.Select):
        current = [str(v) for v in widget.format_value(value)]
        chosen = current[0] if current else ""
        options = options_html(widget, current, written)
        attrs = attributes(attrs)
        return Control("select", html_name, auto_id, label, chosen, attrs, (), errors, options, choices=widget.choices)
    shown = widget.format_value(value)
    if isinstance(widget, forms.Textarea):
        return Control("textarea", html_name, auto_id, label, shown or "", attributes(attrs), (), errors)
    if shown is not None:
        attrs = {"value": shown, **attrs}
    return Control("text", html_name, auto_id, label, shown or "", attributes(attrs), (), errors)


# ---------------------------------------------------------------------------------------------------------------------
# Rows written once and reused. Laying out a row is most of a 自评表's rendering (≈ 40 ms of 50 rows), and a row
# shows the same values on most of its views: the page after a save, the reviewer's reading, the next tab and back.
# A row is written again only when something its template reads has changed: the key is every value the row template
# (indicator_row.html, with hint_box.html for its 提示) reads, so equal keys write equal HTML. The views' own values
# are plain and compared as they are; of the objects a view carries, only what the template reads of them is taken
# (`ROW_TEMPLATE_READS`, which tests/assessments/test_row_html.py checks against the templates). Kept per process,
# like the score sheets (assessments/scores.py): a deployment restarts the processes with its templates.

ROW_TEMPLATE = "assessments/partials/indicator_row.html"
ROWS_KEPT = 2048  # ≈ 6 KB each: about 40 自评表 of 50 rows

# Of the objects a RowView carries, the attributes the row template reads (the dataclasses' fields are all taken).
ROW_TEMPLATE_READS = {
    "row.indicator": ("name", "weight"),
    "row.line": ("points", "explanation", "warnings", "by_hand"),
    "row.prior": ("manual", "score"),
    "hint": ("key", "explained", "text"),
    "hint.finding": ("message",),
}
# Control.choices is what last year's value is looked up in (with_last_year), not written by the template.
CONTROL_NOT_WRITTEN = frozenset({"choices"})

_written = Kept(ROWS_KEPT)


def row_html(view: RowView, writable: bool) -> str:
    """The row as indicator_row.html writes it (with `writable`, the one value of the page it reads), written once
    per process for each set of values it shows."""
    key = row_key(view, writable)
    html = _written.get(key)
    if html is None:
        html = get_template(ROW_TEMPLATE).render({"row": view, "writable": writable})
        _written.put(key, html)
    return html


def forget_written_rows() -> None:
    """Drop the rows kept, written and laid out (tests start without them, as a new process would)."""
    _written.cache_clear()
    _laid_out.cache_clear()


# Stored rows laid out once and reused. Laying out a stored row's inputs (`_stored`: a thousand inputs on a 自评表 of
# 50 rows) cost more than writing the rows once they were kept; it depends only on the row's stored values, its
# prefix and order (the prefix gives both), its indicator (the fields it shows; kept alive by the layout, so its id
# names it), the level-2 groups a unit-written row may take, and whether the inputs are disabled. The key holds all
# of them, every stored field of the row included, so a layout is reused only for equal values. What a page adds to
# a view (its score line, last year's row and values, the 提示, the suggested targets) is set on a copy.
_laid_out = Kept(ROWS_KEPT)


def _stored_values(row) -> tuple:
    return tuple(_shown(getattr(row, name)) for name in row_fields())


def _copy_control(ctrl: Control) -> Control:
    return Control(
        ctrl.kind,
        ctrl.name,
        ctrl.id,
        ctrl.label,
        ctrl.value,
        ctrl.attrs,
        ctrl.options,
        ctrl.errors,
        ctrl.options_html,
        ctrl.choices,
        ctrl.prior,
    )


def _copy_view(view: RowView) -> RowView:
    """A view and its inputs as new objects (with_last_year sets an input's 上年), sharing their immutable values."""
    controls = {name: _copy_control(ctrl) for name, ctrl in view.controls.items()}
    return RowView(
        prefix=view.prefix,
        pk=view.pk,
        code=view.code,
        indicator=view.indicator,
        mode=view.mode,
        controls=controls,
        hidden=view.hidden,
        group=view.group,
        name=view.name,
        deleted=view.deleted,
        kind=view.kind,
        survey=view.survey,
        manual=view.manual,
        target_reading=view.target_reading,
        target_unread=view.target_unread,
        meta_filled=view.meta_filled,
        suggestions=view.suggestions,
        prior=view.prior,
        line=view.line,
        answers=tuple(controls[name] for name in controls if name.startswith("ans_")),
        hints=view.hints,
    )


def _shown(value) -> object:
    """A value as the template would write it, for a key. Plain texts and whole numbers are compared as they are;
    anything else by its type and text: 1.0 and 1.00 are equal Decimals written differently, True equals 1, and a
    safe string equal to a plain one is written unescaped."""
    kind = type(value)
    if kind is str or kind is int or value is None:
        return value
    if kind is tuple or kind is list:
        return tuple(_shown(item) for item in value)
    return (kind.__name__, str(value))


def _read(obj, path: str) -> tuple | None:
    if obj is None:
        return None
    return tuple(_shown(getattr(obj, name)) for name in ROW_TEMPLATE_READS[path])


def _control_key(ctrl: Control) -> tuple:
    return (
        ctrl.kind,
        ctrl.name,
        ctrl.id,
        ctrl.label,
        ctrl.value,
        ctrl.attrs,
        _shown(ctrl.options),
        _shown(ctrl.errors),
        ctrl.options_html,
        ctrl.prior,  # a last_year.Shown: frozen, its three texts compared
    )


def row_key(view: RowView, writable: bool) -> tuple:
    """Every value the row template reads of `view` (and `writable`): rows with equal keys are written alike."""
    return (
        writable,
        view.prefix,
        view.pk,
        view.code,
        _read(view.indicator, "row.indicator"),
        view.mode,
        tuple((name, _control_key(ctrl)) for name, ctrl in view.controls.items()),
        tuple(_control_key(ctrl) for ctrl in view.hidden),
        view.group,
        view.name,
        view.deleted,
        view.kind,
        view.survey,
        view.manual,
        view.target_reading,
        view.target_unread,
        view.meta_filled,
        tuple(tuple((name, _shown(value)) for name, value in s.items()) for s in view.suggestions),
        _read(view.prior, "row.prior"),
        _read(view.line, "row.line"),
        tuple(_control_key(ctrl) for ctrl in view.answers),
        tuple((number, _read(hint, "hint"), _read(hint.finding, "hint.finding")) for number, hint in view.hints),
    )
