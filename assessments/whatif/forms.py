"""What to compare: another framework version (and, for an assessment, the whole assessment or one project); for a
region-year run, the region, year and form too."""

from django import forms

from assessments.frameworks import Form
from assessments.models import Project
from scoring.models import FrameworkVersion
from units.models import Region

WHOLE = ""


def _versions():
    return FrameworkVersion.objects.select_related("framework").order_by("framework__code", "-version")


def _version_label(version: FrameworkVersion) -> str:
    return f"{version.name}（{version.framework.code} 第 {version.version} 版，{version.years_label}）"


class WhatIfForm(forms.Form):
    version = forms.ModelChoiceField(label="对比指标体系", queryset=FrameworkVersion.objects.none())
    project = forms.ModelChoiceField(
        label="试算对象", queryset=Project.objects.none(), required=False, empty_label="部门整体支出自评表"
    )

    def __init__(self, *args, projects: list[Project], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = _versions()
        self.fields["version"].label_from_instance = _version_label
        self.fields["project"].queryset = Project.objects.filter(pk__in=[p.pk for p in projects]).order_by(
            "position", "pk"
        )
        self.fields["project"].label_from_instance = lambda project: f"项目：{project.name}"
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class RegionWhatIfForm(forms.Form):
    region = forms.ModelChoiceField(label="行政区划", queryset=Region.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    form = forms.ChoiceField(label="自评表", choices=Form.choices, initial=Form.PROJECT)
    version = forms.ModelChoiceField(label="对比指标体系", queryset=FrameworkVersion.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.select_related("parent__parent").order_by("code")
        self.fields["region"].label_from_instance = lambda region: region.full_name
        self.fields["version"].queryset = _versions()
        self.fields["version"].label_from_instance = _version_label
