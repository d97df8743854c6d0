"""The stored overview line of each assessment: what the administrator dashboard and the public list show
of thousands of assessments without scoring each one on every request."""

from django.db import models


class AssessmentSummary(models.Model):
    """Derived data, never typed: total, grade and budget execution rate as assessments.summaries computes them.
    The `key_*` columns hold every input it was computed from (assessments.stored_summaries.summary_key_parts: the scoring
    code, the assessment's status and version, the framework version and the unit's staffing of the year); a line
    whose key no longer matches is computed again before it is shown (assessments.stored_summaries.refresh_summaries), so
    what is shown is never stale. One typed column per input, compared column by column: writing each line's key as
    one text to compare it made the dashboard's grouping query 1.27 × as costly at 60,000 assessments (bench/RESULTS.md,
    session 11)."""

    assessment = models.OneToOneField(
        "assessments.Assessment", primary_key=True, on_delete=models.CASCADE, related_name="summary"
    )
    key_code = models.CharField("计算代码版本", max_length=16, blank=True)
    key_status = models.CharField("计算时的状态", max_length=20, blank=True)
    key_lock_version = models.PositiveIntegerField("计算时的版本号", null=True, blank=True)
    key_updated_at = models.DateTimeField("计算时的修改时间", null=True, blank=True)
    # An id, not a foreign key: the line must not hold a framework version back from deletion, nor go with it.
    key_framework_version = models.PositiveIntegerField("计算时的指标体系版本", null=True, blank=True)
    key_staff_quota = models.PositiveIntegerField("计算时的编制数", null=True, blank=True)
    key_staff_actual = models.PositiveIntegerField("计算时的实际在职人数", null=True, blank=True)
    key_staff_agency = models.PositiveIntegerField("计算时的编外人员数", null=True, blank=True)
    key_veteran_retirees = models.PositiveIntegerField("计算时的离休人员", null=True, blank=True)
    key_retirees = models.PositiveIntegerField("计算时的退休人员", null=True, blank=True)
    total = models.CharField("总分", max_length=20, blank=True)
    grade = models.CharField("等次", max_length=20, blank=True)
    rescored_total = models.CharField("复核后总分", max_length=20, blank=True)
    rescored_grade = models.CharField("复核后等次", max_length=20, blank=True)
    execution_rate = models.CharField("预算执行率", max_length=20, blank=True)
    error = models.TextField("无法评分的原因", blank=True)
    # As frozen in the final snapshot (blank for an assessment that is not final: the live unit is shown).
    unit_code = models.CharField("单位编码", max_length=30, blank=True)
    unit_name = models.CharField("单位名称", max_length=100, blank=True)
    region_name = models.CharField("行政区划", max_length=200, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    finalised_at = models.CharField("定稿时间", max_length=40, blank=True)
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        verbose_name = "自评概要"
        verbose_name_plural = "自评概要"

    def __str__(self):
        return f"{self.assessment_id}: {self.total or '—'} {self.grade}"
