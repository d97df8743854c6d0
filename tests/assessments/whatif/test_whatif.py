"""指标体系试算: an assessment or a project under another framework version, side by side, with its Excel file; and a
region-year run over every unit. Nothing stored changes; strangers get 404."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.frameworks import Form
from assessments.models import Assessment, IndicatorRow, Project, WhatIfRun
from scoring.models import FrameworkVersion
from tests.assessments.projects.test_projects import seed_001_project
from units.models import Membership, Role


def version(code: str) -> FrameworkVersion:
    return FrameworkVersion.objects.filter(framework__code=code).order_by("-version").first()


def whatif_url(assessment, **params):
    url = reverse("assessments:whatif", args=[assessment.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


@pytest.fixture
def project(assessment):
    return seed_001_project(assessment)


def test_a_stranger_gets_404(client, charlie, assessment):
    client.force_login(charlie)
    assert client.get(whatif_url(assessment)).status_code == 404
    url = reverse("assessments:whatif_download", args=[assessment.pk])
    assert client.get(url + f"?version={version('mof-2021-core').pk}").status_code == 404


@pytest.mark.parametrize("persona", ["alice", "bob", "dave"])
def test_preparers_and_reviewers_see_a_project_under_101(client, request, assessment, project, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(whatif_url(assessment, version=version("mof-2021-core").pk, project=project.pk))
    assert response.status_code == 200
    html = response.content.decode()
    # 11 of 12 (91.67 %) on a weight of 10: 9.17 by the 10号 linear rule, (91.67 % − 60 %) ÷ 40 % × 10 = 7.92 by 101号
    assert "开展老干党支部学习活动" in html
    assert "9.17 / 10.00" in html
    assert "7.92 / 10.00" in html
    assert "-1.25" in html
    # what 101号 needs and the project lacks, by name
    assert "项目是否完成" in html
    assert 'id="whatif-lacking"' in html


def test_the_project_completed_field_feeds_the_101_execution_rule(client, alice, assessment, project):
    Project.objects.filter(pk=project.pk).update(completed=True)
    client.force_login(alice)
    html = client.get(whatif_url(assessment, version=version("mof-2021-core").pk, project=project.pk)).content.decode()
    assert "项目是否完成" not in html.split('id="whatif-lines"')[1].split("</table>")[0]
    assert "10.00 / 10.00" in html


def test_the_whole_assessment_under_another_framework(client, bob, assessment):
    client.force_login(bob)
    response = client.get(whatif_url(assessment, version=version("hunan-overall").pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="whatif-totals"' in html
    assert "湖南" in html or version("hunan-overall").name in html


def test_nothing_stored_changes(client, alice, assessment, project):
    before = Assessment.objects.values().get(pk=assessment.pk)
    rows = list(IndicatorRow.objects.filter(assessment=assessment).values())
    client.force_login(alice)
    client.get(whatif_url(assessment, version=version("mof-2021-core").pk, project=project.pk))
    client.get(
        reverse("assessments:whatif_download", args=[assessment.pk])
        + f"?version={version('mof-2021-core').pk}&project={project.pk}"
    )
    assert Assessment.objects.values().get(pk=assessment.pk) == before
    assert list(IndicatorRow.objects.filter(assessment=assessment).values()) == rows


def test_the_excel_download_holds_the_same_comparison(client, alice, assessment, project):
    client.force_login(alice)
    response = client.get(
        reverse("assessments:whatif_download", args=[assessment.pk])
        + f"?version={version('mof-2021-core').pk}&project={project.pk}"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    line = next(row for row in rows if row[1] == "开展老干党支部学习活动")
    # Written from the Decimal's text: the cell holds 9.17, not a float's binary neighbour.
    assert (line[3], line[6], line[8]) == (9.17, 7.92, -1.25)
    assert any(row[0] == "对比体系需要而数据中缺少的" for row in rows)


@pytest.mark.parametrize("name", ["=1+2", '＝HYPERLINK("http://x.example","点此")'])
def test_a_name_starting_like_a_formula_is_text_in_the_workbook(client, alice, assessment, project, name):
    IndicatorRow.objects.filter(project=project).update(name=name)
    client.force_login(alice)
    response = client.get(
        reverse("assessments:whatif_download", args=[assessment.pk])
        + f"?version={version('mof-2021-core').pk}&project={project.pk}"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == name)
    # Text, and quoted so that it stays text when someone edits the cell (the full-width ＝ of Chinese input too).
    assert (cell.data_type, cell.quotePrefix) == ("s", True)


def test_the_assessment_pages_link_to_the_whatif(client, alice, assessment):
    client.force_login(alice)
    html = client.get(reverse("assessments:tab", args=[assessment.pk, "basic"])).content.decode()
    assert whatif_url(assessment) in html


# --- a region-year -------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_user(django_user_model, unit):
    user = django_user_model.objects.create_user(username="root-admin", password="secret-pass-123")
    Membership.objects.create(user=user, unit=unit.parent, role=Role.ADMIN)
    return user


def test_a_region_year_run_counts_grade_changes_and_the_indicators_that_move(client, admin_user, assessment, project):
    client.force_login(admin_user)
    response = client.post(
        reverse("whatif:index"),
        {
            "region": assessment.unit.region.pk,
            "year": 2022,
            "form": Form.PROJECT,
            "version": version("mof-2021-core").pk,
        },
    )
    run = WhatIfRun.objects.get()
    assert response.status_code == 302
    assert run.status == WhatIfRun.Status.DONE  # the immediate task backend ran it
    summary = run.result["summary"]
    assert summary["count"] == 1
    assert summary["shifts"][0]["name"] == "数量指标"
    assert Decimal(summary["shifts"][0]["mean"]) == Decimal("-1.25")
    assert any("项目是否完成" in name for name in summary["lacking"])
    html = client.get(reverse("whatif:run", args=[run.pk])).content.decode()
    assert 'id="whatif-summary"' in html and "数量指标" in html
    workbook = load_workbook(io.BytesIO(client.get(reverse("whatif:download", args=[run.pk])).content))
    assert workbook.sheetnames == ["汇总", "逐份"]
    detail = list(workbook["逐份"].iter_rows(values_only=True))
    assert detail[1][1] == "甲单位" and detail[1][4] == "离退休老干部业务专项资金"


def test_the_region_run_is_for_administrators_only(client, alice, bob, assessment):
    client.force_login(bob)
    assert client.get(reverse("whatif:index")).status_code == 403


def test_another_administrators_run_is_404(client, admin_user, django_user_model, assessment, project):
    run = WhatIfRun.objects.create(
        region=assessment.unit.region,
        year=2022,
        form=Form.PROJECT,
        other_version=version("mof-2021-core"),
        requested_by=admin_user,
    )
    intruder = django_user_model.objects.create_user(username="other-admin", password="secret-pass-123")
    Membership.objects.create(user=intruder, unit=assessment.unit, role=Role.ADMIN)
    client.force_login(intruder)
    assert client.get(reverse("whatif:run", args=[run.pk])).status_code == 404


def test_a_region_year_run_of_the_overall_form_records_each_assessment(admin_user, assessment):
    from assessments.whatif.services import region_run_start

    run = region_run_start(
        user=admin_user,
        region=assessment.unit.region.parent,
        year=2022,
        form=Form.OVERALL,
        other=version("hunan-overall"),
    )
    assert run.status == WhatIfRun.Status.DONE and run.total == 1 and run.done == 1
    (row,) = run.result["rows"]
    assert row["unit"] == "甲单位" and row["project"] == ""
    assert row["base_framework"].startswith(version("mof-2020-selfeval").name)
    assert run.result["summary"]["count"] == 1
