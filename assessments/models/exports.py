"""The annual export: a job over a set of assessments, and one item per assessment. Imported by
assessments.models so that they belong to the app. The work itself is in assessments.exports.services."""

from django.conf import settings
from django.db import models

from units.models import Region, Unit


class ExportJob(models.Model):
    """年度导出: the ZIP of per-unit PDFs, the combined PDF and the 汇总表 of one year (or of every year) for a scope."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        ASSEMBLING = "assembling", "正在合并"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    class Scope(models.TextChoices):
        ALL = "all", "全部单位"
        REGION = "region", "按行政区划"
        DEPARTMENT = "department", "按主管部门"

    year = models.PositiveSmallIntegerField("年度", null=True, blank=True, help_text="空表示全部年度。")
    scope = models.CharField("范围", max_length=20, choices=Scope, default=Scope.ALL)
    region = models.ForeignKey(
        Region, verbose_name="行政区划", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    department = models.ForeignKey(
        Unit, verbose_name="主管部门", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scope_label = models.CharField("范围说明", max_length=200)
    final_only = models.BooleanField(
        "仅已定稿", default=False, help_text="只导出已定稿的自评；否则未定稿的也导出，其报告带“草稿”水印。"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.CASCADE, related_name="export_jobs"
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status, default=Status.QUEUED)
    total = models.PositiveIntegerField("单位数", default=0)
    done = models.PositiveIntegerField("已完成", default=0)
    failed = models.PositiveIntegerField("失败", default=0)
    reused = models.PositiveIntegerField("沿用", default=0)
    error = models.TextField("错误", blank=True)
    zip_file = models.CharField("ZIP 文件", max_length=300, blank=True)
    combined_pdf = models.CharField("合并 PDF", max_length=300, blank=True)
    xlsx_file = models.CharField("汇总表", max_length=300, blank=True)

    class Meta:
        verbose_name = "年度导出"
        verbose_name_plural = "年度导出"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.year_label} {self.scope_label}"

    @property
    def year_label(self) -> str:
        return f"{self.year}年度" if self.year else "全部年度"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ExportItem(models.Model):
    """One assessment of an export. A worker claims it (pending → running) before rendering, so no two workers
    render the same item; the PDF is kept in the cache under its fingerprint and reused while that is unchanged."""

    class Status(models.TextChoices):
        PENDING = "pending", "等待"
        RUNNING = "running", "生成中"
        DONE = "done", "已生成"
        REUSED = "reused", "沿用"
        FAILED = "failed", "失败"

    job = models.ForeignKey(ExportJob, on_delete=models.CASCADE, related_name="items")
    assessment = models.ForeignKey(
        "assessments.Assessment", verbose_name="绩效自评", on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField("顺序", default=0)
    status = models.CharField("状态", max_length=20, choices=Status, default=Status.PENDING)
    fingerprint = models.CharField("内容指纹", max_length=64, blank=True)
    pdf_path = models.CharField("PDF 文件", max_length=300, blank=True)
    # What the summary table and the 汇总表 show for this unit, computed by the worker that handled the item.
    summary = models.JSONField("汇总数据", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    # The process that claimed the item ("host:pid"): with started_at, the claim a finishing worker must still hold
    # (the item may have been reclaimed from it), and where to look when a render failed.
    rendered_by = models.CharField("生成进程", max_length=100, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # Written every few seconds while the item renders: an item whose worker stopped beating was left by a dead one.
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("生成次数", default=0)

    class Meta:
        verbose_name = "导出单位"
        verbose_name_plural = "导出单位"
        ordering = ["job", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["job", "assessment"], name="export_item_once_per_job")]
        # Every render task looks for items left running by a dead worker: only running items are indexed.
        indexes = [
            models.Index(fields=["started_at"], condition=models.Q(status="running"), name="export_item_running_since")
        ]

    def __str__(self):
        return f"{self.job_id} · {self.assessment_id}"
