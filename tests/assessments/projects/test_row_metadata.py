"""The 101号 row metadata and 项目是否完成: stored from the project table's form, passed to the engine (so a
framework that requires them reports the rows without them), and 历史标准 rows offered last year's actual and the
three-year average as their target."""

from decimal import Decimal

import pytest
import yaml
from django.urls import reverse

from assessments.models import Assessment, IndicatorRow, Project
from assessments.scores import project_entries, row_entry, score_project
from assessments.selectors import target_suggestions
from assessments.services import assessment_create
from scoring.adapters import FRAMEWORK_DIR, validate_definition
from tests.assessments.projects.test_projects import load, project_url, seed_001_project


@pytest.fixture
def project(assessment):
    return seed_001_project(assessment)


def test_the_project_table_saves_the_metadata_and_completion(client, alice, assessment, project):
    client.force_login(alice)
    data = load(client, project_url(project))
    data["project-completed"] = "true"
    data["row-0-target_basis"] = "history_last_year"
    data["row-0-data_source"] = "business_records"
    data["row-0-actual_method"] = "statistics"
    data["row-0-evidence_types"] = ["formal", "vouchers"]
    response = client.post(project_url(project), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    project.refresh_from_db()
    assert project.completed is True
    row = IndicatorRow.objects.get(project=project)
    assert (row.target_basis, row.data_source, row.actual_method) == (
        "history_last_year",
        "business_records",
        "statistics",
    )
    assert row.evidence_types == ["formal", "vouchers"]
    html = client.get(project_url(project)).content.decode()
    assert "指标信息 ✓" in html and "指标值设定依据" in html


def test_the_engine_gets_the_metadata_and_completion(assessment, project):
    row = IndicatorRow.objects.get(project=project)
    IndicatorRow.objects.filter(pk=row.pk).update(target_basis="plan", evidence_types=["formal"])
    row.refresh_from_db()
    entry = row_entry(row)
    assert (entry.target_basis, entry.evidence) == ("plan", ("formal",))
    spec = validate_definition(yaml.safe_load((FRAMEWORK_DIR / "mof-2021-core.yaml").read_text(encoding="utf-8")))
    project.completed = False
    entries = project_entries(project, spec=spec, rows=[row])
    assert entries[0].code == "budget_execution" and entries[0].project_completed is False


def test_a_framework_requiring_metadata_reports_the_rows_without_it(assessment, project):
    definition = yaml.safe_load((FRAMEWORK_DIR / "mof-2021-core.yaml").read_text(encoding="utf-8"))
    definition["required_metadata"] = ["target_basis", "data_source"]
    spec = validate_definition(definition)
    rows = list(IndicatorRow.objects.filter(project=project))
    found = [f for f in score_project(project, spec=spec, rows=rows).findings if f.code == "metadata_missing"]
    assert [f.message for f in found] == ["“开展老干党支部学习活动”未填写：指标值设定依据、数据来源"]
    IndicatorRow.objects.filter(project=project).update(target_basis="plan", data_source="business_records")
    rows = list(IndicatorRow.objects.filter(project=project))
    assert not [f for f in score_project(project, spec=spec, rows=rows).findings if f.code == "metadata_missing"]


def _year(unit, user, year, actual):
    """The unit's assessment of ``year`` with the project's row actually reaching ``actual``."""
    assessment = Assessment.objects.filter(unit=unit, year=year).first() or assessment_create(
        unit=unit, year=year, user=user
    )
    project = Project.objects.create(assessment=assessment, name="离退休老干部业务专项资金")
    IndicatorRow.objects.create(
        assessment=assessment,
        project=project,
        group_code="quantity",
        name="开展老干党支部学习活动",
        weight=Decimal(10),
        kind="quantitative",
        actual_number=Decimal(actual),
    )
    return assessment


def test_a_history_based_row_is_offered_last_years_actual_and_the_three_year_average(frameworks, unit, alice):
    current = assessment_create(unit=unit, year=2025, user=alice)
    project = Project.objects.create(assessment=current, name="离退休老干部业务专项资金")
    row = IndicatorRow.objects.create(
        assessment=current,
        project=project,
        group_code="quantity",
        name="开展老干党支部学习活动",
        weight=Decimal(10),
        kind="quantitative",
        target_basis="history_average",
        target_comparator=">=",
    )
    _year(unit, alice, 2024, 12)
    _year(unit, alice, 2023, 10)
    found = {s.basis: s.value for s in target_suggestions(current, [row])[row.pk]}
    assert found == {"history_last_year": Decimal(12), "history_extreme": Decimal(12)}  # no average of two years
    _year(unit, alice, 2022, 11)
    found = {s.basis: s.value for s in target_suggestions(current, [row])[row.pk]}
    assert found["history_average"] == Decimal(11)
    assert found["history_last_year"] == Decimal(12)


def test_a_row_on_another_basis_gets_no_suggestion_and_costs_no_query(assessment, project, django_assert_num_queries):
    rows = list(IndicatorRow.objects.filter(project=project))
    with django_assert_num_queries(0):
        assert target_suggestions(assessment, rows) == {}


def test_the_suggestion_shows_on_the_project_table(client, frameworks, unit, alice):
    current = assessment_create(unit=unit, year=2025, user=alice)
    project = Project.objects.create(assessment=current, name="离退休老干部业务专项资金")
    IndicatorRow.objects.create(
        assessment=current,
        project=project,
        group_code="quantity",
        name="开展老干党支部学习活动",
        weight=Decimal(10),
        kind="quantitative",
        target_basis="history_last_year",
    )
    _year(unit, alice, 2024, 12)
    client.force_login(alice)
    html = client.get(reverse("assessments:project", args=[current.pk, project.pk])).content.decode()
    assert "建议指标值" in html and "2024年实际完成值" in html


def test_the_report_shows_a_rows_metadata(client, alice, assessment, project):
    IndicatorRow.objects.filter(project=project).update(
        target_basis="plan", data_source="business_records", evidence_types=["formal", "vouchers"]
    )
    client.force_login(alice)
    html = client.get(reverse("assessments:report", args=[assessment.pk])).content.decode()
    assert "指标值设定依据：计划标准；数据来源：部门业务记录；佐证资料：正式资料、原始凭证" in html
