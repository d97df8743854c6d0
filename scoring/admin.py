import yaml
from django import forms
from django.contrib import admin

from scoring.adapters import framework_version_create, parse_definition, validate_definition
from scoring.models import Framework, FrameworkVersion, Indicator


class FrameworkVersionInline(admin.TabularInline):
    model = FrameworkVersion
    fields = ["version", "name", "region", "years_label", "note", "created_at", "created_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    inlines = [FrameworkVersionInline]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []


class FrameworkVersionForm(forms.ModelForm):
    """The definition is edited as YAML; saving always stores it as the next version (see FrameworkVersionAdmin)."""

    definition_text = forms.CharField(
        label="定义（YAML）",
        widget=forms.Textarea(attrs={"rows": 40, "cols": 120, "class": "vLargeTextField", "spellcheck": "false"}),
        help_text="与 fixtures/frameworks/ 下文件的格式相同。保存时先校验（权重合计、分档覆盖、数据项名称），"
        "通过后存为新版本；已保存的版本和用它计算的得分不会改变。",
    )
    note = forms.CharField(label="修改说明", max_length=200, required=False)

    class Meta:
        model = FrameworkVersion
        fields = ["note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["definition_text"] = yaml.safe_dump(
                self.instance.definition, allow_unicode=True, sort_keys=False, width=120
            )
            self.initial["note"] = ""

    def clean_definition_text(self):
        definition = parse_definition(self.cleaned_data["definition_text"])
        validate_definition(definition)
        self.cleaned_data["definition"] = definition
        return self.cleaned_data["definition_text"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = ["level", "code", "name", "weight", "rule_kind", "facts"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    form = FrameworkVersionForm
    list_display = ["framework", "version", "name", "region", "years_label", "created_at", "created_by"]
    list_filter = ["framework"]
    readonly_fields = ["framework", "version", "name", "region", "year_from", "year_to", "rounding_places", "grades"]
    fields = [*readonly_fields, "definition_text", "note"]
    inlines = [IndicatorInline]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_fields(self, request, obj=None):
        return self.fields if obj else ["definition_text", "note"]

    def save_model(self, request, obj, form, change):
        # A stored version is never changed: the edited definition becomes the framework's next version.
        version, _ = framework_version_create(
            definition=form.cleaned_data["definition"], user=request.user, note=form.cleaned_data["note"]
        )
        obj.pk, obj.version, obj.framework = version.pk, version.version, version.framework
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        pass  # indicators are derived from the definition by framework_version_create

    def construct_change_message(self, request, form, formsets, add=False):
        return [{"added": {"name": "指标体系版本", "object": str(form.instance)}}]

    def has_delete_permission(self, request, obj=None):
        return False
