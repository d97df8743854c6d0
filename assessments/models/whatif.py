"""A region-year what-if: every assessment of a region and year scored under another framework version, summarised.
The work is in assessments.whatif.services; the run keeps its progress and the summary, never a score."""

from django.conf import settings
from django.db import models

from assessments.models.frameworks import FrameworkAssignment
from units.models import Region


class WhatIfRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "计算中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    form = models.CharField("自评表", max_length=10, choices=FrameworkAssignment.Form)
    other_version = models.ForeignKey(
        "scoring.FrameworkVersion", verbose_name="对比指标体系版本", on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField("状态", max_length=10, choices=Status, default=Status.QUEUED)
    total = models.PositiveIntegerField("自评份数", default=0)
    done = models.PositiveIntegerField("已计算", default=0)
    result = models.JSONField("结果", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "指标体系试算"
        verbose_name_plural = "指标体系试算"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.region} {self.year}年度{self.get_form_display()} → {self.other_version}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.done / self.total)
