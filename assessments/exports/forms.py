"""The annual export's form: a year (or every year) and a scope among the units the administrator can see."""

from django import forms

from assessments.exports.services import export_assessments
from assessments.models import Assessment, ExportJob
from units.access import visible_units
from units.models import Region, Unit

ALL_YEARS = "all"
FINAL_ONLY = "final"
COUNTED_CHOICES = [(FINAL_ONLY, "仅已定稿"), ("all", "全部（未定稿的报告带“草稿”水印，并在汇总表中注明）")]
REGION_REQUIRED = "请选择行政区划。"
DEPARTMENT_REQUIRED = "请选择主管部门。"
NOTHING_TO_EXPORT = "所选年度和范围内没有绩效自评。"
NOTHING_FINAL = "所选年度和范围内没有已定稿的绩效自评；要导出未定稿的，请在“包含”中选择“全部”。"


class ExportForm(forms.Form):
    year = forms.ChoiceField(label="年度")
    scope = forms.ChoiceField(label="范围", choices=ExportJob.Scope.choices, initial=ExportJob.Scope.ALL)
    region = forms.ModelChoiceField(label="行政区划", queryset=Region.objects.none(), required=False)
    department = forms.ModelChoiceField(label="主管部门", queryset=Unit.objects.none(), required=False)
    counted = forms.ChoiceField(label="包含", choices=COUNTED_CHOICES, initial=FINAL_ONLY, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        units = visible_units(user)
        years = Assessment.objects.filter(unit__in=units).order_by("-year").values_list("year", flat=True).distinct()
        self.fields["year"].choices = [(str(y), f"{y}年度") for y in years] + [(ALL_YEARS, "全部年度")]
        region_ids = set(units.order_by().values_list("region_id", flat=True).distinct())
        # A region scope reaches its sub-regions: offer the regions of visible units and the regions above them.
        for region in Region.objects.filter(pk__in=region_ids).select_related("parent__parent"):
            parent = region.parent
            while parent is not None:
                region_ids.add(parent.pk)
                parent = parent.parent
        # Labelled with their full names (省市县): the parents come with each region, not one query per option.
        self.fields["region"].queryset = (
            Region.objects.filter(pk__in=region_ids).select_related("parent__parent").order_by("code")
        )
        self.fields["region"].label_from_instance = lambda region: region.full_name
        self.fields["department"].queryset = units.filter(kind=Unit.Kind.DEPARTMENT).order_by("code")

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == ExportJob.Scope.REGION and not data.get("region"):
            self.add_error("region", REGION_REQUIRED)
        if scope == ExportJob.Scope.DEPARTMENT and not data.get("department"):
            self.add_error("department", DEPARTMENT_REQUIRED)
        if self.errors or "year" not in data:
            return data
        data["year"] = None if data["year"] == ALL_YEARS else int(data["year"])
        # Unset (an older form, a script) means the default: only what is final.
        data["final_only"] = data.get("counted") != "all"
        if not export_assessments(self.user, **self.export_arguments(data)).exists():
            nothing_final = (
                data["final_only"]
                and export_assessments(self.user, **{**self.export_arguments(data), "final_only": False}).exists()
            )
            self.add_error(
                "counted" if nothing_final else "scope", NOTHING_FINAL if nothing_final else NOTHING_TO_EXPORT
            )
        return data

    @staticmethod
    def export_arguments(data) -> dict:
        return {
            "year": data["year"],
            "scope": data["scope"],
            "region": data.get("region"),
            "department": data.get("department"),
            "final_only": data.get("final_only", True),
        }
