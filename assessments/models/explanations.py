"""提示及说明: the unit's explanation of a warning-level finding of the consistency checks. Findings are computed,
never stored; an explanation is keyed by what identifies its finding across saves — the check's code and the fields
it names — so it stays attached while the figures behind it are edited, and is printed while the finding persists."""

from django.conf import settings
from django.db import models

from assessments.models.assessment import Assessment, AssessmentPart


class FindingExplanation(AssessmentPart):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="finding_explanations")
    key = models.CharField("提示", max_length=300)
    text = models.TextField("说明")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填写人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("填写时间", auto_now=True)

    class Meta:
        verbose_name = "提示说明"
        verbose_name_plural = "提示说明"
        ordering = ["assessment", "key"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "key"], name="finding_explanation_unique"),
        ]

    def __str__(self):
        return self.text[:40]
