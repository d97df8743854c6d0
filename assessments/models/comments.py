"""Reviewers' comments on single indicator rows or findings (批注), and the preparer's answer to each."""

from django.conf import settings
from django.db import models


class ReviewComment(models.Model):
    """A reviewer's comment on one indicator (its score line's code: a framework code or a unit row's "row-<pk>")
    or one consistency finding (its check code), made while reading the assessment in review; the preparer answers it
    after the return. Both are written to the audit trail as well."""

    class Target(models.TextChoices):
        INDICATOR = "indicator", "指标"
        FINDING = "finding", "检查结果"

    assessment = models.ForeignKey("assessments.Assessment", on_delete=models.CASCADE, related_name="comments")
    target = models.CharField("对象", max_length=20, choices=Target, default=Target.INDICATOR)
    key = models.CharField("指标或检查代码", max_length=80)
    label = models.CharField("指标或检查", max_length=300)
    text = models.TextField("批注")
    step = models.CharField("批注时的步骤", max_length=20)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="批注人", on_delete=models.PROTECT, related_name="+"
    )
    author_name = models.CharField("批注人姓名", max_length=150)
    created_at = models.DateTimeField("批注时间", auto_now_add=True)
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "批注"
        verbose_name_plural = "批注"
        ordering = ["assessment", "created_at", "pk"]

    def __str__(self):
        return f"{self.label}：{self.text[:20]}"
