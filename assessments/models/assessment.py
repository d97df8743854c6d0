"""The assessment of one unit for one year: its facts (typed Decimal fields named as in the domain vocabulary),
institutions, special funds, indicator rows, projects, narrative and evidence. Every derived figure — totals, rates,
scores — is computed from these (assessments.facts and the scoring engine), never stored as typed."""

import hashlib
import json
import logging

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.validators import MinValueValidator
from django.db import models

from assessments.models.steps import STEPS
from perfeval.quickload import QuickLoad
from scoring.engine import metadata, vocabulary
from units.models import Unit

logger = logging.getLogger("assessments.snapshots")


def money(label: str, *, negative: bool = False, **kwargs) -> models.DecimalField:
    """An amount in 万元 with 2 places; blank means not filled in (a missing input, never a guessed zero)."""
    validators = [] if negative else [MinValueValidator(0, message="金额不能为负数。")]
    field = models.DecimalField(
        label, max_digits=14, decimal_places=2, null=True, blank=True, validators=validators, **kwargs
    )
    field.is_money = True  # forms and the import's preview word it as 万元; other decimals are scores or numbers
    return field


def fact_label(name: str) -> str:
    """The Chinese label of one of the engine's facts: a field holding a fact reads it from the engine's vocabulary, so
    that a form's error, the audit trail, the workbook and the score sheet's explanation name the figure alike."""
    return vocabulary.FACTS[name].label


def count(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, null=True, blank=True)


class Assessment(models.Model):
    """部门整体支出绩效自评: one unit, one year. Facts, indicator rows, projects and the workflow hang off it."""

    class Kind(models.TextChoices):
        OVERALL = "overall", "部门整体支出绩效自评"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        IN_REVIEW = "in_review", "审签中"
        FINAL = "final", "已定稿"

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="assessments")
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("类型", max_length=20, choices=Kind, default=Kind.OVERALL)
    status = models.CharField("状态", max_length=20, choices=Status, default=Status.DRAFT)
    # While in review: the step waiting for its signature (assessments.workflow.services.STEPS).
    current_step = models.CharField("当前审签步骤", max_length=20, blank=True)
    returned = models.BooleanField("被退回", default=False)
    # The version scores are computed with; a framework edit creates a new version and never touches this one.
    framework_version = models.ForeignKey(
        "scoring.FrameworkVersion",
        verbose_name="指标体系版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    # The version its project tables (附件1-3) are scored with, taken from the framework assignment at creation.
    project_framework_version = models.ForeignKey(
        "scoring.FrameworkVersion",
        verbose_name="项目支出指标体系版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_assessments",
    )
    goal_planned = models.TextField("年度总体目标·预期目标", blank=True)
    goal_achieved = models.TextField("年度总体目标·实际完成情况", blank=True)
    # Optimistic locking: every save compares and increments it, so a stale save is refused, never applied.
    lock_version = models.PositiveIntegerField("版本号", default=0, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    # PROTECT, as for every person a final record names: deleting the user would rewrite a frozen row (the database
    # refuses it anyway); people who leave are deactivated instead.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后修改人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "绩效自评"
        verbose_name_plural = "绩效自评"
        ordering = ["-year", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "kind"], name="assessment_one_per_unit_year_kind"),
        ]
        # The inbox's 待我处理 asks for the assessments waiting at a step: a few hundred of 15,000.
        indexes = [models.Index(fields=["status", "current_step"], name="assessment_status_step")]

    def __str__(self):
        return f"{self.year}年度{self.unit}{self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if not getattr(self, "_workflow_write", False):
            guard_not_final(self.pk)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        guard_not_final(self.pk)
        return super().delete(*args, **kwargs)

    @property
    def status_label(self) -> str:
        if self.status == self.Status.IN_REVIEW and self.current_step in STEPS:
            return f"待{STEPS[self.current_step].label}"
        if self.status == self.Status.DRAFT and self.returned:
            return "已退回"
        return self.get_status_display()


class FinalisedError(Exception):
    """A change to a finalised assessment. Raised by every model save() and delete() that would change one."""

    message = "这份自评已定稿，不能修改；如需修改，请管理员先重新开启。"

    def __str__(self):
        return self.message


