"""信息公开: the public PDF of a final report, kept once rendered so that its file hash stays what was published."""

from django.db import models


class PublishedReport(models.Model):
    """The public variant of a snapshot's report (contact phone masked as on the public list): rendered from the same
    frozen data (the snapshot's SHA-256), a file of its own with its own SHA-256, kept under MEDIA_ROOT/public/ and
    never rendered again, so that a downloaded copy can always be checked against it."""

    snapshot = models.OneToOneField(
        "assessments.Snapshot", on_delete=models.PROTECT, related_name="published", verbose_name="定稿快照"
    )
    file_sha256 = models.CharField("文件 SHA-256", max_length=64, db_index=True)
    size = models.PositiveIntegerField("大小（字节）")
    path = models.CharField("文件", max_length=300)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "公开报告"
        verbose_name_plural = "公开报告"

    def __str__(self):
        return f"{self.snapshot} → {self.file_sha256[:12]}"
