"""Writes of the 项目支出绩效自评 tables (附件1-3). Each one is a new version of the assessment the project belongs to
(`assessment_touch`), so a save based on a page someone else has saved since is refused, never applied; and each is
recorded in the assessment's audit trail."""

from django.db import transaction
from django.db.models import Max

from assessments.audit import audit_record, form_changes, formset_changes
from assessments.models import Assessment, Project
from assessments.services import RowsOf, assessment_touch


@transaction.atomic
def project_create(
    *,
    assessment: Assessment,
    user,
    expected_version: int,
    name: str,
    supervising_department: str,
    implementing_unit: str,
) -> Project:
    assessment_touch(assessment=assessment, user=user, expected_version=expected_version)
    last = Project.objects.filter(assessment=assessment).aggregate(last=Max("position"))["last"] or 0
    project = Project.objects.create(
        assessment=assessment,
        position=last + 1,
        name=name,
        supervising_department=supervising_department,
        implementing_unit=implementing_unit,
    )
    audit_record(
        assessment=assessment,
        user=user,
        action="project_add",
        label=f"添加项目“{name}”",
        changes=[{"where": "项目", "old": "（无此项目）", "new": name}],
    )
    return project


@transaction.atomic
def project_save(*, project: Project, user, expected_version: int, form, rows, execution=None) -> None:
    """Save the project's validated form, its indicator-row formset and its 预算执行率's hand score (`execution`,
    stored once chosen or typed). New rows belong to the project and its assessment; the order on the page becomes
    their position."""
    assessment_touch(assessment=project.assessment, user=user, expected_version=expected_version)
    where = f"项目“{project.name}”"
    changes = form_changes(form, where) + formset_changes(rows, f"{where}·绩效指标")
    if execution is not None and execution.worth_saving():
        changes += form_changes(execution, f"{where}·{execution.indicator.name}")
        execution.save()
    form.save()
    RowsOf(rows, assessment=project.assessment, project=project).save()
    if changes:
        audit_record(
            assessment=project.assessment, user=user, action="project_save", label=f"保存{where}", changes=changes
        )


@transaction.atomic
def project_delete(*, project: Project, user, expected_version: int) -> None:
    """Delete the project and its indicator rows."""
    assessment_touch(assessment=project.assessment, user=user, expected_version=expected_version)
    audit_record(
        assessment=project.assessment,
        user=user,
        action="project_delete",
        label=f"删除项目“{project.name}”",
        changes=[{"where": "项目", "old": project.name, "new": "已删除"}],
    )
    project.delete()
