"""Reminders sent about an assessment: one row per occasion, so that running the reminder job again sends nothing
twice (the unique key is the occasion: which return, which deadline)."""

from django.db import models


class Reminder(models.Model):
    class Kind(models.TextChoices):
        RETURNED = "returned", "退回后未重新提交"
        DEADLINE_SOON = "deadline_soon", "截止日期临近"
        DEADLINE_PASSED = "deadline_passed", "已过截止日期"

    assessment = models.ForeignKey("assessments.Assessment", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField("类型", max_length=20, choices=Kind)
    occasion = models.CharField("事由", max_length=60, help_text="哪一次退回或哪一个截止日期：同一事由只提醒一次。")
    message = models.CharField("提醒内容", max_length=300)
    created_at = models.DateTimeField("提醒时间", auto_now_add=True)

    class Meta:
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "kind", "occasion"], name="one_reminder_per_occasion")
        ]

    def __str__(self):
        return self.message
