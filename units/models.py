from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q


def default_review_steps() -> list[str]:
    return ["group_leader", "unit_head", "supervisor", "finance"]


class Region(models.Model):
    """An administrative region (省 → 市 → 区/县). The region decides the report layout, the frameworks offered and,
    in later work, the sign-off steps and deadlines."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市（州）"
        COUNTY = "county", "区（县）"

    class Layout(models.TextChoices):
        HUNAN = "hunan", "湖南（叙述报告 + 附件1-1、1-2、1-3）"
        HUNAN_ZHOU = "hunan-zhou", "湖南州级（基本概况、收支情况、自评情况）"
        FUTIAN = "futian", "深圳福田（叙述报告 + 评分表）"
        GUANGDONG = "guangdong", "广东（叙述报告）"

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("级别", max_length=10, choices=Level)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    report_layout = models.CharField("报告格式", max_length=20, choices=Layout, default=Layout.HUNAN)
    review_steps = models.JSONField(
        "审签步骤",
        default=default_review_steps,
        help_text="提交后依次审签的步骤代码：group_leader（评价组组长）、unit_head（单位负责人）、"
        "supervisor（主管部门，仅对有主管部门的单位）、finance（财政归口业务科室，最后一步即定稿）。",
    )

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        names = []
        region = self
        while region is not None:
            names.append(region.name)
            region = region.parent
        return "".join(reversed(names))


class Unit(models.Model):
    """A budget unit (预算单位). The hierarchy is 主管部门 → 单位 → 二级机构; `kind` says which step a unit is."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "主管部门"
        UNIT = "unit", "单位"
        INSTITUTION = "institution", "二级机构"

    code = models.CharField(
        "单位编码",
        max_length=30,
        unique=True,
        validators=[RegexValidator(r"^[0-9A-Za-z-]+$", "单位编码只能包含数字、字母和连字符。")],
    )
    name = models.CharField("单位名称", max_length=100)
    kind = models.CharField("类别", max_length=20, choices=Kind, default=Kind.UNIT)
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="units")
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField(
        "联系电话",
        max_length=30,
        blank=True,
        validators=[RegexValidator(r"^[0-9+()\- ]*$", "联系电话只能包含数字、空格、括号、加号和连字符。")],
    )
    functions = models.TextField("主要职能", blank=True, help_text="职能职责，每条一行。")
    internal_structure = models.TextField("内设机构", blank=True, help_text="内设科室，每个一行。")
    # The unit's own fields above are edited from the 基本情况 tab of any year's assessment: saves of them are checked
    # against this version (as an assessment's tabs are against the assessment's), so one never undoes another.
    lock_version = models.PositiveIntegerField("版本号", default=0, editable=False)
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = "预算单位"
        verbose_name_plural = "预算单位"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="unit_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    @property
    def function_lines(self) -> list[str]:
        return [line.strip() for line in self.functions.splitlines() if line.strip()]

    @property
    def department_lines(self) -> list[str]:
        return [line.strip() for line in self.internal_structure.splitlines() if line.strip()]

    def ancestors(self) -> list["Unit"]:
        chain, unit = [], self.parent
        while unit is not None:
            chain.append(unit)
            unit = unit.parent
        return chain


