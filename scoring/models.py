"""Frameworks (指标体系) stored and versioned. The definition — the same dict as a file under fixtures/frameworks/ —
is the source of truth; the indicator rows are derived from it for screens and queries. A version never changes once
saved: editing creates the next version, so a score that recorded its version can always be reproduced."""

from django.conf import settings
from django.db import models


class Framework(models.Model):
    code = models.SlugField("代码", max_length=60, unique=True)
    name = models.CharField("名称", max_length=200)

    class Meta:
        verbose_name = "指标体系"
        verbose_name_plural = "指标体系"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def latest_version(self) -> "FrameworkVersion | None":
        return self.versions.order_by("-version").first()


class FrameworkVersion(models.Model):
    framework = models.ForeignKey(Framework, verbose_name="指标体系", on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField("版本")
    name = models.CharField("名称", max_length=200)
    region = models.CharField(
        "适用地区", max_length=100, blank=True, help_text="区划全称的开头，如“湖南省”；留空为全国通用。"
    )
    year_from = models.PositiveSmallIntegerField("起始年度")
    year_to = models.PositiveSmallIntegerField("截止年度", null=True, blank=True)
    rounding_places = models.PositiveSmallIntegerField("得分小数位数", default=2)
    grades = models.JSONField("等次", default=list)
    definition = models.JSONField("定义")
    note = models.CharField("修改说明", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "指标体系版本"
        verbose_name_plural = "指标体系版本"
        ordering = ["framework", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "version"], name="framework_version_unique"),
        ]

    def __str__(self):
        return f"{self.name} 第{self.version}版"

    @property
    def years_label(self) -> str:
        if self.year_to == self.year_from:
            return f"{self.year_from}年"
        return f"{self.year_from}年起" if self.year_to is None else f"{self.year_from}—{self.year_to}年"


class Indicator(models.Model):
    """One node of a version's indicator tree (一级 → 二级 → 三级), derived from the definition."""

    version = models.ForeignKey(
        FrameworkVersion, verbose_name="版本", on_delete=models.CASCADE, related_name="indicators"
    )
    parent = models.ForeignKey(
        "self", verbose_name="上级指标", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField("顺序")
    level = models.PositiveSmallIntegerField("级次")
    code = models.CharField("代码", max_length=80)
    name = models.CharField("名称", max_length=200)
    weight = models.DecimalField("分值", max_digits=6, decimal_places=2, null=True, blank=True)
    rule_kind = models.CharField("评分规则", max_length=40, blank=True)
    params = models.JSONField("规则参数", default=dict, blank=True)
    facts = models.JSONField("读取的数据项", default=list, blank=True)
    unit_rows = models.BooleanField("由单位填写三级指标", default=False)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="indicator_code_unique_in_version"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"
