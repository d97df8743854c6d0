"""提醒: returned and not resubmitted after N days, deadlines near or passed; in the inbox and by e-mail, shown to
reviewers and administrators; the job is idempotent and runs through the task backend."""

import datetime
import io

from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import AuditEvent, Notification, Reminder
from assessments.workflow import services as workflow
from assessments.workflow.reminders import send_reminders
from tests.assessments.workflow.conftest import submit_and_sign_to
from units.models import Deadline


def test_a_return_not_resubmitted_after_n_days_is_reminded_once(assessment, people, settings):
    settings.REMINDER_RETURNED_DAYS = 5
    people["alice"].email = "alice@example.cn"
    people["alice"].save()
    assessment = submit_and_sign_to(assessment, people, "group_leader")
    workflow.assessment_return(assessment=assessment, user=people["bob"], reason="补充")
    returned_on = timezone.localdate()
    Notification.objects.all().delete()
    mail.outbox.clear()
    assert send_reminders(returned_on + datetime.timedelta(days=4)) == 0
    assert send_reminders(returned_on + datetime.timedelta(days=5)) == 1
    assert send_reminders(returned_on + datetime.timedelta(days=6)) == 0  # the same return: once
    [note] = Notification.objects.filter(user=people["alice"])
    assert "退回已 5 天" in note.message
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.cn"]
    # A second return is a new occasion.
    AuditEvent.objects.create(
        assessment=assessment, user=people["bob"], user_name="bob", action="return", action_label="再次退回"
    )
    assert send_reminders(returned_on + datetime.timedelta(days=30)) == 1


def test_deadlines_near_and_passed_are_reminded_once_each(assessment, people, settings):
    settings.REMINDER_DEADLINE_DAYS = 7
    due = datetime.date(2023, 5, 31)
    Deadline.objects.create(region=assessment.unit.region, year=2022, due=due)
    assert send_reminders(due - datetime.timedelta(days=8)) == 0
    assert send_reminders(due - datetime.timedelta(days=7)) == 1
    assert send_reminders(due - datetime.timedelta(days=1)) == 0
    assert send_reminders(due + datetime.timedelta(days=1)) == 1
    assert send_reminders(due + datetime.timedelta(days=2)) == 0
    assert list(Reminder.objects.order_by("pk").values_list("kind", flat=True)) == ["deadline_soon", "deadline_passed"]


def test_the_command_runs_the_job_through_the_task_backend(assessment, people):
    Deadline.objects.create(region=assessment.unit.region, year=2022, due=datetime.date(2023, 5, 31))
    out = io.StringIO()
    call_command("send_reminders", stdout=out)  # the immediate backend runs the task at once
    assert "已交给任务队列" in out.getvalue()
    assert Reminder.objects.filter(kind="deadline_passed").count() == 1
    call_command("send_reminders", "--now", stdout=out)
    assert "已发送提醒 0 条" in out.getvalue()


def test_reviewers_and_administrators_see_the_reminders(client, assessment, people):
    Deadline.objects.create(region=assessment.unit.region, year=2022, due=datetime.date(2023, 5, 31))
    send_reminders()
    client.force_login(people["bob"])
    inbox = client.get(reverse("inbox")).content.decode()
    assert 'id="inbox-reminders"' in inbox and "已过截止日期（2023-05-31）" in inbox
    client.force_login(people["ada"])
    dashboard = client.get(reverse("dashboard"), {"year": "all"}).content.decode()
    assert 'id="dashboard-reminders"' in dashboard and "已过截止日期（2023-05-31）" in dashboard
