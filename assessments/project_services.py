"""Writes of the 项目支出绩效自评 tables (附件1-3). Each one is a new version of the assessment the project belongs to
(`assessment_touch`), so a save based on a page someone else has saved since is refused, never applied; and each is
recorded in the assessment's audit trail."""

from django.db import transaction
from django.db.models import Max
from django.utils.text import Truncator

from assessments.layouts import layout_for
from assessments.models import Assessment, AuditEvent, Project
from assessments.services import assessment_touch, form_changes, formset_changes
from scoring.models import FrameworkVersion


def project_framework_version(assessment: Assessment) -> FrameworkVersion | None:
    """The newest stored version of the framework the unit's layout scores its project tables with."""
    code = layout_for(assessment.unit).project_framework_code
    return FrameworkVersion.objects.filter(framework__code=code).order_by("-version").first()


def record_event(*, assessment: Assessment, user, action: str, label: str, changes=()) -> AuditEvent:
    """One entry of the audit trail for a write of the 项目 or 佐证材料 tab."""
    # The label quotes a project or file name, which may be longer than the label's column; `changes` keeps it whole.
    label = Truncator(label).chars(AuditEvent._meta.get_field("action_label").max_length)
    return AuditEvent.objects.create(
        assessment=assessment,
        user=user,
        user_name=user.get_full_name() or user.username,
        action=action,
        action_label=label,
        changes=list(changes),
    )


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
    record_event(
        assessment=assessment,
        user=user,
        action="project_add",
        label=f"添加项目“{name}”",
        changes=[{"where": "项目", "old": "（无此项目）", "new": name}],
    )
    return project


@transaction.atomic
def project_save(*, project: Project, user, expected_version: int, form, rows) -> None:
    """Save the project's validated form and its indicator-row formset. New rows belong to the project and its
    assessment; the order on the page becomes their position."""
    assessment_touch(assessment=project.assessment, user=user, expected_version=expected_version)
    where = f"项目“{project.name}”"
    changes = form_changes(form, where) + formset_changes(rows, f"{where}·绩效指标")
    form.save()
    for row_form in rows.forms:
        if rows._should_delete_form(row_form):
            continue
        if row_form.instance.pk is None and not row_form.has_changed():
            continue
        order = row_form.cleaned_data.get("ORDER")
        if order is not None:
            row_form.instance.position = order
        row_form.instance.assessment = project.assessment
        row_form.instance.project = project
    rows.save()
    if changes:
        record_event(
            assessment=project.assessment, user=user, action="project_save", label=f"保存{where}", changes=changes
        )


@transaction.atomic
def project_delete(*, project: Project, user, expected_version: int) -> None:
    """Delete the project and its indicator rows."""
    assessment_touch(assessment=project.assessment, user=user, expected_version=expected_version)
    record_event(
        assessment=project.assessment,
        user=user,
        action="project_delete",
        label=f"删除项目“{project.name}”",
        changes=[{"where": "项目", "old": project.name, "new": "已删除"}],
    )
    project.delete()
