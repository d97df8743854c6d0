"""Forms of the assessment screens. Numbers are read the way people in China type them (full-width digits,
thousands separators, a trailing 万元); anything else gets a Chinese message next to the field."""

import copy
import functools
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, ProhibitNullCharactersValidator
from django.db.models import AutoField, F
from django.forms import modelformset_factory
from django.forms.formsets import ORDERING_FIELD_NAME
from django.forms.utils import ErrorDict

from assessments import tables
from assessments.indicator_inputs import HAND_SCORABLE, from_stored, inputs_for, to_stored
from assessments.models import Assessment, Facts, IndicatorRow, Institution, NarrativeSection, Project, SpecialFund
from assessments.scores import TOP_ANSWER
from perfeval.kept import Kept
from scoring.engine import ScoringError, metadata, parse_number, parse_target, row_deadline
from scoring.engine.numbers import MONEY_SUFFIX, read_amount
from units.models import Staffing, Unit


class AmountInput(forms.TextInput):
    """A right-aligned amount shown with 2 places and thousands separators, as on the official tables."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "class": "text-end num", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:,.2f}"
        return super().format_value(value)


class AmountField(forms.DecimalField):
    """万元 with 2 places. Accepts １２３，４５６．７８ and 123,456.78; an amount typed in 元 or 亿元 (“166300元”,
    “0.0041亿元”) is converted to 万元 exactly by the engine's one money reader (scoring.engine.numbers.read_amount),
    the same the Excel import and the score command use; a percent sign on an amount is refused."""

    widget = AmountInput
    default_error_messages = {
        "invalid": "请填写金额（万元），如 1,234.56。",
        "max_decimal_places": "金额最多保留 2 位小数。",
        "max_digits": "金额过大。",
        "max_whole_digits": "金额过大。",
        "converted_places": "{typed} 折合 {converted} 万元，超过两位小数：请按万元填写（保留两位小数）。",
    }

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal):
            return value
        text = str(value).strip()
        if "%" in text or "％" in text:
            raise forms.ValidationError("这里应填写金额（万元），不是百分比。", code="invalid")
        if not MONEY_SUFFIX.search(text.rstrip()):
            try:
                return parse_number(text)
            except ScoringError:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        # A unit of money was typed: the engine converts it. Its reader refuses negative amounts; fields that may be
        # negative (调减, 结余) keep the sign here, and the model's validators refuse it where it is not allowed.
        sign, body = (-1, text[1:]) if text[:1] in ("-", "－", "−") else (1, text)
        try:
            amount = read_amount(body, label=str(self.label or "金额"))
        except ScoringError as error:
            raise forms.ValidationError(error.message, code="invalid") from None
        converted = sign * amount.value
        places = self.decimal_places or 2
        if -converted.normalize().as_tuple().exponent > places:
            raise forms.ValidationError(
                self.error_messages["converted_places"].format(typed=text, converted=f"{converted.normalize():f}"),
                code="converted_places",
            )
        return converted.quantize(Decimal(1).scaleb(-places))

    def widget_attrs(self, widget):
        return {}  # no HTML number constraints: full-width digits and separators must reach the server


class CountField(forms.IntegerField):
    default_error_messages = {"invalid": "请填写整数。", "too_big": "数值过大，请检查是否多输入了数字。"}
    # Far above any count of people, surveys or tasks; also keeps int() below Python's 4,300-digit conversion limit.
    MAX_DIGITS = 15

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)
        self.error_messages["min_value"] = "不能为负数。"
        self.widget = forms.TextInput(attrs={"inputmode": "numeric", "class": "text-end num", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            if value:
                try:
                    number = parse_number(value)
                except ScoringError:
                    raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
                if number.adjusted() >= self.MAX_DIGITS:
                    raise forms.ValidationError(self.error_messages["too_big"], code="too_big")
                if number != number.to_integral_value():
                    raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
                value = str(int(number))
        return super().to_python(value)


NUL_IN_TEXT = "含有不可见的控制字符（NUL），无法保存：常见于从 PDF 或其他系统复制的文字，请删除后重新输入。"


class TextField(forms.CharField):
    """Text as typed, with the browser's CRLF line ends stored as LF (so an unchanged text never looks changed)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # PostgreSQL cannot store NUL, and Django's Chinese message for it says "empty string", which misleads.
        self.validators = [
            *(v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)),
            ProhibitNullCharactersValidator(message=NUL_IN_TEXT),
        ]

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


