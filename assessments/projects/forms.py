"""Forms of the 项目 tab: adding a project (附件1-3 header), and the project table itself (ProjectForm with the
assessment's indicator-row formset for its unit-written rows, and the 预算执行率's hand score)."""

from django import forms

from assessments import tables
from assessments.forms import HAND_SCORE_FIELDS, IndicatorRowForm, ProjectForm
from assessments.models import IndicatorRow, Project
from assessments.scores import EXECUTION_CODE, execution_row

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


class ProjectExecutionForm(IndicatorRowForm):
    """The project's 预算执行率, computed from the funds block: its 偏差原因分析及改进措施 (asked for when it falls short of
    full marks) and the 自评表's choice 数据无法取得，人工评分 with its score and reason (IndicatorRowForm validates them).
    Only those: the page shows nothing else of the row, and a field it does not send would be saved as blank."""

    SHOWN = (*HAND_SCORE_FIELDS, "deviation_reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.SHOWN:
                del self.fields[name]
        for name in ("score_reason", "deviation_reason"):
            if name in self.fields:
                self.fields[name].widget.attrs["rows"] = 2  # beside the funds block there is room for two lines

    def worth_saving(self) -> bool:
        """A row is stored once the user chose or typed something; until then the rule needs none."""
        return self.instance.pk is not None or self.has_changed()


def execution_form(project: Project, spec, rows: list[IndicatorRow], data=None) -> ProjectExecutionForm | None:
    """The hand score of the project's 预算执行率 (its stored row among `rows`, else a new one), for the page and the
    workbook alike; None when the framework's 预算执行率 is not computed from the funds block or cannot be scored by
    hand."""
    node = spec.by_code.get(EXECUTION_CODE)
    if node is None or not tables.is_funds_block(node):
        return None
    form = ProjectExecutionForm(
        data, instance=execution_row(project, rows), indicator=node, prefix=tables.EXECUTION_PREFIX
    )
    return form if form.hand_scorable else None
