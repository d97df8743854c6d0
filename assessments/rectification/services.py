"""整改跟踪: the items a final report's 存在问题 and 整改措施 become, their updates by the unit during the following year,
and what the next year's assessment and report show of them. Every write goes to the assessment's audit trail; the
final assessment and its snapshot are only read."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.text import Truncator

from assessments.audit import audit_record, change, form_changes
from assessments.models import Assessment, RectificationItem, Snapshot
from assessments.rectification.split import problems_and_measures
from units.access import can_write, visible_units

NOT_WRITER = "只有本单位的填表人可以更新整改事项。"
NOT_FINAL = "自评定稿后，才能列出和补充整改事项。"


def default_due_date(assessment: Assessment) -> date:
    """The measures are carried out in the year after the assessed one, before the next assessment reports on them;
    an assessment finalised later than that (or listed by the command years after) gets the end of this year, never
    a date already past."""
    return date(max(assessment.year + 1, timezone.localdate().year), 12, 31)


def item_name(item: RectificationItem) -> str:
    return Truncator(item.problem or item.measure).chars(30)


def _untouched(item: RectificationItem) -> bool:
    return (
        item.status == RectificationItem.Status.NOT_STARTED
        and not item.note
        and not item.responsible
        and item.updated_by_id is None
    )


def rectification_items_create(*, assessment: Assessment, user=None) -> list[RectificationItem]:
    """One item per (problem, measure) pair of the final report's narrative, read from its latest snapshot.
    Idempotent: a pair already listed is not listed again. After a reopen and a new finalisation, an item the new
    report no longer names is removed if nobody has worked on it yet (kept otherwise, with its progress)."""
    if assessment.status != Assessment.Status.FINAL:
        return []
    snapshot = Snapshot.objects.latest_for(assessment)
    if snapshot is None:
        return []
    pairs = problems_and_measures(snapshot.verified_data()["assessment"].get("narrative", {}))
    existing = list(RectificationItem.objects.filter(assessment=assessment, source=RectificationItem.Source.REPORT))
    known = {(item.problem, item.measure) for item in existing}
    stale = [item for item in existing if (item.problem, item.measure) not in set(pairs) and _untouched(item)]
    new = [pair for pair in dict.fromkeys(pairs) if pair not in known]
    if not new and not stale:
        return []
    start = RectificationItem.objects.filter(assessment=assessment).aggregate(last=Max("position"))["last"]
    start = -1 if start is None else start
    created = RectificationItem.objects.bulk_create(
        RectificationItem(
            assessment=assessment,
            position=start + 1 + index,
            source=RectificationItem.Source.REPORT,
            problem=problem,
            measure=measure,
            due_date=default_due_date(assessment),
        )
        for index, (problem, measure) in enumerate(new)
    )
    RectificationItem.objects.filter(pk__in=[item.pk for item in stale]).delete()
    changes = [change(f"整改事项「{item_name(item)}」", "（无此项）", "列出") for item in created]
    changes += [change(f"整改事项「{item_name(item)}」", "列出", "报告已不再列出，删除") for item in stale]
    audit_record(
        assessment=assessment,
        user=user,
        action="rectify",
        label=f"按定稿报告列出整改事项 {len(created)} 项" + (f"，删除 {len(stale)} 项" if stale else ""),
        changes=changes,
    )
    return created


def _require_writer(user, assessment: Assessment) -> None:
    if not can_write(user, assessment.unit):
        raise PermissionDenied(NOT_WRITER)


@transaction.atomic
def rectification_item_save(*, form, user) -> RectificationItem:
    """The unit updates an item (status, note, responsible person, due date, and the texts where the split erred)."""
    item = form.instance
    _require_writer(user, item.assessment)
    changes = form_changes(form, f"整改事项「{item_name(item)}」")
    if not changes:
        return item
    item = form.save(commit=False)
    item.updated_by = user
    item.save()
    audit_record(
        assessment=item.assessment,
        user=user,
        action="rectify",
        label=f"更新整改事项：{item_name(item)}",
        changes=changes,
    )
    return item


@transaction.atomic
def rectification_item_add(*, assessment: Assessment, form, user) -> RectificationItem:
    """An item the report's text did not split into, added by the unit."""
    _require_writer(user, assessment)
    if assessment.status != Assessment.Status.FINAL:
        raise ValidationError(NOT_FINAL)
    item = form.save(commit=False)
    item.assessment = assessment
    item.source = RectificationItem.Source.ADDED
    last = RectificationItem.objects.filter(assessment=assessment).aggregate(last=Max("position"))["last"]
    item.position = 0 if last is None else last + 1
    item.updated_by = user
    item.save()
    audit_record(
        assessment=assessment,
        user=user,
        action="rectify",
        label=f"补充整改事项：{item_name(item)}",
        changes=[change(f"整改事项「{item_name(item)}」", "（无此项）", "补充")],
    )
    return item


# --- what others read --------------------------------------------------------------------------------------------


def prior_items(assessment: Assessment) -> list[RectificationItem]:
    """Last year's items of the unit: what this year's assessment reports the outcome of."""
    return list(
        RectificationItem.objects.filter(
            assessment__unit_id=assessment.unit_id,
            assessment__year=assessment.year - 1,
            assessment__kind=assessment.kind,
        ).order_by("position", "pk")
    )


def rectification_entries(items) -> list[dict]:
    """Items as plain values: what the report prints and a final snapshot keeps (as they stood at finalisation)."""
    return [
        {
            "problem": item.problem,
            "measure": item.measure,
            "responsible": item.responsible,
            "due_date": item.due_date.isoformat() if item.due_date else "",
            "status": item.status,
            "status_label": item.get_status_display(),
            "note": item.note,
        }
        for item in items
    ]


def prior_stamp(assessment: Assessment) -> str:
    """Changes whenever last year's items change: part of a live report's cache key."""
    found = RectificationItem.objects.filter(
        assessment__unit_id=assessment.unit_id, assessment__year=assessment.year - 1, assessment__kind=assessment.kind
    ).aggregate(last=Max("updated_at"), count=Count("pk"))
    return f"{found['last']}:{found['count']}"


def _overdue_in_reach(user, today: date):
    # visible_units is the units the user's memberships reach (reached_from), every unit for a superuser.
    return RectificationItem.objects.overdue(today).filter(assessment__unit__in=visible_units(user))


def overdue_counts(user, today: date) -> list[dict]:
    """For an administrator's dashboard: per assessment (a unit's year), how many of its items are overdue, the
    most first. One query, however many items."""
    return list(
        _overdue_in_reach(user, today)
        .values("assessment_id", "assessment__year", "assessment__unit__name", "assessment__unit__code")
        .annotate(count=Count("pk"))
        .order_by("-count", "assessment__unit__code", "assessment__year")
    )


def overdue_by_unit(user, today: date) -> list[dict]:
    """For an administrator: the open items past their due date, grouped by unit, of the units the user reaches."""
    items = (
        _overdue_in_reach(user, today)
        .select_related("assessment__unit")
        .order_by("assessment__unit__code", "due_date", "pk")
    )
    groups: dict[int, dict] = {}
    for item in items:
        unit = item.assessment.unit
        group = groups.setdefault(unit.pk, {"unit": unit, "items": []})
        group["items"].append(item)
    return list(groups.values())