NUMBER_MESSAGES = {
    "invalid": "请填写数字，如 4.5。",
    "max_decimal_places": "最多保留 %(max)s 位小数。",
    "max_digits": "数值过大。",
    "max_whole_digits": "数值过大。",
}


def _number_fields(model_field, **kwargs):
    """formfield_callback: every DecimalField becomes an AmountField, every count a CountField, text keeps LF."""
    from django.db import models

    if isinstance(model_field, models.TextField | models.CharField) and not model_field.choices:
        kwargs.setdefault("form_class", TextField)

    if isinstance(model_field, models.DecimalField):
        field = AmountField(
            label=model_field.verbose_name,
            help_text=model_field.help_text,
            required=False,
            max_digits=model_field.max_digits,
            decimal_places=model_field.decimal_places,
            validators=model_field.validators,
        )
        if not getattr(model_field, "is_money", False):  # a 分值, a score, a number read from a target: not 万元
            field.error_messages.update(NUMBER_MESSAGES)
        return field
    if isinstance(model_field, models.PositiveIntegerField | models.PositiveSmallIntegerField) and model_field.null:
        return CountField(label=model_field.verbose_name, required=False)
    return model_field.formfield(**kwargs)


UNIT_STALE = (
    "单位的联系人、联系电话、主要职能或内设机构已被他人（或在另一年度的自评中）修改，本次对这几项的修改未保存。"
    "您填写的内容仍保留在页面上：请核对后重新保存。"
)


