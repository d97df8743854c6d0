"""提醒: a returned assessment not resubmitted after REMINDER_RETURNED_DAYS days, and a deadline within
REMINDER_DEADLINE_DAYS days or passed, notify the unit's preparers (in the inbox and by e-mail). Run daily by the task
worker (`manage.py send_reminders` enqueues `send_reminders_task`; deploy/systemd/perfeval-reminders.timer). Each
occasion — one return, one deadline — is reminded once: a second run the same day, or the next day, sends nothing
again (Reminder's unique key), so the job may run as often as wanted."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.tasks import task
from django.utils import timezone

from assessments.models import Assessment, AuditEvent, Reminder
from assessments.workflow.services import _notify_roles
from units.deadlines import all_deadlines, deadline_for
from units.models import Role


@dataclass(frozen=True)
class Due:
    assessment: Assessment
    kind: str
    occasion: str
    message: str


def reminders_due(today: date | None = None) -> list[Due]:
    """Every reminder the rules call for today, sent before or not."""
    today = today or timezone.localdate()
    due: list[Due] = []
    returned_days = settings.REMINDER_RETURNED_DAYS
    returned = Assessment.objects.filter(status=Assessment.Status.DRAFT, returned=True).select_related("unit")
    last_returns = dict(
        AuditEvent.objects.filter(assessment__in=returned, action__in=("return", "reopen"))
        .values("assessment_id")
        .annotate(at=Max("created_at"))
        .values_list("assessment_id", "at")
    )
    for assessment in returned:
        at = last_returns.get(assessment.pk)
        if at is None:
            continue
        waited = (today - timezone.localtime(at).date()).days
        if waited >= returned_days:
            due.append(
                Due(
                    assessment,
                    Reminder.Kind.RETURNED,
                    f"return:{at.isoformat()}",
                    f"{assessment} 退回已 {waited} 天，尚未重新提交，请尽快修改后提交。",
                )
            )
    deadlines = all_deadlines()
    soon = timedelta(days=settings.REMINDER_DEADLINE_DAYS)
    open_ = Assessment.objects.exclude(status=Assessment.Status.FINAL).select_related("unit__region__parent__parent")
    for assessment in open_:
        deadline = deadline_for(assessment.unit.region, assessment.year, deadlines)
        if deadline is None:
            continue
        if today > deadline:
            message = f"{assessment} 已过截止日期（{deadline:%Y-%m-%d}），尚未定稿（{assessment.status_label}）。"
            due.append(Due(assessment, Reminder.Kind.DEADLINE_PASSED, f"due:{deadline.isoformat()}", message))
        elif deadline - today <= soon and assessment.status == Assessment.Status.DRAFT:
            days = (deadline - today).days
            message = f"{assessment} 距截止日期（{deadline:%Y-%m-%d}）还有 {days} 天，请按时提交。"
            due.append(Due(assessment, Reminder.Kind.DEADLINE_SOON, f"due:{deadline.isoformat()}", message))
    return due


def send_reminders(today: date | None = None) -> int:
    """Record and send what is due and was not sent before; the number sent."""
    sent = 0
    for item in reminders_due(today):
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    assessment=item.assessment, kind=item.kind, occasion=item.occasion, message=item.message[:300]
                )
                _notify_roles(item.assessment, [Role.PREPARER], item.message)
        except IntegrityError:
            continue  # reminded before (or by a run at the same moment)
        sent += 1
    return sent


@task()
def send_reminders_task() -> int:
    return send_reminders()
