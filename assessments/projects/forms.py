"""Forms of the 项目 tab: adding a project (附件1-3 header), and the project table itself (ProjectForm with the
assessment's indicator-row formset for its unit-written rows)."""

from django import forms

from assessments.forms import ProjectForm
from assessments.models import Project

NAME_REQUIRED = "请填写项目支出名称。"


class ProjectAddForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["name", "supervising_department", "implementing_unit"]
        labels = {"name": "项目支出名称"}
        error_messages = {"name": {"required": NAME_REQUIRED}}


class ProjectTableForm(ProjectForm):
    """附件1-3 header, funds block and 年度总体目标; the name is required as on the add form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "项目支出名称"
        self.fields["name"].error_messages["required"] = NAME_REQUIRED
