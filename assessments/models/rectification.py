"""整改跟踪: the problems a final report names and the measures it promises, as items the unit follows up during the
following year. They refer to the final assessment without being part of it: the assessment and its snapshot stay as
they were frozen, while the items' responsible person, due date and status change."""

from django.conf import settings
from django.db import models


class RectificationItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=RectificationItem.OPEN)

    def overdue(self, today):
        """Open items whose due date has passed."""
        return self.open().filter(due_date__lt=today)


class RectificationItem(models.Model):
    """One 存在问题 with its 整改措施, promised by a final report (`source` report) or added by the unit where the
    report's text did not split into it (`source` added)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "未开始"
        IN_PROGRESS = "in_progress", "整改中"
        DONE = "done", "已完成"
        IMPOSSIBLE = "impossible", "无法完成"

    class Source(models.TextChoices):
        REPORT = "report", "报告所列"
        ADDED = "added", "单位补充"

    OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS)

    assessment = models.ForeignKey(
        "assessments.Assessment",
        verbose_name="自评",
        on_delete=models.CASCADE,
        related_name="rectification_items",
    )
    position = models.PositiveSmallIntegerField("顺序", default=0)
    source = models.CharField("来源", max_length=10, choices=Source, default=Source.REPORT)
    problem = models.TextField("存在问题", blank=True)
    measure = models.TextField("整改措施", blank=True)
    responsible = models.CharField("责任人", max_length=100, blank=True)
    due_date = models.DateField("完成时限", null=True, blank=True)
    status = models.CharField("整改状态", max_length=20, choices=Status, default=Status.NOT_STARTED)
    note = models.TextField("落实情况说明", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后更新人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RectificationItemQuerySet.as_manager()

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["assessment", "position", "pk"]
        # The administrators' overdue list asks for open items by due date.
        indexes = [models.Index(fields=["status", "due_date"], name="rectification_status_due")]

    def __str__(self):
        return (self.problem or self.measure)[:40]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN
