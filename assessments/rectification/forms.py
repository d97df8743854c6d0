"""The form of one 整改事项, for updating an item and adding one the report's text did not split into."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from assessments.models import RectificationItem

NOTE_REQUIRED = "选择“无法完成”时，请在“落实情况说明”中写明原因。"
EMPTY_ITEM = "请填写存在问题或整改措施。"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class RectificationItemForm(forms.ModelForm):
    class Meta:
        model = RectificationItem
        fields = ["problem", "measure", "responsible", "due_date", "status", "note"]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 2}),
            "measure": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2, "placeholder": "已采取的措施、进展或无法完成的原因"}),
            "due_date": DateInput(),
        }
        error_messages = {"due_date": {"invalid": "请填写日期，如 2025-12-31。"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.validators.append(ProhibitNullCharactersValidator(message="含有不可见的控制字符（NUL），请删除。"))
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("problem") or "").strip() and not (cleaned.get("measure") or "").strip():
            raise forms.ValidationError(EMPTY_ITEM)
        if cleaned.get("status") == RectificationItem.Status.IMPOSSIBLE and not (cleaned.get("note") or "").strip():
            self.add_error("note", NOTE_REQUIRED)
        return cleaned
