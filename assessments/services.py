"""Writes that touch an assessment. Every save goes through `assessment_touch`, which enforces optimistic locking:
a save based on a version someone else has replaced is refused, never applied."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assessments.audit import audit_record, form_changes, formset_changes
from assessments.frameworks import NO_DEFAULT, Form, version_for
from assessments.layouts import layout_for
from assessments.models import (
    Assessment,
    Facts,
    IndicatorRow,
    Institution,
    NarrativeSection,
    Project,
    SpecialFund,
)
from units.access import can_write
from units.models import Staffing, Unit

STALE_SAVE = (
    "{who}已于 {when} 保存了这份自评，您的修改未保存。您填写的内容仍在页面上：请复制需要保留的内容，刷新页面后再保存。"
)
NOT_EDITABLE = "这份自评当前状态为“{status}”，不能修改。"
NO_FRAMEWORK = NO_DEFAULT


class StaleSave(ValidationError):
    who: str = ""  # who saved first, and when (local time, as text)
    when: str = ""


@transaction.atomic
def assessment_create(
    *, unit: Unit, year: int, user, carry_projects: bool = False, carry_staffing: bool = False
) -> Assessment:
    """A new draft for the unit and year: the frameworks assigned to its region and year (assessments.frameworks:
    else the region's layout's default), one 收支 row per institution, the framework's fixed indicators as rows, and
    every 上年 column and quantitative target carried over from year − 1. Last year's recurring projects and staffing
    are copied only when the user chose to."""
    if not can_write(user, unit):
        raise PermissionDenied("您在该单位没有填报权限。")
    if Assessment.objects.filter(unit=unit, year=year, kind=Assessment.Kind.OVERALL).exists():
        raise ValidationError(f"{unit.name} {year} 年度的自评已经存在。")
    layout = layout_for(unit)
    assessment = Assessment.objects.create(
        unit=unit,
        year=year,
        framework_version=version_for(unit.region, year, Form.OVERALL),
        project_framework_version=version_for(unit.region, year, Form.PROJECT),
        updated_by=user,
    )
    previous = (
        Assessment.objects.filter(unit=unit, year=year - 1, kind=Assessment.Kind.OVERALL)
        .select_related("facts")
        .first()
    )
    facts = Facts(assessment=assessment)
    if previous is not None and hasattr(previous, "facts"):
        _carry_prior_columns(previous.facts, facts)
    facts.save()

    Institution.objects.create(assessment=assessment, position=1, name=f"{unit.name}（本级）")
    for position, child in enumerate(unit.children.filter(kind=Unit.Kind.INSTITUTION).order_by("code"), start=2):
        Institution.objects.create(assessment=assessment, position=position, name=child.name)

    if previous is not None:
        for fund in previous.special_funds.all():
            SpecialFund.objects.create(assessment=assessment, position=fund.position, name=fund.name, prior=fund.actual)

    _create_indicator_rows(assessment, previous)
    if carry_projects and previous is not None:
        _carry_projects(previous, assessment)
    NarrativeSection.objects.bulk_create(
        NarrativeSection(assessment=assessment, key=section.key) for section in layout.sections
    )
    Staffing.objects.get_or_create(
        unit=unit,
        year=year,
        defaults=_staffing_defaults(unit, year) if carry_staffing else {"staff_quota": 0, "staff_actual": 0},
    )
    return assessment


# A recurring project's own columns that stay from one year to the next (its money and results are this year's).
CARRIED_PROJECT_FIELDS = ("name", "supervising_department", "implementing_unit")


def _carry_projects(previous: Assessment, assessment: Assessment) -> None:
    """Last year's projects with their unit-written indicator rows (names, weights, kinds and targets)."""
    projects = list(previous.projects.order_by("position", "pk"))
    rows = list(IndicatorRow.objects.filter(project__in=projects).order_by("position", "pk"))
    for project in projects:
        copy = Project.objects.create(
            assessment=assessment,
            position=project.position,
            **{name: getattr(project, name) for name in CARRIED_PROJECT_FIELDS},
        )
        IndicatorRow.objects.bulk_create(
            IndicatorRow(
                assessment=assessment,
                project=copy,
                position=row.position,
                code=row.code,
                group_code=row.group_code,
                name=row.name,
                weight=row.weight,
                kind=row.kind,
                **{name: getattr(row, name) for name in CARRIED_ROW_FIELDS},
            )
            for row in rows
            if row.project_id == project.pk
        )


def _staffing_defaults(unit: Unit, year: int) -> dict:
    last = unit.staffing.filter(year__lt=year).order_by("-year").first()
    if last is None:
        return {"staff_quota": 0, "staff_actual": 0}
    return {
        "staff_quota": last.staff_quota,
        "staff_actual": last.staff_actual,
        "staff_agency": last.staff_agency,
        "veteran_retirees": last.veteran_retirees,
        "retirees": last.retirees,
    }


