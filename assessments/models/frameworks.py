"""Which framework a region uses in a year, for each form (部门整体 / 项目). An assignment holds for the region and
every region under it that has none of its own; without any, the region's report layout names the default."""

from django.conf import settings
from django.db import models

from units.models import Region


class FrameworkAssignment(models.Model):
    class Form(models.TextChoices):
        OVERALL = "overall", "部门整体支出"
        PROJECT = "project", "项目支出"

    region = models.ForeignKey(
        Region, verbose_name="行政区划", on_delete=models.PROTECT, related_name="framework_assignments"
    )
    year = models.PositiveSmallIntegerField("年度")
    form = models.CharField("自评表", max_length=10, choices=Form)
    framework_version = models.ForeignKey(
        "scoring.FrameworkVersion", verbose_name="指标体系版本", on_delete=models.PROTECT, related_name="assignments"
    )
    note = models.CharField("依据", max_length=200, blank=True, help_text="如财政部门的通知文号。")
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "指标体系分配"
        verbose_name_plural = "指标体系分配"
        ordering = ["-year", "region", "form"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "form"], name="framework_assignment_unique"),
        ]

    def __str__(self):
        return f"{self.region} {self.year}年度{self.get_form_display()}：{self.framework_version}"
