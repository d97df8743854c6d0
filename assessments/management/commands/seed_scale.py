"""A scale data set for measuring the list pages: regions, 主管部门 and N units with their staffing, people in
every role, and one assessment per unit and year with realistic contents in a mix of workflow states.

    manage.py seed_scale --units 5000 --years 3          # the figures in bench/RESULTS.md
    manage.py seed_scale --units 5000 --years 3 --reset  # delete the scale data and build it again

Everything is written with bulk_create (the workflow services would take hours for 15,000 assessments); finalised
assessments get the same snapshot document the workflow freezes. Codes and usernames start with BENCH-SCALE /
bench-scale- and regions with 99, so the set lives beside the demo data. Running it again without --reset leaves an
existing set as it is. Every password is `perfeval-bench`."""

import random
import time
from collections import Counter
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from assessments.frozen import guards_lifted
from assessments.layouts import layout_for
from assessments.models import (
    Assessment,
    AssessmentSummary,
    AuditEvent,
    EvaluationMember,
    ExportItem,
    Facts,
    IndicatorRow,
    Institution,
    NarrativeSection,
    Notification,
    Project,
    PublishedReport,
    Reminder,
    ReScore,
    ReviewComment,
    SignOff,
    Snapshot,
    SpecialFund,
    document_sha256,
)
from assessments.overview.selectors import current_assessment_year
from assessments.selectors import AssessmentData
from assessments.snapshots import assessment_document
from assessments.stored_summaries import refresh_summaries
from assessments.workflow.services import STEPS
from scoring.models import Framework
from units.models import Deadline, Delegation, Membership, Region, Role, Staffing, Unit

PREFIX = "BENCH-SCALE"
USER_PREFIX = "bench-scale-"
REGION_PREFIX = "99"
PASSWORD = "perfeval-bench"
CITIES = ("基准市", "长丰市", "安澜市", "清源市", "永宁市")
COUNTIES = ("东城区", "西城区", "南山县", "北湖县")
DEPARTMENTS = (
    "教育局", "卫生健康委员会", "民政局", "财政局", "人力资源和社会保障局", "自然资源局", "生态环境局",
    "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化旅游广电局", "应急管理局",
    "市场监督管理局", "统计局", "医疗保障局", "退役军人事务局", "林业局", "机关事务管理局",
)  # fmt: skip
UNIT_KINDS = (
    "服务中心", "事务中心", "老干部活动中心", "社区服务指导中心", "信息中心", "技术推广站", "培训中心",
    "档案馆", "综合执法大队", "研究所",
)  # fmt: skip
CHUNK = 250  # units per batch: their assessments and rows are built, written and forgotten together
STEP_CODES = ("group_leader", "unit_head", "supervisor", "finance")
# Share of each state by age of the year (oldest first): most old assessments are final, the newest mostly open.
STATE_MIX = {
    "old": {"final": 0.88, "in_review": 0.04, "returned": 0.03, "draft": 0.05},
    "middle": {"final": 0.65, "in_review": 0.15, "returned": 0.05, "draft": 0.15},
    "new": {"final": 0.08, "in_review": 0.35, "returned": 0.10, "draft": 0.47},
}
# The unit-written rows of 附件1-2 (财预〔2020〕10号): group, name, weight, kind, target text and number.
ROW_PLAN = (
    [("quantity", name, 3) for name in ("开展专题培训", "完成业务指导", "走访慰问服务对象", "组织集中学习", "印发宣传资料",
                                          "办理群众来信来访", "组织专项检查", "开展志愿服务活动")]
    + [("quality", name, 4) for name in ("服务对象覆盖率", "资料归档完整率", "检查问题整改率", "业务办理准确率")]
    + [("timeliness", name, 5) for name in ("资金拨付及时率", "任务按期完成率")]
    + [("social", name, 4) for name in ("服务对象获得感提升", "政策知晓率", "社会影响力", "群众投诉下降率", "示范带动作用")]
    + [("sustainability", name, 5) for name in ("长效机制建立", "制度建设完善")]
    + [("recipient_satisfaction", name, 5) for name in ("服务对象满意度", "社会公众满意度")]
)  # fmt: skip
PROJECT_ROWS = (
    ("quantity", "完成项目任务数", 20),
    ("quality", "项目验收合格率", 10),
    ("timeliness", "项目按期完成率", 10),
    ("cost", "成本控制率", 10),
    ("social", "受益群众覆盖率", 20),
    ("sustainability", "项目持续发挥作用", 10),
    ("recipient_satisfaction", "受益对象满意度", 10),
)
NARRATIVE = {
    "basic_info": "（一）主要职能。贯彻执行国家和省有关法律法规和方针政策，承担本行业的公共服务职能。"
    "（二）机构设置情况。内设综合科、业务一科、业务二科、财务科 4 个科室。（三）人员情况。见附件1-1。",
    "general_budget": "（一）基本支出情况：主要用于人员经费和日常公用经费。（二）项目支出情况：主要用于业务专项。",
    "government_funds": "本单位无政府性基金预算支出。",
    "state_capital": "本单位无国有资本经营预算支出。",
    "social_insurance": "本单位无社会保险基金预算支出。",
    "use_and_performance": "资金使用规范，严格执行预算，年度绩效目标基本完成。",
    "problems": "部分绩效指标设置不够细化，量化程度有待提高。",
    "improvements": "进一步完善绩效指标体系，加强预算执行进度管理。",
    "results_use": "自评结果已在单位门户网站公开，并作为下年度预算安排的参考。",
    "other": "",
}


