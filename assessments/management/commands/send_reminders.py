"""Daily reminders (assessments.workflow.reminders): enqueued for the task worker, or run here with --now. Safe to run
any number of times: each occasion is reminded once."""

from django.core.management.base import BaseCommand

from assessments.workflow.reminders import send_reminders, send_reminders_task


class Command(BaseCommand):
    help = "提醒：退回后逾期未提交、截止日期临近或已过的自评，通知填表人（站内消息和电子邮件）。"

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="在本进程中立即发送，而不是交给任务队列。")

    def handle(self, *args, now=False, **options):
        if now:
            self.stdout.write(f"已发送提醒 {send_reminders()} 条。")
        else:
            result = send_reminders_task.enqueue()
            self.stdout.write(f"已交给任务队列：{result.id}")