def _carry_prior_columns(previous: Facts, facts: Facts) -> None:
    """This year's 上年决算数 is last year's 本年决算数."""
    for field in Facts._meta.concrete_fields:
        if field.name.endswith("_prior"):
            setattr(facts, field.name, getattr(previous, field.name.removesuffix("_prior") + "_actual"))


def _create_indicator_rows(assessment: Assessment, previous: Assessment | None) -> None:
    version = assessment.framework_version
    leaves = [
        indicator
        for indicator in version.indicators.order_by("position")
        if not indicator.unit_rows and not indicator.children.exists()
    ]
    rows = [IndicatorRow(assessment=assessment, position=i, code=ind.code) for i, ind in enumerate(leaves, 1)]
    if previous is not None:
        _carry_framework_rows(previous, rows)
    if previous is not None and previous.framework_version_id == version.pk:
        # Unit-written 10号 rows: last year's names, weights and targets are this year's starting point.
        for row in previous.indicator_rows.filter(project=None).exclude(group_code=""):
            rows.append(
                IndicatorRow(
                    assessment=assessment,
                    position=row.position,
                    group_code=row.group_code,
                    name=row.name,
                    weight=row.weight,
                    kind=row.kind,
                    target_value=row.target_value,
                    target_comparator=row.target_comparator,
                    target_number=row.target_number,
                )
            )
    IndicatorRow.objects.bulk_create(rows)


# What a framework indicator's row keeps from last year: its quantitative target, and a hand score's choice and reason
# (data that could not be had last year is usually still missing; the score itself is judged anew each year).
CARRIED_ROW_FIELDS = ("target_value", "target_comparator", "target_number", "manual", "score_reason")


def _carry_framework_rows(previous: Assessment, rows: list[IndicatorRow]) -> None:
    last_year = {row.code: row for row in previous.indicator_rows.filter(project=None, group_code="").exclude(code="")}
    for row in rows:
        source = last_year.get(row.code)
        if source is not None:
            for name in CARRIED_ROW_FIELDS:
                setattr(row, name, getattr(source, name))


def assessment_touch(*, assessment: Assessment, user, expected_version: int) -> None:
    """Claim the next version of the assessment for this save, or refuse: call inside the save's transaction."""
    if not can_write(user, assessment.unit):
        raise PermissionDenied("您在该单位没有修改权限。")
    if assessment.status != Assessment.Status.DRAFT:
        raise ValidationError(NOT_EDITABLE.format(status=assessment.get_status_display()))
    now = timezone.now()
    updated = Assessment.objects.filter(pk=assessment.pk, lock_version=expected_version).update(
        lock_version=F("lock_version") + 1, updated_at=now, updated_by=user
    )
    if not updated:
        current = Assessment.objects.select_related("updated_by").get(pk=assessment.pk)
        who = current.updated_by.get_full_name() or current.updated_by.username if current.updated_by else "其他用户"
        when = timezone.localtime(current.updated_at).strftime("%Y-%m-%d %H:%M:%S")
        error = StaleSave(STALE_SAVE.format(who=who, when=when), code="stale")
        error.who, error.when = who, when
        raise error
    assessment.lock_version = expected_version + 1
    assessment.updated_at = now
    assessment.updated_by = user


@transaction.atomic
def assessment_save_forms(
    *, assessment: Assessment, user, expected_version: int, forms=(), formsets=(), label: str = ""
) -> None:
    """Save already validated forms and formsets of one tab as one new version of the assessment, and record every
    field that changed (old → new) in the audit trail."""
    assessment_touch(assessment=assessment, user=user, expected_version=expected_version)
    changes = [change for form in forms for change in form_changes(form, label)]
    for formset in formsets:
        changes += formset_changes(getattr(formset, "formset", formset), label)
    for form in forms:
        form.save()
    for formset in formsets:
        formset.save()
    if changes:
        audit_record(
            assessment=assessment,
            user=user,
            action="save",
            label=f"保存“{label}”" if label else "保存",
            changes=changes,
            version=assessment.lock_version,
        )


class RowsOf:
    """A validated formset of rows saved for their owner (the assessment, and a project for a project's indicator
    rows): new rows belong to the owner, the order on the page becomes their position, blank new rows are skipped."""

    def __init__(self, formset, **owner):
        self.formset, self.owner = formset, owner

    def save(self) -> None:
        formset = self.formset
        for form in formset.forms:
            if formset.can_delete and formset._should_delete_form(form):
                continue
            if not form.has_changed() and form.instance.pk is None:
                continue
            order = form.cleaned_data.get("ORDER")
            if order is not None:
                form.instance.position = order
            for name, value in self.owner.items():
                setattr(form.instance, name, value)
        formset.save()
