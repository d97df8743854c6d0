from django.db import models

from units.models import Unit


class Assessment(models.Model):
    """部门整体支出绩效自评: one unit, one year. Facts, indicator rows, projects and the workflow hang off it."""

    class Kind(models.TextChoices):
        OVERALL = "overall", "部门整体支出绩效自评"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="assessments")
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("类型", max_length=20, choices=Kind, default=Kind.OVERALL)
    status = models.CharField("状态", max_length=20, choices=Status, default=Status.DRAFT)
    # Optimistic locking: every save compares and increments it, so a stale save is refused, never applied.
    lock_version = models.PositiveIntegerField("版本号", default=0, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "绩效自评"
        verbose_name_plural = "绩效自评"
        ordering = ["-year", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "kind"], name="assessment_one_per_unit_year_kind"),
        ]

    def __str__(self):
        return f"{self.year}年度{self.unit}{self.get_kind_display()}"