def guard_not_final(assessment_id: int | None) -> None:
    """Refuse any write to a finalised assessment. The stored status decides, not an in-memory copy; only the
    workflow (finalise, reopen) writes past it, by marking the instance it saves."""
    if assessment_id is None:
        return
    stored = Assessment.objects.filter(pk=assessment_id).values_list("status", flat=True).first()
    if stored == Assessment.Status.FINAL:
        raise FinalisedError


class AssessmentPart(QuickLoad, models.Model):
    """Anything stored under an assessment: saving or deleting it is refused once the assessment is final. Read many
    at a time on every page (a hundred indicator rows), so made from their rows quickly (perfeval.quickload)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        guard_not_final(self.assessment_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        guard_not_final(self.assessment_id)
        return super().delete(*args, **kwargs)


class Facts(AssessmentPart):
    """The assessment's scalar facts: 附件1-1 基础数据表, budget execution, the 10号 funds block, assets, surveys and
    work done. Field names are the engine's vocabulary; totals (三公, 项目支出, 汇总 rows) are computed, not stored."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="facts")

    # 附件1-1 三公经费, three columns each: 上年决算数 (_prior), 本年预算数 (_budget), 本年决算数 (_actual).
    vehicle_purchase_prior = money(fact_label("vehicle_purchase_prior"))
    vehicle_purchase_budget = money(fact_label("vehicle_purchase_budget"))
    vehicle_purchase_actual = money(fact_label("vehicle_purchase_actual"))
    vehicle_operation_prior = money(fact_label("vehicle_operation_prior"))
    vehicle_operation_budget = money(fact_label("vehicle_operation_budget"))
    vehicle_operation_actual = money(fact_label("vehicle_operation_actual"))
    overseas_travel_prior = money(fact_label("overseas_travel_prior"))
    overseas_travel_budget = money(fact_label("overseas_travel_budget"))
    overseas_travel_actual = money(fact_label("overseas_travel_actual"))
    reception_prior = money(fact_label("reception_prior"))
    reception_budget = money(fact_label("reception_budget"))
    reception_actual = money(fact_label("reception_actual"))
    # 项目支出 rows (special funds are SpecialFund rows).
    project_business_prior = money(fact_label("project_business_prior"))
    project_business_budget = money(fact_label("project_business_budget"))
    project_business_actual = money(fact_label("project_business_actual"))
    project_operation_prior = money(fact_label("project_operation_prior"))
    project_operation_budget = money(fact_label("project_operation_budget"))
    project_operation_actual = money(fact_label("project_operation_actual"))
    # 公用经费 is typed: its 其中 rows need not be exhaustive.
    public_funds_prior = money(fact_label("public_funds_prior"))
    public_funds_budget = money(fact_label("public_funds_budget"))
    public_funds_actual = money(fact_label("public_funds_actual"))
    public_office_prior = money(fact_label("public_office_prior"))
    public_office_budget = money(fact_label("public_office_budget"))
    public_office_actual = money(fact_label("public_office_actual"))
    public_utilities_travel_prior = money(fact_label("public_utilities_travel_prior"))
    public_utilities_travel_budget = money(fact_label("public_utilities_travel_budget"))
    public_utilities_travel_actual = money(fact_label("public_utilities_travel_actual"))
    public_meetings_training_prior = money(fact_label("public_meetings_training_prior"))
    public_meetings_training_budget = money(fact_label("public_meetings_training_budget"))
    public_meetings_training_actual = money(fact_label("public_meetings_training_actual"))
    procurement_prior = money(fact_label("procurement_prior"))
    procurement_budget = money(fact_label("procurement_budget"))
    procurement_actual = money(fact_label("procurement_actual"))
    budget_basic_adjustment_prior = money(fact_label("budget_basic_adjustment_prior"), negative=True)
    budget_basic_adjustment_budget = money(fact_label("budget_basic_adjustment_budget"), negative=True)
    budget_basic_adjustment_actual = money(fact_label("budget_basic_adjustment_actual"), negative=True)
    # 楼堂馆所 completed this year.
    building_area_approved = models.DecimalField(
        fact_label("building_area_approved"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    building_area_actual = models.DecimalField(
        fact_label("building_area_actual"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    building_investment_budget = money(fact_label("building_investment_budget"))
    building_investment_actual = money(fact_label("building_investment_actual"))
    austerity_measures = models.TextField("厉行节约保障措施", blank=True)

    # Budget execution and the 10号 funds block (附件1-2).
    # 上年结转和结余 and 年末结转和结余 are the 汇总 of the institutions' 收支情况, not typed twice.
    budget_initial = money(fact_label("budget_initial"))
    budget_added = money(fact_label("budget_added"), negative=True, help_text="调减填负数。")
    budget_full_year = money(fact_label("budget_full_year"))
    spending_actual = money(fact_label("spending_actual"))
    budget_general_budget = money(fact_label("budget_general_budget"))
    budget_government_funds = money(fact_label("budget_government_funds"))
    budget_special_account = money(fact_label("budget_special_account"))
    budget_other = money(fact_label("budget_other"))
    budget_basic = money(fact_label("budget_basic"))
    budget_project = money(fact_label("budget_project"))
    budget_adjustment = money(fact_label("budget_adjustment"), negative=True)
    budget_adjustment_excluded = money(fact_label("budget_adjustment_excluded"), negative=True)
    budget_adjustment_excluded_reason = models.TextField("政策性调整的原因", blank=True)
    execution_shortfall_reason = models.TextField("执行率低于90%的原因", blank=True)
    spending_q1 = money(fact_label("spending_q1"))
    spending_q2 = money(fact_label("spending_q2"))
    spending_q3 = money(fact_label("spending_q3"))
    spending_q4 = money(fact_label("spending_q4"))

    # Surveys: the rate is computed from the counts (a satisfaction figure needs its survey counts).
    satisfaction_recipients_responses = count(fact_label("satisfaction_recipients_responses"))
    satisfaction_recipients_satisfied = count(fact_label("satisfaction_recipients_satisfied"))
    satisfaction_public_responses = count(fact_label("satisfaction_public_responses"))
    satisfaction_public_satisfied = count(fact_label("satisfaction_public_satisfied"))
    satisfaction_staff_responses = count(fact_label("satisfaction_staff_responses"))
    satisfaction_staff_satisfied = count(fact_label("satisfaction_staff_satisfied"))

    key_tasks_planned = count(fact_label("key_tasks_planned"))
    key_tasks_completed = count(fact_label("key_tasks_completed"))
    projects_planned = count(fact_label("projects_planned"))
    projects_on_time = count(fact_label("projects_on_time"))

    class Meta:
        verbose_name = "基础数据"
        verbose_name_plural = "基础数据"

    def __str__(self):
        return f"{self.assessment} 基础数据"


class Institution(AssessmentPart):
    """收支情况 of one institution (机关 or a 二级机构). 收入合计, 支出合计, 基本支出, 当年结余, 累计结余 and the 汇总 row
    over all institutions are computed (assessments.facts)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="institutions")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    name = models.CharField("机构名称", max_length=100)
    carryover_start = money(fact_label("carryover_start"))
    income_general_budget = money(fact_label("income_general_budget"))
    income_government_funds = money(fact_label("income_government_funds"))
    income_special_account = money(fact_label("income_special_account"))
    income_other = money(fact_label("income_other"))
    spending_personnel = money(fact_label("spending_personnel"))
    spending_public = money(fact_label("spending_public"))
    spending_project = money(fact_label("spending_project"))
    reception_actual = money(fact_label("reception_actual"))
    vehicle_operation_actual = money(fact_label("vehicle_operation_actual"))
    vehicle_purchase_actual = money(fact_label("vehicle_purchase_actual"))
    overseas_travel_actual = money(fact_label("overseas_travel_actual"))
    fixed_assets_in_use = money(fact_label("fixed_assets_in_use"))
    fixed_assets_leased = money(fact_label("fixed_assets_leased"))
    fixed_assets_other = money(fact_label("fixed_assets_other"))

    class Meta:
        verbose_name = "机构收支情况"
        verbose_name_plural = "机构收支情况"
        ordering = ["assessment", "position", "pk"]

    def __str__(self):
        return self.name


class SpecialFund(AssessmentPart):
    """One 专项资金 row of 附件1-1's 项目支出 (一个专项一行)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="special_funds")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    name = models.CharField("专项资金名称", max_length=200)
    prior = money("上年决算数")
    budget = money("本年预算数")
    actual = money("本年决算数")

    class Meta:
        verbose_name = "专项资金"
        verbose_name_plural = "专项资金"
        ordering = ["assessment", "position", "pk"]

    def __str__(self):
        return self.name


class Project(AssessmentPart):
    """项目支出绩效自评 (附件1-3): one table per project, scored with the 10号 project framework."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="projects")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    name = models.CharField("项目名称", max_length=200)
    supervising_department = models.CharField("主管部门", max_length=100, blank=True)
    implementing_unit = models.CharField("实施单位", max_length=100, blank=True)
    # Funds block: rows 当年财政拨款 / 上年结转资金 / 其他资金; the 年度资金总额 row is their sum.
    fiscal_budget_initial = money("当年财政拨款·年初预算数")
    fiscal_budget_full_year = money("当年财政拨款·全年预算数")
    fiscal_spending_actual = money("当年财政拨款·全年执行数")
    carryover_budget_initial = money("上年结转资金·年初预算数")
    carryover_budget_full_year = money("上年结转资金·全年预算数")
    carryover_spending_actual = money("上年结转资金·全年执行数")
    other_budget_initial = money("其他资金·年初预算数")
    other_budget_full_year = money("其他资金·全年预算数")
    other_spending_actual = money("其他资金·全年执行数")
    goal_planned = models.TextField("年度总体目标·预期目标", blank=True)
    goal_achieved = models.TextField("年度总体目标·实际完成情况", blank=True)
    # 101号 scores 预算执行率 by whether the project is finished; blank: not stated (a missing input, never "no").
    completed = models.BooleanField("项目是否完成", null=True, blank=True)

    class Meta:
        verbose_name = "项目支出绩效自评"
        verbose_name_plural = "项目支出绩效自评"
        ordering = ["assessment", "position", "pk"]

    def __str__(self):
        return self.name


class IndicatorRow(AssessmentPart):
    """One indicator as filled in by the unit: a framework indicator (`code`), or — in 10号 tables — a 三级 row the
    unit writes under a level-2 group (`group_code`) with its own name and weight. Rows of a project table carry it."""

    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", "定量"
        QUALITATIVE = "qualitative", "定性"

    class Outcome(models.TextChoices):
        ACHIEVED = "achieved", "达成年度指标"
        PARTIAL = "partial", "部分达成年度指标并具有一定效果"
        NOT_ACHIEVED = "not_achieved", "未达成年度指标且效果较差"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="indicator_rows")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="indicator_rows")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    code = models.CharField("指标代码", max_length=80, blank=True)
    group_code = models.CharField("所属二级指标", max_length=80, blank=True)
    name = models.CharField("三级指标", max_length=200, blank=True)
    weight = models.DecimalField("分值", max_digits=6, decimal_places=2, null=True, blank=True)
    kind = models.CharField("类型", max_length=20, choices=Kind, blank=True)
    target_value = models.CharField("年度指标值", max_length=200, blank=True)
    actual_value = models.CharField("实际完成值", max_length=200, blank=True)
    # The numbers read from the texts ("≥90%" → ≥ 90); typed by the unit where the text has none ("每月一次" → 12).
    target_comparator = models.CharField(
        "比较方式", max_length=2, blank=True, choices=[(">=", "≥ 越高越好"), ("<=", "≤ 越低越好"), ("=", "= 等于")]
    )
    target_number = models.DecimalField("指标值（数值）", max_digits=16, decimal_places=4, null=True, blank=True)
    actual_number = models.DecimalField("完成值（数值）", max_digits=16, decimal_places=4, null=True, blank=True)
    outcome = models.CharField("定性评价", max_length=20, choices=Outcome, blank=True)
    score = models.DecimalField("人工评分", max_digits=6, decimal_places=2, null=True, blank=True)
    score_reason = models.TextField("评分理由", blank=True)
    # A 10号 满意度 row's survey: the rate it reports is checked against them (as the Futian form asks).
    survey_responses = count("有效问卷数")
    survey_satisfied = count("满意问卷数")
    # A computed indicator whose data cannot be had: scored by hand (score, score_reason) instead of by its rule.
    manual = models.BooleanField("数据无法取得，人工评分", default=False)
    failed_items = count("不符合项数")
    answers = models.JSONField("检查项结果", default=dict, blank=True)
    deviation_reason = models.TextField("偏差原因分析及改进措施", blank=True)
    # 财预〔2021〕101号's row metadata; optional unless the framework requires them (scoring.engine.metadata).
    target_basis = models.CharField(
        metadata.TARGET_BASIS.label, max_length=30, choices=metadata.TARGET_BASIS.choices(), blank=True
    )
    actual_method = models.CharField(
        metadata.ACTUAL_METHOD.label, max_length=30, choices=metadata.ACTUAL_METHOD.choices(), blank=True
    )
    data_source = models.CharField(
        metadata.DATA_SOURCE.label, max_length=30, choices=metadata.DATA_SOURCE.choices(), blank=True
    )
    evidence_types = models.JSONField(metadata.EVIDENCE.label, default=list, blank=True)

    class Meta:
        verbose_name = "指标填报"
        verbose_name_plural = "指标填报"
        ordering = ["assessment", "project", "position", "pk"]

    def __str__(self):
        return self.name or self.code


class NarrativeSection(AssessmentPart):
    """One section of the narrative report, keyed by the region layout: each region prints its own chapters."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="narrative_sections")
    key = models.CharField("章节", max_length=40)
    body = models.TextField("内容", blank=True)

    class Meta:
        verbose_name = "报告章节"
        verbose_name_plural = "报告章节"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "key"], name="narrative_section_unique"),
        ]

    def __str__(self):
        return self.key


def evidence_path(instance: "Evidence", filename: str) -> str:
    return f"evidence/{instance.assessment.unit_id}/{instance.assessment_id}/{filename}"


class Evidence(AssessmentPart):
    """佐证材料: a file attached to an indicator or a narrative section. Stored under MEDIA_ROOT, never served
    directly — only through a view that checks the user may see the unit."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    indicator_code = models.CharField("指标", max_length=80, blank=True)
    section_key = models.CharField("章节", max_length=40, blank=True)
    file = models.FileField("文件", upload_to=evidence_path, max_length=300)
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    description = models.CharField("说明", max_length=200, blank=True)
    evidence_type = models.CharField("资料类型", max_length=20, choices=metadata.EVIDENCE.choices(), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["assessment", "-uploaded_at"]

    def __str__(self):
        return self.original_name


class EvaluationMember(AssessmentPart):
    """评价人员: a member of the self-assessment group, as listed at the end of the Hunan 州-level form."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evaluation_members")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务/职称", max_length=100, blank=True)
    organisation = models.CharField("单位", max_length=100, blank=True)

    class Meta:
        verbose_name = "评价人员"
        verbose_name_plural = "评价人员"
        ordering = ["assessment", "position", "pk"]

    def __str__(self):
        return self.name