class Staffing(models.Model):
    """Staff figures of one unit for one year. One 编制 and one 在职 figure per unit and year, reused everywhere."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="staffing")
    year = models.PositiveSmallIntegerField("年度")
    # The three staff figures are facts of the scoring engine, labelled as its vocabulary labels them (units may not
    # import the engine; tests/assessments/test_fact_labels.py compares the two).
    staff_quota = models.PositiveIntegerField("编制数")
    staff_actual = models.PositiveIntegerField("实际在职人数")
    staff_agency = models.PositiveIntegerField("编外人员数", default=0, help_text="劳务派遣及直接聘用的编外人员。")
    veteran_retirees = models.PositiveIntegerField("离休人员", default=0)
    retirees = models.PositiveIntegerField("退休人员", default=0)

    class Meta:
        verbose_name = "人员编制情况"
        verbose_name_plural = "人员编制情况"
        ordering = ["unit", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="staffing_one_per_unit_year"),
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="staffing_year_range"),
        ]

    def __str__(self):
        return f"{self.unit} {self.year}年"

    @property
    def control_rate(self) -> Decimal | None:
        """财政供养人员控制率 = 在职 ÷ 编制, as a fraction; None when there is no quota to divide by."""
        if not self.staff_quota:
            return None
        return Decimal(self.staff_actual) / Decimal(self.staff_quota)


class Role(models.TextChoices):
    PREPARER = "preparer", "填表人"
    GROUP_LEADER = "group_leader", "评价组组长"
    UNIT_HEAD = "unit_head", "单位负责人"
    SUPERVISOR = "supervisor", "主管部门审核人"
    FINANCE = "finance", "财政归口业务科室审核人"
    ADMIN = "admin", "管理员"


# Roles that may change a unit's data; every other role reads and signs.
WRITE_ROLES = frozenset({Role.PREPARER, Role.ADMIN})
# Roles that sign a step of the review.
REVIEW_ROLES = (Role.GROUP_LEADER, Role.UNIT_HEAD, Role.SUPERVISOR, Role.FINANCE)

NOT_TO_SELF = "不能委托给自己。"
ENDS_BEFORE_START = "结束日期不能早于开始日期。"
DELEGATE_NOT_REVIEWER = (
    "受托人须是本单位或其主管部门的审签人员（评价组组长、单位负责人、主管部门或财政归口业务科室审核人）。"
)
DELEGATE_WRITES = "受托人在本单位有填报或管理权限：填报与审签须由不同的人承担，不能委托给他。"


class Membership(models.Model):
    """A person's role in a unit. A membership in a 主管部门 reaches its subordinate units too."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色", max_length=20, choices=Role)
    title = models.CharField("职务/职称", max_length=50, blank=True)

    class Meta:
        verbose_name = "单位成员"
        verbose_name_plural = "单位成员"
        ordering = ["unit", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class Deadline(models.Model):
    """The date by which a region's units must have their assessment of a year finalised."""

    region = models.ForeignKey(Region, verbose_name="行政区划", on_delete=models.CASCADE, related_name="deadlines")
    year = models.PositiveSmallIntegerField("自评年度")
    due = models.DateField("截止日期")

    class Meta:
        verbose_name = "截止日期"
        verbose_name_plural = "截止日期"
        ordering = ["-year", "region"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="deadline_one_per_region_year")]

    def __str__(self):
        return f"{self.region} {self.year}年度 {self.due:%Y-%m-%d}"


class Delegation(models.Model):
    """A reviewer lets someone else sign their step for a while; the record then says "B 代 A"."""

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="委托人", on_delete=models.CASCADE, related_name="delegations_given"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="受托人", on_delete=models.CASCADE, related_name="delegations_received"
    )
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="delegations")
    role = models.CharField("角色", max_length=20, choices=Role)
    starts = models.DateField("开始日期")
    ends = models.DateField("结束日期")

    class Meta:
        verbose_name = "审签委托"
        verbose_name_plural = "审签委托"
        ordering = ["-starts"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gte=models.F("starts")), name="delegation_ends_after_start"),
            models.CheckConstraint(condition=~Q(delegator=models.F("delegate")), name="delegation_not_to_self"),
        ]

    def __str__(self):
        return f"{self.delegate} 代 {self.delegator}（{self.get_role_display()}，{self.starts}—{self.ends}）"

    def refusal(self) -> str | None:
        """Why this delegation may not exist, or None. Separation of duties: the delegate reviews in the unit (its
        主管部门, or a unit below it that the delegation reaches) already, and never fills any of them in; that they never sign two steps of one assessment, nor one
        they submitted, is checked when they sign (assessments.workflow.services.acting_for)."""
        if self.delegate_id == self.delegator_id:
            return NOT_TO_SELF
        if self.ends is not None and self.starts is not None and self.ends < self.starts:
            return ENDS_BEFORE_START
        # The unit, the units above it (its 主管部门) and those below it that the delegation reaches.
        around = Q(unit_id__in=[self.unit_id, *(unit.pk for unit in self.unit.ancestors())])
        below = Q(unit__parent_id=self.unit_id) | Q(unit__parent__parent_id=self.unit_id)
        memberships = Membership.objects.filter(around | below, user_id=self.delegate_id)
        roles = set(memberships.values_list("role", flat=True))
        if roles & WRITE_ROLES:
            return DELEGATE_WRITES
        if not roles & set(REVIEW_ROLES):
            return DELEGATE_NOT_REVIEWER
        return None

    def clean(self):
        if self.delegate_id and self.delegator_id and self.unit_id:
            refusal = self.refusal()
            if refusal:
                raise ValidationError(refusal)