class UnitInfoForm(forms.ModelForm):
    """The unit's own fields, shared by every year's assessment of the unit. Written only when the user changed them,
    and only if nobody changed them since the page was loaded (the unit's version travels with the form)."""

    unit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        formfield_callback = _number_fields
        model = Unit
        fields = ["contact_person", "contact_phone", "functions", "internal_structure"]
        widgets = {
            "functions": forms.Textarea(attrs={"rows": 6}),
            "internal_structure": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_version"].initial = self.instance.lock_version

    def save(self, commit=True):
        changed = [name for name in self.changed_data if name in self._meta.fields]
        if not changed:  # what the page showed may be stale, and the user did not touch it: leave the unit alone
            return self.instance
        expected = self.cleaned_data.get("unit_version")
        written = Unit.objects.filter(pk=self.instance.pk, lock_version=expected).update(
            lock_version=F("lock_version") + 1, **{name: self.cleaned_data[name] for name in changed}
        )
        if not written:
            raise ValidationError(UNIT_STALE, code="stale")
        self.instance.lock_version = expected + 1
        return self.instance


class StaffingForm(forms.ModelForm):
    class Meta:
        formfield_callback = _number_fields
        model = Staffing
        fields = ["staff_quota", "staff_actual", "staff_agency", "veteran_retirees", "retirees"]
        field_classes = {name: CountField for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_quota"].required = True
        self.fields["staff_actual"].required = True
        for name in ("staff_agency", "veteran_retirees", "retirees"):
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        for name in ("staff_agency", "veteran_retirees", "retirees"):
            if data.get(name) is None:
                data[name] = 0
        return data


class GoalForm(forms.ModelForm):
    class Meta:
        formfield_callback = _number_fields
        model = Assessment
        fields = ["goal_planned", "goal_achieved"]
        widgets = {
            "goal_planned": forms.Textarea(attrs={"rows": 3}),
            "goal_achieved": forms.Textarea(attrs={"rows": 3}),
        }


class BasicDataForm(forms.ModelForm):
    """附件1-1 基础数据表 (the staffing block is StaffingForm; special funds are SpecialFundFormSet)."""

    class Meta:
        formfield_callback = _number_fields
        model = Facts
        fields = tables.BASIC_DATA_FIELDS
        widgets = {"austerity_measures": forms.Textarea(attrs={"rows": 3})}


class ExecutionForm(forms.ModelForm):
    """The 自评表's inputs besides the indicator rows: the funds block, quarterly spending, surveys, work done."""

    class Meta:
        formfield_callback = _number_fields
        model = Facts
        fields = tables.EXECUTION_FIELDS
        widgets = {
            "budget_adjustment_excluded_reason": forms.Textarea(attrs={"rows": 2}),
            "execution_shortfall_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        if data.get("budget_adjustment_excluded") and not (data.get("budget_adjustment_excluded_reason") or "").strip():
            self.add_error("budget_adjustment_excluded_reason", "不计入预算调整率的政策性调整须说明原因。")
        for group, label in (("recipients", "服务对象"), ("public", "社会公众"), ("staff", "内部员工")):
            responses = data.get(f"satisfaction_{group}_responses")
            satisfied = data.get(f"satisfaction_{group}_satisfied")
            if responses is not None and satisfied is not None and satisfied > responses:
                self.add_error(f"satisfaction_{group}_satisfied", f"{label}满意问卷数不能多于有效问卷数。")
        planned, completed = data.get("key_tasks_planned"), data.get("key_tasks_completed")
        if planned is not None and completed is not None and completed > planned:
            self.add_error("key_tasks_completed", "完成数不能多于计划数。")
        planned, on_time = data.get("projects_planned"), data.get("projects_on_time")
        if planned is not None and on_time is not None and on_time > planned:
            self.add_error("projects_on_time", "按时完成数不能多于计划数。")
        return data


class InstitutionForm(forms.ModelForm):
    class Meta:
        formfield_callback = _number_fields
        model = Institution
        fields = [
            "name",
            "carryover_start",
            "income_general_budget",
            "income_government_funds",
            "income_special_account",
            "income_other",
            "spending_personnel",
            "spending_public",
            "spending_project",
            "reception_actual",
            "vehicle_operation_actual",
            "vehicle_purchase_actual",
            "overseas_travel_actual",
            "fixed_assets_in_use",
            "fixed_assets_leased",
            "fixed_assets_other",
        ]


class SpecialFundForm(forms.ModelForm):
    class Meta:
        formfield_callback = _number_fields
        model = SpecialFund
        fields = ["name", "prior", "budget", "actual"]


class _QuickCopyFields(dict):
    """A form class's base_fields whose per-form copy is shallow where Django's deep copy buys nothing: choice lists
    are frozen to tuples once and shared. The 自评表 builds a form per indicator row, and copying their fields was
    most of that cost. Fields and widgets with copy rules of their own (querysets, sub-widgets) are deep-copied as
    Django does."""

    def __init__(self, fields: dict):
        super().__init__(fields)
        for field in fields.values():
            if _plain(field) and isinstance(field, forms.ChoiceField) and not callable(field._choices):
                field._choices = tuple(field._choices)
                field.widget.choices = field._choices

    def __deepcopy__(self, memo):
        return {
            name: _copy_field(field, memo) if _plain(field) else copy.deepcopy(field, memo)
            for name, field in self.items()
        }


_PLAIN_FIELD_COPIES = (forms.Field.__deepcopy__, forms.ChoiceField.__deepcopy__)
_PLAIN_WIDGET_COPIES = (forms.Widget.__deepcopy__, forms.widgets.ChoiceWidget.__deepcopy__)


def _plain(field: forms.Field) -> bool:
    return type(field).__deepcopy__ in _PLAIN_FIELD_COPIES and type(field.widget).__deepcopy__ in _PLAIN_WIDGET_COPIES


def _shallow(obj):
    clone = obj.__class__.__new__(obj.__class__)
    clone.__dict__.update(obj.__dict__)
    return clone


def _copy_field(field: forms.Field, memo: dict) -> forms.Field:
    """What Field.__deepcopy__, ChoiceField.__deepcopy__ and the widgets' __deepcopy__ do, sharing frozen choices."""
    result = _shallow(field)
    result.widget = _shallow(field.widget)
    result.widget.attrs = field.widget.attrs.copy()
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    if isinstance(field, forms.ChoiceField) and not isinstance(field._choices, tuple):
        result._choices = copy.deepcopy(field._choices, memo)
    return result


class QuickFieldCopies:
    """Mixin for forms built many times per request (a formset's rows)."""

    def __init__(self, *args, **kwargs):
        cls = type(self)
        # Wrapped per concrete class, once: formset factories derive new classes with base_fields of their own.
        if not isinstance(cls.__dict__.get("base_fields"), _QuickCopyFields):
            cls.base_fields = _QuickCopyFields(cls.base_fields)
        super().__init__(*args, **kwargs)


# Keyed as str(bool), so the stored True/False selects its option and compares unchanged.
MANUAL_NO, MANUAL_YES = "False", "True"
MANUAL_CHOICES = [(MANUAL_NO, "按规则计算"), (MANUAL_YES, "数据无法取得，人工评分")]
MANUAL_NEEDS_REASON = "选择人工评分时须说明数据无法取得的原因及评分依据。"
SCORE_NEGATIVE = "得分不能为负数。"
MANUAL_NOT_CHOSEN = "该指标按规则计算：如数据无法取得，请先选择“数据无法取得，人工评分”，再填写得分。"
# What a framework indicator's row shows, by the kind of input its rule asks for (IndicatorInputs.mode); rules that
# compute the score from data may instead be scored by hand when the data cannot be had (HAND_SCORABLE).
HAND_SCORE_FIELDS = ("manual", "score", "score_reason")
SHOWN_BY_MODE = {
    "computed": HAND_SCORE_FIELDS,
    "answers": HAND_SCORE_FIELDS,
    "quantitative": ("target_value", "actual_value", *HAND_SCORE_FIELDS),
    "qualitative": ("outcome", "score"),
    "manual": ("score", "score_reason"),
}

COMPARATOR_SIGNS = {">=": "≥", "<=": "≤", "=": "="}
TIMELINESS_GROUP = "timeliness"  # the 时效指标 group's code in every shipped framework

NUMBER_IN_TEXT_TOO_BIG = "其中的数字过大（整数部分最多 {digits} 位），请检查是否多输入了数字。"


# 财预〔2021〕101号's row metadata (scoring.engine.metadata): optional here; a framework that requires them reports
# the rows without them as findings.
METADATA_FIELDS = ["target_basis", "actual_method", "data_source", "evidence_types"]


def answer_initials(row: IndicatorRow, inputs) -> dict:
    """The stored answers of a checklist indicator's row as its `ans_<key>` fields show them."""
    stored = row.answers or {}
    initials = {}
    for answer in inputs.answers if inputs else ():
        if answer.is_count:
            value = row.failed_items if answer.key == TOP_ANSWER else stored.get(answer.key)
        else:
            value = from_stored(stored.get(answer.key))
        initials[f"ans_{answer.key}"] = value
    return initials


def _keep_only_shown_fields(fields: dict, mode: str) -> None:
    """A framework indicator's row holds only the inputs its screen shows: a field the page does not send would
    otherwise be saved as blank, and a save must never clear what the user did not clear."""
    shown = {"deviation_reason", *SHOWN_BY_MODE[mode]}
    for name in list(fields):
        if name not in shown and not name.startswith("ans_"):
            del fields[name]
    if mode in HAND_SCORABLE:
        fields["manual"] = forms.TypedChoiceField(
            label="评分方式",
            choices=MANUAL_CHOICES,
            coerce=_chose_manual,  # the stored bool as initial, the text as posted
            empty_value=False,
            required=False,
        )
        fields["manual"].widget.attrs["data-manual-choice"] = ""
        fields["score"].label = "人工评分"
        fields["score_reason"].label = "数据无法取得的原因及评分依据"


def _chose_manual(value) -> bool:
    return value in (True, MANUAL_YES)


def stored_target_deadline(row):
    """The time limit the scoring reads from a row's saved target, None when the row is a quantity (under 时效指标 a
    bare date such as '12月' is a time limit too)."""
    return row_deadline(
        row.target_value, row.target_number, row.target_comparator, timeliness=row.group_code == TIMELINESS_GROUP
    )


def stored_target_reading(row) -> str:
    """The comparator and number the scoring reads from a row's saved target, shown back for confirmation; for a
    time limit ('9月前', '2023年12月31日前', '3个工作日内') the limit as the scoring reads it."""
    deadline = stored_target_deadline(row)
    if deadline is not None:
        return f"时限：{deadline.describe()}"
    if row.target_number is None:
        return "未读出数值，请展开填写" if (row.target_value or "").strip() else "—"
    shown = f"{row.target_number.normalize():f}"
    comparator = row.target_comparator
    return f"{COMPARATOR_SIGNS.get(comparator, '')}{' ' if comparator else ''}{shown}"


# Rows validated clean, kept per process: a save or live preview of the 自评表 posts all fifty rows, and each row's form
# validation (its fields, its rules, the model's checks) was a quarter of the request although the user changed one.
# The outcome of validating a row depends only on what the key holds (`IndicatorRowForm._validation_key`): the form's
# class and shape (indicator, level-2 groups), its prefix, every stored field of the row (its initial values) and every
# value posted for its fields. A hit gives back the cleaned data and the row's values after validation as they were;
# a row with an error is never kept. ≈ 9 KB each (tracemalloc: key and outcome): ≈ 19 MB a process, about 40 自评表 of
# 50 rows.
ROWS_VALIDATED_KEPT = 2048
_validated = Kept(ROWS_VALIDATED_KEPT)
_THE_ROW = object()  # stands for the form's own row in kept cleaned data (the id field cleans to it)


def _value_key(value) -> object:
    """A value for a key, told apart from any that validates or cleans differently: texts as they are, anything else
    by its type and repr (1.0 and 1.00 are equal Decimals written differently; True equals 1)."""
    return value if type(value) is str else (type(value).__name__, repr(value))


def _copied(value):
    return copy.deepcopy(value) if isinstance(value, (list, dict, set)) else value


class IndicatorRowForm(QuickFieldCopies, forms.ModelForm):
    """One indicator row. A framework indicator (`indicator` given) gets the inputs its rule asks for; a row the unit
    writes under a 10号 level-2 group (`groups` are the choices) gets name, weight, target and actual."""

    # Targets a 历史标准 row may take (selectors.attach_suggestions sets them on the forms of a page).
    suggestions = ()

    class Meta:
        formfield_callback = _number_fields
        model = IndicatorRow
        fields = [
            "group_code",
            "name",
            "weight",
            "kind",
            "target_value",
            "target_comparator",
            "target_number",
            "actual_value",
            "actual_number",
            "outcome",
            "score",
            "score_reason",
            "manual",
            "deviation_reason",
            *METADATA_FIELDS,
            "survey_responses",
            "survey_satisfied",
        ]
        widgets = {
            "deviation_reason": forms.Textarea(attrs={"rows": 1}),
            "score_reason": forms.Textarea(attrs={"rows": 1}),
        }

    prior = None  # last year's row, where the screen shows it (上年)

    def __init__(self, *args, indicator=None, groups=(), shaped=None, **kwargs):
        """`shaped`: the fields of this indicator's rows as `shaped_fields` made them for the formset, copied instead
        of shaping the class's fields anew for each row (a table has fifty rows of a handful of kinds)."""
        if shaped is not None:
            self.base_fields = shaped  # what BaseForm copies into self.fields
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self._groups = groups
        self.inputs = inputs_for(indicator) if indicator is not None else None
        if shaped is None:
            self._shape_fields(self.fields, self.inputs, groups)
        for name, value in answer_initials(self.instance, self.inputs).items():
            self.initial.setdefault(name, value)

    @classmethod
    def shown_fields(cls, indicator=None, groups=()) -> dict:
        """The fields a row of this indicator (None: a unit-written row) shows, without a form: the 自评表 renders
        its rows from the stored values with them and builds forms only to validate a save."""
        fields = copy.deepcopy(cls.base_fields)
        cls._shape_fields(fields, inputs_for(indicator) if indicator is not None else None, groups)
        return fields

    @classmethod
    def shaped_fields(cls, indicator=None, groups=()) -> dict:
        """`shown_fields` as the base fields of many rows' forms: each form copies them shallowly (QuickFieldCopies)."""
        return _QuickCopyFields(cls.shown_fields(indicator, groups))

    @staticmethod
    def _shape_fields(fields: dict, inputs, groups) -> None:
        if groups:
            # Chosen by the "添加…三级指标" button of its group, so it travels as a hidden value.
            fields["group_code"] = forms.ChoiceField(
                label="二级指标", choices=[("", "—请选择—"), *groups], required=False, widget=forms.HiddenInput
            )
        for name in ("target_number", "actual_number"):
            fields[name].widget.attrs.update({"class": "text-end num", "placeholder": "数值"})
        for name in ("survey_responses", "survey_satisfied"):
            fields[name].widget.attrs.update({"class": "text-end num", "placeholder": fields[name].label})
        fields["target_comparator"].choices = [("", "比较"), (">=", "≥"), ("<=", "≤"), ("=", "=")]
        fields["name"].widget = forms.Textarea(attrs={"rows": 2})
        fields["evidence_types"] = forms.MultipleChoiceField(
            label=metadata.EVIDENCE.label,
            choices=metadata.EVIDENCE.choices(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        for name in ("target_basis", "actual_method", "data_source"):
            fields[name].choices = [("", "—"), *getattr(metadata, name.upper()).choices()]
        for answer in inputs.answers if inputs else ():
            name = f"ans_{answer.key}"
            if answer.is_count:
                fields[name] = CountField(label=answer.label, required=False)
            else:
                fields[name] = forms.ChoiceField(
                    label=answer.label, choices=[("", "—请选择—"), *answer.options], required=False
                )
        if inputs is not None:
            _keep_only_shown_fields(fields, inputs.mode)
        else:
            del fields["manual"]  # a unit-written row is scored by its own kind, never "by hand instead"

    @property
    def is_unit_row(self) -> bool:
        return self.indicator is None

    @property
    def is_survey_row(self) -> bool:
        """A unit-written row under a 满意度 group: its rate needs the survey's counts beside it."""
        return self.is_unit_row and "satisf" in (self["group_code"].value() or "")

    def _timeliness(self, data=None) -> bool:
        """Whether the row sits under 时效指标, where a bare date ('12月') is a time limit too."""
        return ((data or {}).get("group_code") or self.instance.group_code or "") == TIMELINESS_GROUP

    def target_deadline(self):
        """The time limit the scoring reads from the saved target, None when the row is a quantity."""
        return stored_target_deadline(self.instance)

    def target_reading(self) -> str:
        return stored_target_reading(self.instance)

    @property
    def hand_scorable(self) -> bool:
        return "manual" in self.fields

    def answer_fields(self):
        return [self[name] for name in self.fields if name.startswith("ans_")]

    def full_clean(self):
        """Validated as Django does, or, for a stored row posted exactly as an earlier request of this process
        posted it over the same stored values, as that validation came out (`_validated`)."""
        key = self._validation_key()
        kept = _validated.get(key) if key is not None else None
        if kept is not None:
            cleaned, values, _ = kept
            self._errors = ErrorDict(renderer=self.renderer)
            self.cleaned_data = {name: self.instance if v is _THE_ROW else _copied(v) for name, v in cleaned.items()}
            for name, value in values:
                setattr(self.instance, name, _copied(value))
            return
        super().full_clean()
        if key is not None and not self._errors and self.cleaned_data.get("id", self.instance) is self.instance:
            cleaned = {
                name: _THE_ROW if value is self.instance else _copied(value)
                for name, value in self.cleaned_data.items()
            }
            values = tuple((name, _copied(getattr(self.instance, name))) for name in row_fields())
            _validated.put(key, (cleaned, values, self.indicator))

    def _validation_key(self) -> tuple | None:
        """Everything validating this form reads, or None when its outcome is not kept (unbound, a new row)."""
        if not self.is_bound or self.instance.pk is None or self.files:
            return None
        posted = tuple(
            (name, _value_key(field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))))
            for name, field in self.fields.items()
        )
        stored = tuple(_value_key(getattr(self.instance, name)) for name in row_fields())
        # The indicator by identity (one object per framework version and process; kept alive with the outcome).
        return (type(self), id(self.indicator), tuple(self._groups), self.prefix, stored, posted)

    def clean(self):
        data = super().clean()
        if self.is_unit_row and not data.get("DELETE"):
            if not (data.get("group_code") or "").strip():
                self.add_error("group_code", "请选择二级指标。")
            if not (data.get("name") or "").strip():
                self.add_error("name", "请填写三级指标名称。")
            if data.get("weight") is None:
                self.add_error("weight", "请填写分值。")
        if self.hand_scorable:
            self._clean_manual(data)
        weight = data.get("weight") if self.is_unit_row else self.indicator.weight
        if data.get("score") is not None and weight is not None and data["score"] > weight:
            self.add_error("score", f"得分不能超过分值 {weight}。")
        elif data.get("score") is not None and data["score"] < 0:
            self.add_error("score", SCORE_NEGATIVE)  # the engine would refuse to score the whole table
        self._read_numbers(data)
        self._collect_answers(data)
        return data

    def _clean_manual(self, data):
        if data.get("manual"):
            # Without a score the indicator counts as missing data, as any blank input of a draft does.
            if not (data.get("score_reason") or "").strip():
                self.add_error("score_reason", MANUAL_NEEDS_REASON)
        elif data.get("score") is not None:
            if "manual" in self.changed_data:
                data["score"] = None  # the user went back to the rule: the hand score no longer applies
            else:
                self.add_error("score", MANUAL_NOT_CHOSEN)

    def _read_numbers(self, data):
        """Keep the parsed number and comparator in step with the texts unless the user typed them."""
        for text_name, number_name in (("target_value", "target_number"), ("actual_value", "actual_number")):
            if text_name in self.changed_data and number_name not in self.changed_data:
                comparator, number, _ = parse_target(data.get(text_name) or "")
                if text_name == "target_value" and row_deadline(data.get(text_name), timeliness=self._timeliness(data)):
                    # '9月前' is a time limit, not the number 9: nothing is stored that the scoring could take for one.
                    comparator, number = None, None
                column = self._meta.model._meta.get_field(number_name)
                whole_digits = column.max_digits - column.decimal_places
                if number is not None and number.adjusted() >= whole_digits:
                    # Read from the text, so past the number field's own check; the scoring cannot use it either.
                    self.add_error(text_name, NUMBER_IN_TEXT_TOO_BIG.format(digits=whole_digits))
                    number = None
                data[number_name] = number
                if text_name == "target_value" and "target_comparator" not in self.changed_data:
                    data["target_comparator"] = comparator or ""

    def _collect_answers(self, data):
        answers = dict(self.instance.answers or {})
        for answer in self.inputs.answers if self.inputs else ():
            value = data.get(f"ans_{answer.key}")
            if answer.is_count and answer.key == TOP_ANSWER:
                self.instance.failed_items = value
                continue
            if value in (None, ""):
                answers.pop(answer.key, None)
            else:
                answers[answer.key] = value if answer.is_count else to_stored(value)
        self.instance.answers = answers


@functools.cache
def row_fields() -> tuple[str, ...]:
    """Every stored field of an indicator row (attnames): what a kept validation or a kept layout is keyed by."""
    return tuple(field.attname for field in IndicatorRow._meta.concrete_fields)


class RowIdField(forms.ModelChoiceField):
    """A formset row's id, looked up among the rows the formset already loaded: one query for the whole table
    instead of Django's one per row, and an id from outside the table is refused like an unknown choice."""

    def __init__(self, *args, formset, **kwargs):
        super().__init__(*args, **kwargs)
        self.formset = formset

    def _set_queryset(self, queryset):
        # Never evaluated (rows are looked up among the formset's): every row's field shares the formset's queryset
        # instead of cloning it, as ModelChoiceField does.
        self._queryset = queryset
        self.widget.choices = self.choices

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            key = self.queryset.model._meta.pk.to_python(value)
        except ValidationError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None
        row = self.formset._existing_object(key)
        if row is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return row


# A row's position is a PositiveSmallIntegerField: an order outside it failed the save instead of the form. The order
# is a hidden input, so its error is told above the table (non_form_errors), not next to an invisible field.
ORDER_MIN, ORDER_MAX = 0, 32767
ORDER_OUT_OF_RANGE = "行的顺序无效，未保存：请刷新页面后重新排列。"


class RowFormSet(forms.BaseModelFormSet):
    """The base of every table of rows on the assessment screens. `rows`: the rows the screen has already read, in
    their stored order, which the formset then does not read again (instead of `queryset`)."""

    def __init__(self, *args, rows=None, **kwargs):
        self.loaded_rows = rows
        self._row_ids = None  # the queryset every row's RowIdField shares
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        if self.loaded_rows is not None:
            return self.loaded_rows
        return super().get_queryset()

    def add_fields(self, form, index):
        pk = self.model._meta.pk
        if isinstance(pk, AutoField) and pk.name not in form.fields and not (form._meta.widgets or {}).get(pk.name):
            # What BaseModelFormSet.add_fields does for an automatic primary key, with the id field made once as a
            # RowIdField (Django's builds a ModelChoiceField and a queryset per row, which RowIdField replaced).
            self._pk_field = pk
            if form.is_bound:
                pk_value = None if form.instance._state.adding else form.instance.pk
            else:
                try:
                    pk_value = self.get_queryset()[index].pk if index is not None else None
                except IndexError:
                    pk_value = None
            if self._row_ids is None:
                self._row_ids = self.model._default_manager.using(form.instance._state.db)
            form.fields[pk.name] = RowIdField(
                self._row_ids, formset=self, initial=pk_value, required=False, widget=forms.HiddenInput
            )
            forms.BaseFormSet.add_fields(self, form, index)
        else:
            super().add_fields(form, index)
            field = form.fields.get(pk.name)
            if isinstance(field, forms.ModelChoiceField):
                form.fields[pk.name] = RowIdField(
                    field.queryset, formset=self, initial=field.initial, required=False, widget=field.widget
                )
        order = form.fields.get(ORDERING_FIELD_NAME)
        if order is not None:
            order.validators += [
                MinValueValidator(ORDER_MIN, message=ORDER_OUT_OF_RANGE),
                MaxValueValidator(ORDER_MAX, message=ORDER_OUT_OF_RANGE),
            ]

    def clean(self):
        super().clean()
        if any(ORDERING_FIELD_NAME in form.errors for form in self.forms):
            raise ValidationError(ORDER_OUT_OF_RANGE)


class BaseIndicatorRowFormSet(RowFormSet):
    """Gives each form the framework indicator of its row (by the stored row, never by posted data)."""

    def __init__(self, *args, indicators=None, groups=(), **kwargs):
        self.indicators = indicators or {}
        self.groups = groups
        self._shaped = {}  # the fields of each kind of row, shaped once per table (IndicatorRowForm.shaped_fields)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        row = None
        if index is not None and index < self.initial_form_count():
            if self.is_bound:
                try:
                    pk = self.model._meta.pk.to_python(self.data.get(f"{self.add_prefix(index)}-id"))
                except ValidationError:
                    pk = None
                row = self._existing_object(pk) if pk is not None else None
            else:
                row = self.get_queryset()[index]
        code = row.code if row is not None else ""
        indicator = self.indicators.get(code) if code else None
        kwargs["indicator"] = indicator
        kwargs["groups"] = self.groups
        key = indicator.code if indicator is not None else ""
        if key not in self._shaped:
            self._shaped[key] = self.form.shaped_fields(indicator, self.groups)
        kwargs["shaped"] = self._shaped[key]
        return kwargs


class CompletedSelect(forms.NullBooleanSelect):
    """项目是否完成: blank is “not stated” (a missing input for 101号's 预算执行率), never “no”."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "未填写"), ("true", "已完成"), ("false", "未完成")]


class ProjectForm(forms.ModelForm):
    class Meta:
        formfield_callback = _number_fields
        model = Project
        fields = [
            "name",
            "supervising_department",
            "implementing_unit",
            "fiscal_budget_initial",
            "fiscal_budget_full_year",
            "fiscal_spending_actual",
            "carryover_budget_initial",
            "carryover_budget_full_year",
            "carryover_spending_actual",
            "other_budget_initial",
            "other_budget_full_year",
            "other_spending_actual",
            "goal_planned",
            "goal_achieved",
            "completed",
        ]
        widgets = {
            "goal_planned": forms.Textarea(attrs={"rows": 2}),
            "goal_achieved": forms.Textarea(attrs={"rows": 2}),
            "completed": CompletedSelect,
        }


class NarrativeForm(forms.Form):
    """One textarea per section of the unit's report layout; saving writes the NarrativeSection rows."""

    def __init__(self, data=None, *, assessment, sections, stored: dict[str, NarrativeSection], **kwargs):
        """`stored`: the assessment's sections by key, as the page's data read them (`AssessmentData.narrative_sections`:
        with the explanations, in one query)."""
        self.assessment = assessment
        self.stored = stored
        initial = {key: section.body for key, section in self.stored.items()}
        super().__init__(data, initial=initial, **kwargs)
        for section in sections:
            self.fields[section.key] = TextField(
                label=section.title,
                required=False,
                help_text=section.hint,
                widget=forms.Textarea(attrs={"rows": 8}),
                max_length=50000,
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*(Field(section.key) for section in sections))

    def save(self):
        for key, body in self.cleaned_data.items():
            section = self.stored.get(key) or NarrativeSection(assessment=self.assessment, key=key)
            if section.pk is None or section.body != body:
                section.body = body
                section.save()


IndicatorRowFormSet = modelformset_factory(
    IndicatorRow,
    form=IndicatorRowForm,
    formset=BaseIndicatorRowFormSet,
    extra=0,
    can_delete=True,
    can_order=True,
)
