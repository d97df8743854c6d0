"""Writes that touch an assessment. Every save goes through `assessment_touch`, which enforces optimistic locking:
a save based on a version someone else has replaced is refused, never applied."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assessments.layouts import layout_for
from assessments.models import (
    Assessment,
    AuditEvent,
    Facts,
    IndicatorRow,
    Institution,
    NarrativeSection,
    SpecialFund,
)
from scoring.models import Framework
from units.access import can_write
from units.models import Staffing, Unit

STALE_SAVE = (
    "{who}已于 {when} 保存了这份自评，您的修改未保存。您填写的内容仍在页面上：请复制需要保留的内容，刷新页面后再保存。"
)
NOT_EDITABLE = "这份自评当前状态为“{status}”，不能修改。"
NO_FRAMEWORK = "没有可用的指标体系“{code}”：请管理员先载入指标体系（manage.py load_frameworks）。"


class StaleSave(ValidationError):
    pass


def _framework_version(code: str):
    framework = Framework.objects.filter(code=code).first()
    version = framework.latest_version() if framework else None
    if version is None:
        raise ValidationError(NO_FRAMEWORK.format(code=code))
    return version


@transaction.atomic
def assessment_create(*, unit: Unit, year: int, user) -> Assessment:
    """A new draft for the unit and year: framework from the region's layout, one 收支 row per institution,
    the framework's fixed indicators as rows, and every 上年 column carried over from year − 1."""
    if not can_write(user, unit):
        raise PermissionDenied("您在该单位没有填报权限。")
    if Assessment.objects.filter(unit=unit, year=year, kind=Assessment.Kind.OVERALL).exists():
        raise ValidationError(f"{unit.name} {year} 年度的自评已经存在。")
    layout = layout_for(unit)
    assessment = Assessment.objects.create(
        unit=unit, year=year, framework_version=_framework_version(layout.framework_code), updated_by=user
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
    NarrativeSection.objects.bulk_create(
        NarrativeSection(assessment=assessment, key=section.key) for section in layout.sections
    )
    Staffing.objects.get_or_create(
        unit=unit,
        year=year,
        defaults=_staffing_defaults(unit, year),
    )
    return assessment


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
                )
            )
    IndicatorRow.objects.bulk_create(rows)


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
        raise StaleSave(STALE_SAVE.format(who=who, when=when), code="stale")
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
        AuditEvent.objects.create(
            assessment=assessment,
            user=user,
            user_name=user.get_full_name() or user.username,
            action="save",
            action_label=f"保存“{label}”" if label else "保存",
            changes=changes,
        )


def _shown(value, places: int | None = None) -> str:
    if value in (None, ""):
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal) and places is not None:
        return f"{value:.{places}f}"
    return str(value)


def form_changes(form, where: str) -> list[dict]:
    changes = []
    for name in form.changed_data:
        if name in ("ORDER", "DELETE", "id"):
            continue
        old, new = form.initial.get(name), form.cleaned_data.get(name)
        places = getattr(form.fields[name], "decimal_places", None)
        if _shown(old, places) == _shown(new, places):
            continue
        label = form.fields[name].label or name
        where_label = f"{where}·{label}" if where else str(label)
        changes.append({"where": where_label, "old": _shown(old, places), "new": _shown(new, places)})
    return changes


def formset_changes(formset, where: str) -> list[dict]:
    changes = []
    for index, form in enumerate(formset.forms, start=1):
        name = (form.cleaned_data or {}).get("name") or getattr(form.instance, "name", "") or ""
        row = f"{where}·第{index}行" + (f"「{name}」" if name else "")
        if formset.can_delete and formset._should_delete_form(form):
            if form.instance.pk is not None:
                changes.append({"where": row, "old": "存在", "new": "已删除"})
            continue
        if form.instance.pk is None:
            if form.has_changed():
                changes.append({"where": row, "old": "（无此行）", "new": "新增"})
            continue
        changes += form_changes(form, row)
    return changes
