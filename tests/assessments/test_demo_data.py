"""The demo assessments built by `manage.py load_demo` from fixtures/demo/assessments.yaml: stored as the seeds print
them, scored from stored rows to the golden figures of domain.md §5, flagged where the seeds contradict themselves,
and loaded again without change."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command

from assessments.demo import load_demo_assessments
from assessments.models import Assessment, Facts, IndicatorRow, Institution, NarrativeSection, Project, SpecialFund
from assessments.selectors import assessment_data
from assessments.sheets import score_project
from scoring.adapters import framework_spec
from scoring.models import Framework

ZHUZHOU, FUTIAN, TAOJIANG = "430200-101", "440304-101", "430922-101"
DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo" / "assessments.yaml"


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())
    return {a.unit.code: a for a in Assessment.objects.select_related("unit", "framework_version__framework")}


def scored(assessment):
    return assessment_data(assessment).scored()


def project_sheets(assessment) -> dict:
    data = assessment_data(assessment)
    spec = framework_spec(Framework.objects.get(code="mof-2020-selfeval").latest_version())
    return {
        project.name: score_project(project, spec=spec, rows=[r for r in data.rows if r.project_id == project.pk])
        for project in data.projects
    }


def messages(findings, code):
    return [finding.message for finding in findings if finding.code == code]


def test_each_demo_unit_has_its_seed_years_assessment_with_its_regions_framework(demo):
    found = {code: (a.year, a.framework_version.framework.code) for code, a in demo.items()}
    assert found == {
        ZHUZHOU: (2022, "mof-2020-selfeval"),
        FUTIAN: (2021, "futian-common-2021"),
        TAOJIANG: (2024, "mof-2020-selfeval"),
    }
    assert demo[ZHUZHOU].updated_by.username == "zz-preparer"
    assert demo[ZHUZHOU].lock_version == 0


def test_the_demo_carries_the_seeds_own_figures(demo):
    facts = Facts.objects.get(assessment=demo[ZHUZHOU])
    assert (facts.budget_initial, facts.budget_full_year, facts.spending_actual) == (
        Decimal("1661.61"),
        Decimal("2707.46"),
        Decimal("2681.55"),
    )
    assert list(
        SpecialFund.objects.filter(assessment=demo[ZHUZHOU]).values_list("name", "prior", "budget", "actual")
    ) == [("全市工业经济运行调度专项", None, Decimal("20.00"), Decimal("20.00"))]
    own = Institution.objects.get(assessment=demo[ZHUZHOU])
    assert own.name == "株洲市行业办公室（本级）"
    assert (own.spending_personnel, own.spending_public, own.spending_project) == (
        Decimal("2355.31"),
        Decimal("254.36"),
        Decimal("71.98"),
    )
    futian = Institution.objects.get(assessment=demo[FUTIAN])
    assert (futian.fixed_assets_in_use, futian.fixed_assets_other) == (Decimal("246.93"), Decimal("251.74"))
    assert assessment_data(demo[FUTIAN]).fact_sheet().values["fixed_assets_total"] == Decimal("498.67")
    row = IndicatorRow.objects.get(assessment=demo[ZHUZHOU], project=None, name="开展老干党支部学习活动")
    assert (row.group_code, row.weight, row.target_comparator, row.target_number, row.actual_number) == (
        "quantity",
        Decimal("6.00"),
        ">=",
        Decimal("12"),
        Decimal("11"),
    )
    assert row.deviation_reason == "疫情影响未能开展活动"
    assert list(Project.objects.filter(assessment=demo[ZHUZHOU]).values_list("name", flat=True)) == [
        "离退休老干部业务专项资金",
        "全市工业经济运行调度专项资金",
    ]
    assert list(Project.objects.filter(assessment=demo[TAOJIANG]).values_list("name", flat=True)) == [
        "军转干部、退役参战人员医疗保险费"
    ]
    futian_keys = set(NarrativeSection.objects.filter(assessment=demo[FUTIAN]).values_list("key", flat=True))
    assert futian_keys == {"basic_info", "duty_performance", "evaluation", "scoring"}
    section = NarrativeSection.objects.get(assessment=demo[FUTIAN], key="scoring")
    assert "96.98" in section.body


# --- golden figures (domain.md §5) ---------------------------------------------------------------------------------


def test_seed_001_execution_99_04_percent_scores_9_90_and_eleven_of_twelve_scores_5_50(demo):
    sheet = scored(demo[ZHUZHOU]).sheet
    execution = sheet.line("budget_execution")
    assert execution.points == Decimal("9.90")
    assert execution.explanation == "预算执行率 = 2681.55 ÷ 2707.46 = 99.04% → 9.90 分"
    assert sheet.line("开展老干党支部学习活动").points == Decimal("5.50")
    assert sheet.total == Decimal("99.40")  # the seed prints 99.9 with the 11-of-12 row at full marks


def test_seed_003_scores_96_97_by_its_own_rules(demo):
    sheet = scored(demo[FUTIAN]).sheet
    assert sheet.total == Decimal("96.97")  # the seed prints 96.98
    assert sheet.grade == "优"
    assert sheet.line("政府采购执行情况").points == Decimal("1.99")
    assets = sheet.line("固定资产利用率")
    assert assets.points == Decimal("0.00")
    assert "246.93 ÷ 498.67 = 49.52%" in assets.explanation
    public_funds = sheet.line("公用经费控制率")
    assert [part.points for part in public_funds.parts] == [Decimal(3), Decimal(2)]
    assert "95.27%" in public_funds.parts[1].explanation
    # The inputs the seed omits are entered as the printed scores with a reason.
    assert sheet.line("预算执行率").points == Decimal("5.98")
    assert sheet.line("公众或服务对象满意度").points == Decimal("6.00")
    assert sheet.subtotals["decision"] == Decimal("19.00")
    assert sheet.subtotals["management"] == Decimal("18.99")
    assert sheet.subtotals["performance"] == Decimal("58.98")


def test_seed_004_execution_99_45_percent_scores_9_95(demo):
    sheet = scored(demo[TAOJIANG]).sheet
    execution = sheet.line("budget_execution")
    assert execution.points == Decimal("9.95")
    assert "90.94 ÷ 91.44 = 99.45%" in execution.explanation
    assert sheet.total == Decimal("98.95")  # the seed prints 98.94; its printed items add up to 88.95


def test_project_tables_score_by_the_rules(demo):
    zhuzhou = project_sheets(demo[ZHUZHOU])
    activities = zhuzhou["离退休老干部业务专项资金"].sheet
    assert activities.line("开展老干党支部学习活动").points == Decimal("9.17")
    # No 满意度 row in the seed's table: its rows weigh 90 of 100, so 89.17 is not a final total.
    assert (activities.total, activities.scored_total) == (None, Decimal("89.17"))
    dispatch = zhuzhou["全市工业经济运行调度专项资金"].sheet
    assert dispatch.line("budget_execution").points == Decimal("9.95")  # 19.89 ÷ 20 = 99.45 %, printed 9.9
    assert dispatch.total == Decimal("99.95")  # printed 99.9
    insurance = project_sheets(demo[TAOJIANG])["军转干部、退役参战人员医疗保险费"].sheet
    assert insurance.total == Decimal("99.00")


# --- the seeds' contradictions, flagged ----------------------------------------------------------------------------


def test_seed_001_contradictions_are_flagged(demo):
    result = scored(demo[ZHUZHOU])
    # 人员经费 2355.31 + 日常公用经费 254.36 = 2609.67, not the printed 基本支出 2609.57.
    assert messages(result.findings, "spending_nature_sum") == [
        "全年执行数 2681.55 ≠ 各项之和 2681.65（基本支出 2609.67 + 项目支出 71.98）"
    ]
    assert "balance_mismatch" in [f.code for f in result.errors]
    # 附件1-1's 项目支出 is computed from its rows: 38 + 0 + 20 = 58, where the seed prints 38 (and its narrative 71.98).
    values = result.fact_sheet.values
    assert (values["project_funds_prior"], values["project_funds_budget"], values["project_funds_actual"]) == (
        Decimal("62.00"),
        Decimal("58.00"),
        Decimal("58.00"),
    )
    assert values["spending_project"] == Decimal("71.98")
    activities = project_sheets(demo[ZHUZHOU])["离退休老干部业务专项资金"]
    assert "“满意度指标”下各三级指标分值之和为 0，应为 10" in messages(activities.findings, "weights_mismatch")


def test_seed_004_contradictions_are_flagged(demo):
    result = scored(demo[TAOJIANG])
    weights = messages(result.findings, "weights_mismatch")
    assert "“产出指标”下各三级指标分值之和为 40，应为 50" in weights
    assert "“满意度指标”下各三级指标分值之和为 20，应为 10" in weights
    codes = [f.code for f in result.warnings]
    assert "procurement_over_budget" in codes
    assert "public_funds_over_budget" in codes
    # 工资福利 48.28 + 对个人和家庭的补助 24.98 + 公用经费 17.67 are the whole 90.94, not the 基本支出 89.69.
    assert messages(result.findings, "spending_nature_sum") == [
        "全年执行数 90.94 ≠ 各项之和 92.18（基本支出 90.93 + 项目支出 1.25）"
    ]


def test_seed_003_has_no_blocking_finding(demo):
    assert scored(demo[FUTIAN]).errors == []


# --- loading again ---------------------------------------------------------------------------------------------------


def _counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def _snapshot():
    """Every stored demo value, without ids and timestamps (recreated rows get new ids)."""
    skip = {"id", "created_at", "updated_at", "assessment", "project"}
    snapshot = {}
    for model in (Assessment, Facts, Institution, SpecialFund, Project, IndicatorRow, NarrativeSection):
        names = [field.attname for field in model._meta.concrete_fields if field.name not in skip]
        if model is not Assessment:
            names.append("assessment__unit__code")
        if model is IndicatorRow:
            names.append("project__name")
        snapshot[model.__name__] = sorted(model.objects.values_list(*names), key=repr)
    return snapshot


def _scores():
    totals = {}
    for assessment in Assessment.objects.all():
        totals[assessment.unit.code] = scored(assessment).sheet.total
        for name, project in project_sheets(assessment).items():
            totals[name] = project.sheet.total
    return totals


def test_loading_the_demo_twice_gives_the_same_data_and_scores(demo):
    counts, snapshot, scores = _counts(), _snapshot(), _scores()
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == counts
    assert _snapshot() == snapshot
    assert _scores() == scores
    assert counts["assessments.Assessment"] == 3
    assert counts["assessments.Project"] == 3


def test_loading_restores_a_demo_assessment_that_was_edited(demo):
    snapshot = _snapshot()
    assessment = demo[TAOJIANG]
    IndicatorRow.objects.filter(assessment=assessment, project=None, group_code="").update(score=1)
    IndicatorRow.objects.create(assessment=assessment, group_code="quantity", name="多出的一行", weight=5)
    Facts.objects.filter(assessment=assessment).update(budget_full_year=Decimal("1.00"), spending_q1=Decimal("2.00"))
    Project.objects.filter(assessment=assessment).delete()
    call_command("load_demo", stdout=io.StringIO())
    assert _snapshot() == snapshot


def test_amounts_written_as_yaml_floats_are_refused(demo):
    data = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))
    data[ZHUZHOU]["facts"]["budget_full_year"] = 2707.46
    users = get_user_model().objects.in_bulk(field_name="username")
    with pytest.raises(ValidationError, match="带引号的文本"):
        load_demo_assessments(data, users=users)