def money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Command(BaseCommand):
    help = "Build the scale data set for the performance benchmarks (bench/scale.py)."

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=5000, help="budget units (default 5000)")
        parser.add_argument("--years", type=int, default=3, help="assessment years per unit (default 3)")
        parser.add_argument("--departments", type=int, default=0, help="主管部门 (default: one per 50 units)")
        parser.add_argument("--reset", action="store_true", help="delete an existing scale data set first")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (the same seed gives the same data)")

    def handle(self, *args, units, years, departments, reset, seed, **options):
        if units < 1 or years < 1:
            raise CommandError("--units 和 --years 必须大于 0。")
        started = time.perf_counter()
        existing = Unit.objects.filter(code__startswith=f"{PREFIX}-U").count()
        if existing and not reset:
            if existing != units:
                raise CommandError(f"已有 {existing} 个规模测试单位（要求 {units} 个）：请加 --reset 重新生成。")
            self.stdout.write(f"规模测试数据已存在（{existing} 个单位），未做修改；加 --reset 重新生成。")
            return
        if reset:
            removed = delete_scale_data()
            self.stdout.write(f"已删除原有规模测试数据（{removed} 行），用时 {time.perf_counter() - started:.1f} 秒。")
        if not Framework.objects.filter(code="mof-2020-selfeval").exists():
            call_command("load_frameworks", stdout=self.stdout)
        seeder = Seeder(units=units, years=years, departments=departments or max(1, units // 50), seed=seed)
        seeder.run(progress=self.stdout.write)
        if connection.vendor == "postgresql":
            # Planner statistics for the new rows now, not whenever autovacuum gets there: with none, PostgreSQL
            # takes the 15,000 assessments of a year for a few dozen and picks nested loops over them.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.perf_counter() - started
        # The dashboard's stored summaries, as they stand once people have worked with the data: computed here once
        # rather than by the first dashboard request.
        summarising = time.perf_counter()
        summarised = len(refresh_summaries(Assessment.objects.filter(unit__code__startswith=PREFIX)))
        if connection.vendor == "postgresql":
            # The summaries are written after the ANALYZE above: without statistics of their own, PostgreSQL took a
            # year's 15,000 lines for a few hundred when planning the dashboard's grouped counts.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(AssessmentSummary._meta.db_table)}")
        summarising = time.perf_counter() - summarising
        self.stdout.write("已生成规模测试数据：")
        for label, count in seeder.counts.items():
            self.stdout.write(f"  {label:<16}{count:>10,}")
        states = ", ".join(f"{label} {n:,}" for label, n in sorted(seeder.states.items()))
        self.stdout.write(f"  自评状态：{states}")
        self.stdout.write(
            f"登录：{USER_PREFIX}admin（超级用户）、{USER_PREFIX}c1-admin（基准市管理员）、{USER_PREFIX}finance"
            f"（全部主管部门的财政审核人）、{USER_PREFIX}d001-supervisor、{USER_PREFIX}u00001-preparer；"
            f"密码 {PASSWORD}"
        )
        self.stdout.write(
            f"用时 {elapsed:.1f} 秒；另用 {summarising:.1f} 秒计算 {summarised:,} 份自评的概要（管理看板用）。"
        )


def delete_scale_data() -> int:
    """Everything seed_scale wrote, children first, in bulk (the collector would load every row)."""
    units = Unit.objects.filter(code__startswith=PREFIX)
    assessments = Assessment.objects.filter(unit__in=units)
    users = get_user_model().objects.filter(username__startswith=USER_PREFIX)
    removed = 0
    # Final assessments of the scale set are deleted and rewritten wholesale: the database's guards are lifted for
    # this maintenance only, inside the transaction.
    with guards_lifted():
        for queryset in (
            ExportItem.objects.filter(assessment__in=assessments),
            AssessmentSummary.objects.filter(assessment__in=assessments),
            Notification.objects.filter(assessment__in=assessments),
            AuditEvent.objects.filter(assessment__in=assessments),
            SignOff.objects.filter(assessment__in=assessments),
            ReScore.objects.filter(assessment__in=assessments),
            ReviewComment.objects.filter(assessment__in=assessments),
            Reminder.objects.filter(assessment__in=assessments),
            PublishedReport.objects.filter(snapshot__assessment__in=assessments),
            Snapshot.objects.filter(assessment__in=assessments),
            IndicatorRow.objects.filter(assessment__in=assessments),
            Project.objects.filter(assessment__in=assessments),
            Facts.objects.filter(assessment__in=assessments),
            Institution.objects.filter(assessment__in=assessments),
            SpecialFund.objects.filter(assessment__in=assessments),
            NarrativeSection.objects.filter(assessment__in=assessments),
            EvaluationMember.objects.filter(assessment__in=assessments),
            assessments,
            Deadline.objects.filter(region__code__startswith=REGION_PREFIX),
            Delegation.objects.filter(unit__in=units),
            Membership.objects.filter(unit__in=units),
            Staffing.objects.filter(unit__in=units),
            units.filter(kind=Unit.Kind.UNIT),
            units,
            users,
        ):
            # _raw_delete: one DELETE per table; Snapshot.delete() refuses on purpose, and nothing else hangs on these.
            removed += queryset._raw_delete(queryset.db)
        for level in (Region.Level.COUNTY, Region.Level.CITY, Region.Level.PROVINCE):
            regions = Region.objects.filter(code__startswith=REGION_PREFIX, level=level)
            removed += regions._raw_delete(regions.db)
    return removed


class Seeder:
    def __init__(self, *, units: int, years: int, departments: int, seed: int):
        self.unit_count, self.departments_count = units, min(departments, units)
        last = current_assessment_year()
        self.years = list(range(last - years + 1, last + 1))
        self.rng = random.Random(seed)
        self.counts: Counter[str] = Counter()
        self.states: Counter[str] = Counter()
        self.password = make_password(PASSWORD)
        self.now = timezone.now()

    # --- structure ---------------------------------------------------------------------------------------------

    def run(self, progress) -> None:
        with transaction.atomic():
            self.build_regions()
            self.build_departments()
            self.build_units()
            self.build_people()
        self.framework = Framework.objects.get(code="mof-2020-selfeval").latest_version()
        self.project_framework = Framework.objects.get(
            code=layout_for(self.units[0]).project_framework_code
        ).latest_version()
        tick = time.perf_counter()
        for start in range(0, len(self.units), CHUNK):
            with guards_lifted():
                self.build_assessments(self.units[start : start + CHUNK])
            if time.perf_counter() - tick > 10:
                progress(f"  … {min(start + CHUNK, len(self.units)):,} / {len(self.units):,} 个单位")
                tick = time.perf_counter()

    def build_regions(self) -> None:
        province = Region.objects.create(
            code=f"{REGION_PREFIX}0000", name="基准省", level=Region.Level.PROVINCE, report_layout=Region.Layout.HUNAN
        )
        self.cities, self.counties = [], {}
        for c, name in enumerate(CITIES, 1):
            city = Region.objects.create(
                code=f"{REGION_PREFIX}{c:02d}00", name=name, level=Region.Level.CITY, parent=province
            )
            self.cities.append(city)
            self.counties[city.pk] = Region.objects.bulk_create(
                Region(code=f"{REGION_PREFIX}{c:02d}{k:02d}", name=n, level=Region.Level.COUNTY, parent=city)
                for k, n in enumerate(COUNTIES, 1)
            )
        for county in self.counties.values():
            for region in county:
                region.parent = next(city for city in self.cities if city.pk == region.parent_id)
        for city in self.cities:
            city.parent = province
        self.counts["行政区划"] = 1 + len(self.cities) * (1 + len(COUNTIES))
        # Deadlines: the province's for every year; two cities give their units longer for the newest year.
        due = [Deadline(region=province, year=year, due=date(year + 1, 5, 31)) for year in self.years]
        due += [
            Deadline(region=city, year=self.years[-1], due=date.today() + timedelta(days=30))
            for city in self.cities[:2]
        ]
        Deadline.objects.bulk_create(due)
        self.counts["截止日期"] = len(due)

    def build_departments(self) -> None:
        departments = []
        for d in range(self.departments_count):
            city = self.cities[d % len(self.cities)]
            name = DEPARTMENTS[d // len(self.cities) % len(DEPARTMENTS)]
            repeat = d // (len(self.cities) * len(DEPARTMENTS))
            departments.append(
                Unit(
                    code=f"{PREFIX}-D{d + 1:03d}",
                    name=f"{city.name}{name}" + (f"（{repeat + 1}）" if repeat else ""),
                    kind=Unit.Kind.DEPARTMENT,
                    region=city,
                )
            )
        self.departments = Unit.objects.bulk_create(departments)
        self.counts["主管部门"] = len(self.departments)

    def build_units(self) -> None:
        units = []
        for n in range(1, self.unit_count + 1):
            department = self.departments[(n - 1) % len(self.departments)]
            city = department.region
            region = city if n % 3 == 0 else self.counties[city.pk][n % len(COUNTIES)]
            kind = UNIT_KINDS[n % len(UNIT_KINDS)]
            short = department.name.removeprefix(city.name)
            units.append(
                Unit(
                    code=f"{PREFIX}-U{n:05d}",
                    name=f"{city.name}{'' if region is city else region.name}{short}{kind}（{n:05d}）",
                    kind=Unit.Kind.UNIT,
                    parent=department,
                    region=region,
                    contact_person=f"联系人{n:05d}",
                    contact_phone=f"0731-{8000000 + n}",
                    functions="贯彻执行有关法律法规和政策。\n承担本行业公共服务工作。\n完成上级交办的其他事项。",
                    internal_structure="综合科\n业务一科\n业务二科\n财务科",
                )
            )
        self.units = Unit.objects.bulk_create(units, batch_size=2000)
        self.counts["单位"] = len(self.units)
        staffing = []
        for unit in self.units:
            quota = self.rng.randint(8, 120)
            for year in [self.years[0] - 1, *self.years]:
                actual = max(1, quota - self.rng.randint(0, max(1, quota // 8)))
                staffing.append(
                    Staffing(
                        unit=unit,
                        year=year,
                        staff_quota=quota,
                        staff_actual=actual,
                        staff_agency=self.rng.randint(0, 5),
                        veteran_retirees=self.rng.randint(0, 3),
                        retirees=self.rng.randint(0, quota),
                    )
                )
        Staffing.objects.bulk_create(staffing, batch_size=5000)
        self.staffing = {(s.unit_id, s.year): s for s in staffing}
        self.counts["人员编制"] = len(staffing)

    def build_people(self) -> None:
        User = get_user_model()
        users, memberships = [], []

        def person(username: str, full_name: str, **extra):
            user = User(
                username=f"{USER_PREFIX}{username}",
                first_name=full_name,
                password=self.password,
                email="",
                **extra,
            )
            users.append(user)
            return user

        per_unit = (
            ("preparer", Role.PREPARER, "填表人"),
            ("leader", Role.GROUP_LEADER, "组长"),
            ("head", Role.UNIT_HEAD, "负责人"),
        )
        unit_people = {}
        for n, unit in enumerate(self.units, 1):
            unit_people[unit.pk] = {
                role: (person(f"u{n:05d}-{suffix}", f"{label}{n:05d}"), unit) for suffix, role, label in per_unit
            }
        supervisors = {
            d.pk: person(f"d{n:03d}-supervisor", f"主管审核{n:03d}") for n, d in enumerate(self.departments, 1)
        }
        city_finance = {c.pk: person(f"c{n}-finance", f"{c.name}财政审核") for n, c in enumerate(self.cities, 1)}
        finance = person("finance", "省财政审核")
        city_admins = {c.pk: person(f"c{n}-admin", f"{c.name}管理员") for n, c in enumerate(self.cities, 1)}
        person("admin", "规模测试超级用户", is_superuser=True, is_staff=True)
        User.objects.bulk_create(users, batch_size=5000)
        self.counts["用户"] = len(users)

        for people in unit_people.values():
            memberships += [Membership(user=user, unit=unit, role=role) for role, (user, unit) in people.items()]
        for department in self.departments:
            memberships += [
                Membership(user=supervisors[department.pk], unit=department, role=Role.SUPERVISOR),
                Membership(user=city_finance[department.region_id], unit=department, role=Role.FINANCE),
                Membership(user=finance, unit=department, role=Role.FINANCE),
                Membership(user=city_admins[department.region_id], unit=department, role=Role.ADMIN),
            ]
        Membership.objects.bulk_create(memberships, batch_size=5000)
        self.counts["角色"] = len(memberships)
        self.unit_people = {
            pk: {role: user for role, (user, _) in people.items()} for pk, people in unit_people.items()
        }
        self.step_holders = {
            "supervisor": lambda unit: [supervisors[unit.parent_id]],
            "finance": lambda unit: [city_finance[unit.parent.region_id], finance],
        }
        self.signers = {
            "group_leader": lambda unit: self.unit_people[unit.pk][Role.GROUP_LEADER],
            "unit_head": lambda unit: self.unit_people[unit.pk][Role.UNIT_HEAD],
            "supervisor": lambda unit: supervisors[unit.parent_id],
            "finance": lambda unit: city_finance[unit.parent.region_id],
        }

    # --- assessments -------------------------------------------------------------------------------------------

    def pick_state(self, year: int) -> tuple[str, str]:
        age = "new" if year == self.years[-1] else "old" if year == self.years[0] else "middle"
        states, shares = zip(*STATE_MIX[age].items(), strict=True)
        state = self.rng.choices(states, weights=shares)[0]
        step = self.rng.choice(STEP_CODES) if state == "in_review" else ""
        return state, step

    def build_assessments(self, units: list[Unit]) -> None:
        assessments = []
        for unit in units:
            for year in self.years:
                state, step = self.pick_state(year)
                self.states[f"{year} {state}"] += 1
                assessment = Assessment(
                    unit=unit,
                    year=year,
                    status={"final": "final", "in_review": "in_review"}.get(state, "draft"),
                    current_step=step,
                    returned=state == "returned",
                    framework_version=self.framework,
                    goal_planned="做好本单位年度重点工作，保障各项业务正常运行。",
                    goal_achieved="" if state == "draft" else "达到预期目标。",
                    lock_version=self.rng.randint(3, 40),
                    updated_by=self.unit_people[unit.pk][Role.PREPARER],
                )
                assessment.state = state
                assessments.append(assessment)
        Assessment.objects.bulk_create(assessments, batch_size=2000)
        self.counts["自评"] += len(assessments)

        facts, institutions, funds, rows, projects, narrative, members = [], [], [], [], [], [], []
        scales = {unit.pk: Decimal(self.rng.randint(30, 500)) / 100 for unit in units}
        last_year: dict[int, tuple[Facts, SpecialFund]] = {}
        parts = {}
        for assessment in assessments:  # a unit's years oldest first: 上年 columns are last year's 本年决算数
            scale = scales[assessment.unit_id]
            previous = last_year.get(assessment.unit_id)
            fact = self.facts(assessment, scale, previous[0] if previous else None)
            personnel = money(fact.spending_actual * Decimal("0.68"))
            institution = Institution(
                assessment=assessment,
                position=1,
                name=f"{assessment.unit.name}（本级）",
                income_general_budget=fact.spending_actual,
                spending_personnel=personnel,
                spending_public=fact.public_funds_actual,
                spending_project=fact.spending_actual - personnel - fact.public_funds_actual,
                reception_actual=fact.reception_actual,
                vehicle_operation_actual=fact.vehicle_operation_actual,
                vehicle_purchase_actual=fact.vehicle_purchase_actual,
                overseas_travel_actual=fact.overseas_travel_actual,
                fixed_assets_in_use=money(scale * 150),
            )
            fund = SpecialFund(
                assessment=assessment,
                position=1,
                name="业务工作专项资金",
                prior=previous[1].actual if previous else None,
                budget=money(scale * 40),
                actual=money(scale * 40 * Decimal(self.rng.randint(85, 100)) / 100),
            )
            last_year[assessment.unit_id] = (fact, fund)
            own_rows = self.indicator_rows(assessment)
            own_projects = [self.project(assessment, scale, position) for position in (1, 2)]
            facts.append(fact)
            institutions.append(institution)
            funds.append(fund)
            rows += own_rows
            projects += own_projects
            narrative += [
                NarrativeSection(assessment=assessment, key=key, body=body if assessment.state != "draft" else "")
                for key, body in NARRATIVE.items()
            ]
            members += [
                EvaluationMember(
                    assessment=assessment, position=i, name=name, title=title, organisation=assessment.unit.name
                )
                for i, (name, title) in enumerate((("张三", "单位负责人"), ("李四", "财务科科长"), ("王五", "会计")), 1)
            ]
            parts[assessment.pk] = (fact, [institution], [fund], own_rows, own_projects)
        Facts.objects.bulk_create(facts, batch_size=1000)
        Institution.objects.bulk_create(institutions, batch_size=2000)
        SpecialFund.objects.bulk_create(funds, batch_size=2000)
        Project.objects.bulk_create(projects, batch_size=2000)
        project_rows = [row for project in projects for row in self.project_rows(project)]
        IndicatorRow.objects.bulk_create(rows + project_rows, batch_size=5000)
        for row in project_rows:
            parts[row.assessment_id][3].append(row)
        NarrativeSection.objects.bulk_create(narrative, batch_size=5000)
        EvaluationMember.objects.bulk_create(members, batch_size=5000)
        self.counts["基础数据"] += len(facts)
        self.counts["机构收支"] += len(institutions)
        self.counts["专项资金"] += len(funds)
        self.counts["项目"] += len(projects)
        self.counts["指标行"] += len(rows) + len(project_rows)
        self.counts["报告章节"] += len(narrative)
        self.build_workflow(assessments, parts)

    def facts(self, assessment: Assessment, scale: Decimal, previous: Facts | None) -> Facts:
        rng = self.rng
        budget = money(scale * 1000 * Decimal(rng.randint(90, 110)) / 100)
        rate = Decimal(rng.choice((rng.randint(80, 100), rng.randint(95, 100), rng.randint(97, 100)))) / 100
        spending = money(budget * rate)
        public = money(spending * Decimal("0.12"))
        values = {
            "vehicle_purchase_budget": Decimal(0),
            "vehicle_purchase_actual": Decimal(0),
            "vehicle_operation_budget": money(scale * 12),
            "vehicle_operation_actual": money(scale * 12 * Decimal(rng.randint(70, 100)) / 100),
            "overseas_travel_budget": Decimal(0),
            "overseas_travel_actual": Decimal(0),
            "reception_budget": money(scale * Decimal("0.5")),
            "reception_actual": money(scale * Decimal("0.5") * Decimal(rng.randint(0, 100)) / 100),
            "project_business_budget": money(scale * 38),
            "project_business_actual": money(scale * 38 * Decimal(rng.randint(85, 100)) / 100),
            "project_operation_budget": Decimal(0),
            "project_operation_actual": Decimal(0),
            "public_funds_budget": money(public * Decimal("1.1")),
            "public_funds_actual": public,
            "public_office_budget": money(public * Decimal("0.9")),
            "public_office_actual": money(public * Decimal("0.8")),
            "public_utilities_travel_budget": money(public * Decimal("0.1")),
            "public_utilities_travel_actual": money(public * Decimal("0.08")),
            "public_meetings_training_budget": money(public * Decimal("0.02")),
            "public_meetings_training_actual": money(public * Decimal("0.01")),
            "procurement_budget": money(scale * 96),
            "procurement_actual": money(scale * 96 * Decimal(rng.randint(40, 100)) / 100),
            "budget_basic_adjustment_budget": Decimal(0),
            "budget_basic_adjustment_actual": Decimal(0),
            "budget_initial": money(budget * Decimal("0.8")),
            "budget_full_year": budget,
            "spending_actual": spending,
            "budget_general_budget": budget,
            "budget_government_funds": Decimal(0),
            "budget_special_account": Decimal(0),
            "budget_other": Decimal(0),
            "budget_basic": money(budget * Decimal("0.8")),
            "budget_project": budget - money(budget * Decimal("0.8")),
            "spending_q1": money(spending * Decimal("0.2")),
            "spending_q2": money(spending * Decimal("0.45")),
            "spending_q3": money(spending * Decimal("0.7")),
            "spending_q4": spending,
            "satisfaction_recipients_responses": 200,
            "satisfaction_recipients_satisfied": rng.randint(170, 200),
            "key_tasks_planned": 10,
            "key_tasks_completed": rng.randint(8, 10),
        }
        if previous is not None:
            for name in PRIOR_COLUMNS:
                values[f"{name}_prior"] = getattr(previous, f"{name}_actual")
        return Facts(assessment=assessment, **values)

    def indicator_rows(self, assessment: Assessment) -> list[IndicatorRow]:
        rng = self.rng
        rows = [IndicatorRow(assessment=assessment, position=1, code="budget_execution")]
        for position, (group, name, weight) in enumerate(ROW_PLAN, 2):
            row = IndicatorRow(
                assessment=assessment, position=position, group_code=group, name=name, weight=Decimal(weight)
            )
            if group in ("sustainability",) or position % 7 == 0:
                outcome = rng.choice(("achieved", "achieved", "achieved", "partial"))
                row.kind, row.target_value, row.actual_value = "qualitative", "按计划完成", "基本完成"
                row.outcome = outcome
                share = Decimal(rng.randint(85, 100) if outcome == "achieved" else rng.randint(60, 79)) / 100
                row.score = money(weight * share)
            elif group in ("quality", "timeliness", "recipient_satisfaction") or position % 3 == 0:
                actual = Decimal(rng.choice((100, 100, rng.randint(80, 100))))
                row.kind, row.target_value, row.actual_value = "quantitative", "≥95%", f"{actual}%"
                row.target_comparator, row.target_number, row.actual_number = ">=", Decimal(95), actual
            else:
                target = rng.randint(4, 24)
                actual = target if rng.random() < 0.8 else rng.randint(target // 2, target)
                row.kind, row.target_value, row.actual_value = "quantitative", f"≥{target}次", f"{actual}次"
                row.target_comparator, row.target_number, row.actual_number = ">=", Decimal(target), Decimal(actual)
                if actual < target:
                    row.deviation_reason = "部分活动受客观因素影响未能按计划开展，下年度将加强统筹。"
            rows.append(row)
        return rows

    def project(self, assessment: Assessment, scale: Decimal, position: int) -> Project:
        budget = money(scale * (38 if position == 1 else 20))
        return Project(
            assessment=assessment,
            position=position,
            name=("业务工作专项资金" if position == 1 else "信息化建设运行维护经费"),
            supervising_department=assessment.unit.parent.name,
            implementing_unit=assessment.unit.name,
            fiscal_budget_initial=budget,
            fiscal_budget_full_year=budget,
            fiscal_spending_actual=money(budget * Decimal(self.rng.randint(85, 100)) / 100),
            goal_planned="按年初计划完成项目任务。",
            goal_achieved="达到预期目标。",
        )

    def project_rows(self, project: Project) -> list[IndicatorRow]:
        rows = []
        for position, (group, name, weight) in enumerate(PROJECT_ROWS, 1):
            actual = Decimal(self.rng.choice((100, 100, self.rng.randint(85, 100))))
            rows.append(
                IndicatorRow(
                    assessment_id=project.assessment_id,
                    project=project,
                    position=position,
                    group_code=group,
                    name=name,
                    weight=Decimal(weight),
                    kind="quantitative",
                    target_value="≥95%",
                    actual_value=f"{actual}%",
                    target_comparator=">=",
                    target_number=Decimal(95),
                    actual_number=actual,
                )
            )
        return rows

    # --- workflow ----------------------------------------------------------------------------------------------

    def build_workflow(self, assessments: list[Assessment], parts: dict) -> None:
        signoffs, events, snapshots, notifications = [], [], [], []
        for assessment in assessments:
            unit, state = assessment.unit, assessment.state
            if state == "draft":
                continue
            preparer = self.unit_people[unit.pk][Role.PREPARER]
            events.append(self.event(assessment, preparer, "submit", "提交"))
            if state == "returned":
                signoffs.append(self.signoff(assessment, "group_leader", voided=True))
                head = self.signers["unit_head"](unit)
                events.append(
                    self.event(assessment, head, "return", "单位负责人审签：退回至填表人", "请补充偏差原因分析。")
                )
                notifications.append(
                    Notification(user=preparer, assessment=assessment, message=f"{assessment} 被退回修改。")
                )
                continue
            done = STEP_CODES if state == "final" else STEP_CODES[: STEP_CODES.index(assessment.current_step)]
            own = [self.signoff(assessment, code) for code in done]
            signoffs += own
            events += [self.event(assessment, s.signer, "sign", f"{STEPS[s.step].label}：签署", "同意。") for s in own]
            if state == "in_review":
                step = assessment.current_step
                holders = self.step_holders[step](unit) if step in self.step_holders else [self.signers[step](unit)]
                message = f"{assessment} 已提交，等待您{STEPS[step].label}。"
                notifications += [Notification(user=user, assessment=assessment, message=message) for user in holders]
                continue
            snapshot = self.snapshot(assessment, parts[assessment.pk], own)
            snapshots.append(snapshot)
            events.append(
                self.event(assessment, snapshot.created_by, "finalise", "定稿", f"SHA-256：{snapshot.sha256}")
            )
        SignOff.objects.bulk_create(signoffs, batch_size=5000)
        AuditEvent.objects.bulk_create(events, batch_size=5000)
        # One row per INSERT: a batch goes through UNNEST arrays, and quoting 50 KB documents into an array literal
        # costs more than the round trips.
        Snapshot.objects.bulk_create(snapshots, batch_size=1)
        Notification.objects.bulk_create(notifications, batch_size=5000)
        self.counts["签署"] += len(signoffs)
        self.counts["审计记录"] += len(events)
        self.counts["定稿快照"] += len(snapshots)
        self.counts["通知"] += len(notifications)

    def snapshot(self, assessment: Assessment, parts, signoffs: list[SignOff]) -> Snapshot:
        """The document the workflow freezes (assessments.workflow.services._finalise), built from the rows in memory."""
        fact, institutions, funds, rows, projects = parts
        for instance in (fact, *institutions, *funds, *rows, *projects):
            as_stored(instance)
        data = AssessmentData(
            assessment=assessment,
            facts=fact,
            staffing=self.staffing[(assessment.unit_id, assessment.year)],
            institutions=institutions,
            special_funds=funds,
            rows=sorted(rows, key=lambda row: (row.project_id or 0, row.position, row.pk)),
            projects=projects,
        )
        signed_at = self.now.isoformat()
        document = {
            "assessment": self.document(data),
            "signoffs": [
                {
                    "step": s.step,
                    "role": s.role_label,
                    "signer": s.signer_name,
                    "opinion": s.opinion,
                    "signed_at": signed_at,
                }
                for s in signoffs
            ],
        }
        return Snapshot(
            assessment=assessment,
            data=document,
            sha256=document_sha256(document),
            created_by=self.signers["finance"](assessment.unit),
        )

    def document(self, data: AssessmentData) -> dict:
        # Every scale unit scores its projects with the same framework version: looked up once here, where
        # assessment_document would load it (with its whole definition) once per snapshot.
        with mock.patch("assessments.snapshots.project_framework_version", return_value=self.project_framework):
            return assessment_document(data)

    def signoff(self, assessment: Assessment, step: str, voided: bool = False) -> SignOff:
        signer = self.signers[step](assessment.unit)
        return SignOff(
            assessment=assessment,
            step=step,
            signer=signer,
            signer_name=signer.first_name,
            role_label=Role(STEPS[step].role).label,
            opinion="同意。",
            lock_version=assessment.lock_version,
            voided_at=self.now if voided else None,
        )

    @staticmethod
    def event(assessment: Assessment, user, action: str, label: str, detail: str = "") -> AuditEvent:
        return AuditEvent(
            assessment=assessment,
            user=user,
            user_name=user.first_name,
            action=action,
            action_label=label,
            detail=detail,
        )


def as_stored(instance) -> None:
    """Decimals as the database gives them back (with the field's places), so the document is the one the workflow
    would freeze from the stored rows."""
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(field, models.DecimalField) and value is not None:
            setattr(instance, field.attname, value.quantize(Decimal(1).scaleb(-field.decimal_places)))


PRIOR_COLUMNS = tuple(
    field.name.removesuffix("_prior") for field in Facts._meta.concrete_fields if field.name.endswith("_prior")
)