class SignOff(models.Model):
    """A reviewer's signature on one step, with their opinion. Voided (never deleted) when the assessment is returned
    to that step or before it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="signoffs")
    step = models.CharField("步骤", max_length=20)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签署人", on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="委托人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField("签署人姓名", max_length=150)
    role_label = models.CharField("身份", max_length=50)
    opinion = models.TextField("意见")
    lock_version = models.PositiveIntegerField("签署时的版本号")
    signed_at = models.DateTimeField("签署时间", auto_now_add=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)

    class Meta:
        verbose_name = "签署"
        verbose_name_plural = "签署"
        ordering = ["assessment", "signed_at", "pk"]

    def __str__(self):
        return f"{self.role_label} {self.signer_name}"


class AuditEvent(models.Model):
    """One entry of an assessment's audit trail: a transition or a save with its field changes (old → new)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="audit_events")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_name = models.CharField("用户姓名", max_length=150)
    action = models.CharField("操作", max_length=20)
    action_label = models.CharField("操作说明", max_length=100)
    detail = models.TextField("意见或原因", blank=True)
    changes = models.JSONField("修改内容", default=list, blank=True)
    # The version of the assessment a save created: what changed since a page was loaded is read from here.
    version = models.PositiveIntegerField("版本号", null=True, blank=True)
    snapshot = models.JSONField("退回时的数据", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["assessment", "created_at", "pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user_name} {self.action_label}"


def canonical_json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def document_sha256(document: dict) -> str:
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()


class SnapshotTampered(SuspiciousOperation):
    """The stored document no longer hashes to the SHA-256 recorded when it was frozen. Django answers a suspicious
    operation with 400 and logs it on the `django.security.SnapshotTampered` logger (mailed to the administrators
    where mail is configured)."""


TAMPERED = "定稿快照的内容与其 SHA-256 不符（记录 {recorded}，实际 {actual}），已拒绝显示。请立即联系系统管理员核查。"


class SnapshotQuerySet(models.QuerySet):
    NEWEST_FIRST = ("-created_at", "-pk")

    def latest_for(self, assessment) -> "Snapshot | None":
        """The snapshot a final assessment is shown from: the newest (a reopened and re-finalised assessment has
        several)."""
        return self.filter(assessment=assessment).order_by(*self.NEWEST_FIRST).first()

    def latest_for_many(self, assessment_ids) -> "dict[int, Snapshot]":
        """`latest_for` of many assessments in one query, by assessment id (those without a snapshot left out)."""
        newest: dict[int, Snapshot] = {}
        for snapshot in self.filter(assessment_id__in=assessment_ids).order_by("assessment_id", *self.NEWEST_FIRST):
            newest.setdefault(snapshot.assessment_id, snapshot)
        return newest


class Snapshot(models.Model):
    """The frozen record of a finalised assessment: all its data, the score sheet and the framework version, with
    the SHA-256 of their canonical JSON. Never changed or deleted; a reopened assessment keeps its old snapshots."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="snapshots")
    data = models.JSONField("数据")
    sha256 = models.CharField("SHA-256", max_length=64)
    created_at = models.DateTimeField("定稿时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="定稿人", null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = "定稿快照"
        verbose_name_plural = "定稿快照"
        ordering = ["assessment", "-created_at"]

    def __str__(self):
        return f"{self.assessment} {self.sha256[:12]}"

    def save(self, *args, **kwargs):
        # Written once, at finalisation, before the assessment becomes final: a snapshot for an assessment that is
        # already final would be a forgery.
        if self.pk is not None:
            raise FinalisedError
        guard_not_final(self.assessment_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FinalisedError

    def verified_data(self) -> dict:
        """The document, after checking it against its hash: every rendering of a final assessment reads it through
        here, so an edit of the stored document made past every guard is refused instead of printed."""
        actual = document_sha256(self.data)
        if actual != self.sha256:
            logger.critical(
                "定稿快照 %s（自评 %s）被篡改：记录 %s，实际 %s", self.pk, self.assessment_id, self.sha256, actual
            )
            raise SnapshotTampered(TAMPERED.format(recorded=self.sha256[:12], actual=actual[:12]))
        return self.data


class ReScore(models.Model):
    """抽查复核: the finance reviewer's score for one indicator, kept beside the unit's own score."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="rescores")
    indicator_key = models.CharField("指标", max_length=80)
    indicator_name = models.CharField("指标名称", max_length=200)
    self_score = models.DecimalField("自评得分", max_digits=6, decimal_places=2, null=True)
    score = models.DecimalField("复核得分", max_digits=6, decimal_places=2)
    reason = models.TextField("复核理由")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="复核人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("复核时间", auto_now_add=True)

    class Meta:
        verbose_name = "抽查复核"
        verbose_name_plural = "抽查复核"
        ordering = ["assessment", "indicator_key", "-created_at"]

    def __str__(self):
        return f"{self.indicator_name} {self.score}"


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField("消息", max_length=300)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at"]

    def __str__(self):
        return self.message
