"""The 项目 tab: the list of 项目支出绩效自评表 (附件1-3) with their scores, adding and deleting a project, and the
project table itself — funds block, goals, unit-written indicator rows — saved, refused and scored live."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import AuditEvent, IndicatorRow, Project
from assessments.projects.forms import NAME_REQUIRED
from assessments.services import assessment_create
from tests.html_forms import form_data
from units.models import Membership, Role


def list_url(assessment):
    return reverse("assessments:projects", args=[assessment.pk])


def project_url(project, action=""):
    name = f"assessments:project_{action}" if action else "assessments:project"
    return reverse(name, args=[project.assessment_id, project.pk])


def make_project(assessment, name="离退休老干部业务专项资金", **values) -> Project:
    return Project.objects.create(
        assessment=assessment,
        position=1,
        name=name,
        supervising_department="株洲市人民政府",
        implementing_unit="株洲市行业办公室",
        **values,
    )


def seed_001_project(assessment) -> Project:
    """Seed 001's 附件1-3 离退休老干部业务专项资金: 38 / 38 / 38, and its 开展老干党支部学习活动 row."""
    project = make_project(
        assessment,
        fiscal_budget_initial=Decimal(38),
        fiscal_budget_full_year=Decimal(38),
        fiscal_spending_actual=Decimal(38),
        goal_planned="按年初计划组织离退休老干部开展活动",
        goal_achieved="达到预期目标",
    )
    IndicatorRow.objects.create(
        assessment=assessment,
        project=project,
        position=1,
        group_code="quantity",
        name="开展老干党支部学习活动",
        weight=Decimal(10),
        kind=IndicatorRow.Kind.QUANTITATIVE,
        target_value="每月一次",
        target_comparator=">=",
        target_number=Decimal(12),
        actual_value="11次",
        actual_number=Decimal(11),
        deviation_reason="疫情影响未能开展活动",
    )
    return project


def load(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response.content.decode())


def add_row(data, group, **values):
    """What the page's 添加 button adds: one more form in the row formset, under its level-2 group."""
    index = int(data["row-TOTAL_FORMS"])
    data["row-TOTAL_FORMS"] = str(index + 1)
    data[f"row-{index}-group_code"] = group
    data[f"row-{index}-ORDER"] = str(index + 1)
    for name, value in values.items():
        data[f"row-{index}-{name}"] = value
    return index


# --- the list ---------------------------------------------------------------------------------------------------


def test_the_list_shows_each_project_with_its_funds_execution_rate_and_score(client, alice, assessment):
    project = seed_001_project(assessment)
    client.force_login(alice)
    response = client.get(list_url(assessment))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-current="page" href="' + list_url(assessment) in html  # the 项目 tab is the active one
    assert project_url(project) in html
    assert "离退休老干部业务专项资金" in html
    assert "38.00" in html
    assert "100.00%" in html
    # 执行率 10 + 9.17 for its one row: the other blocks have no rows, so the sheet is incomplete, with no grade.
    assert "19.17（暂计）" in html
    assert '<span class="badge grade">' not in html


def test_the_list_says_when_there_is_no_project_yet(client, alice, assessment):
    client.force_login(alice)
    html = client.get(list_url(assessment)).content.decode()
    assert "尚未添加项目" in html


def test_the_add_form_starts_with_the_supervising_department_and_the_unit(client, alice, assessment):
    client.force_login(alice)
    html = client.get(list_url(assessment)).content.decode()
    assert 'value="甲主管部门"' in html
    assert 'value="甲单位"' in html


def test_adding_a_project_opens_its_table(client, alice, assessment):
    client.force_login(alice)
    version = assessment.lock_version
    response = client.post(
        reverse("assessments:project_add", args=[assessment.pk]),
        {
            "lock_version": version,
            "project-name": "全市工业经济运行调度专项资金",
            "project-supervising_department": "株洲市人民政府",
            "project-implementing_unit": "株洲市行业办公室",
        },
    )
    project = Project.objects.get(assessment=assessment)
    assert response.status_code == 302
    assert response.url == project_url(project)
    assert project.name == "全市工业经济运行调度专项资金"
    assert project.supervising_department == "株洲市人民政府"
    assert project.position == 1
    assert AuditEvent.objects.get(assessment=assessment, action="project_add").action_label == (
        "添加项目“全市工业经济运行调度专项资金”"
    )
    assessment.refresh_from_db()
    assert assessment.lock_version == version + 1
    assert assessment.updated_by == alice


def test_a_project_without_a_name_is_refused_next_to_the_field_keeping_what_was_typed(client, alice, assessment):
    client.force_login(alice)
    response = client.post(
        reverse("assessments:project_add", args=[assessment.pk]),
        {"lock_version": assessment.lock_version, "project-name": "  ", "project-implementing_unit": "甲单位机关"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert NAME_REQUIRED in html
    assert 'value="甲单位机关"' in html
    assert not Project.objects.exists()


def test_a_stale_add_is_refused_and_keeps_the_name(client, alice, assessment):
    client.force_login(alice)
    response = client.post(
        reverse("assessments:project_add", args=[assessment.pk]),
        {"lock_version": assessment.lock_version - 1 if assessment.lock_version else 99, "project-name": "新项目"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "您的修改未保存" in html
    assert 'value="新项目"' in html
    assert not Project.objects.exists()


def test_deleting_a_project_removes_its_rows_too(client, alice, assessment):
    project = seed_001_project(assessment)
    client.force_login(alice)
    html = client.get(list_url(assessment)).content.decode()
    assert project_url(project, "delete") in html
    assert "确定删除项目“离退休老干部业务专项资金”及其全部绩效指标吗？" in html
    response = client.post(project_url(project, "delete"), {"lock_version": assessment.lock_version})
    assert response.status_code == 302
    assert response.url == list_url(assessment)
    assert not Project.objects.exists()
    assert not IndicatorRow.objects.filter(project_id=project.pk).exists()
    assert IndicatorRow.objects.filter(assessment=assessment, project=None).exists()  # the 自评表's rows stay
    assert AuditEvent.objects.filter(assessment=assessment, action="project_delete").exists()


def test_a_stale_delete_is_refused(client, alice, assessment):
    project = seed_001_project(assessment)
    client.force_login(alice)
    response = client.post(project_url(project, "delete"), {"lock_version": 99}, follow=True)
    assert "您的修改未保存" in response.content.decode()
    assert Project.objects.filter(pk=project.pk).exists()


# --- access -----------------------------------------------------------------------------------------------------


def test_stranger_gets_404_everywhere(client, charlie, assessment):
    project = seed_001_project(assessment)
    client.force_login(charlie)
    assert client.get(list_url(assessment)).status_code == 404
    response = client.get(project_url(project))
    assert response.status_code == 404
    assert "离退休老干部" not in response.content.decode()
    assert client.post(project_url(project), {}).status_code == 404
    assert client.post(project_url(project, "preview"), {}).status_code == 404
    assert client.post(project_url(project, "delete"), {"lock_version": 0}).status_code == 404
    assert client.post(reverse("assessments:project_add", args=[assessment.pk]), {}).status_code == 404
    assert Project.objects.filter(pk=project.pk).exists()


def test_read_only_member_sees_disabled_inputs_and_cannot_write(client, alice, bob, assessment):
    project = seed_001_project(assessment)
    client.force_login(alice)
    data = load(client, project_url(project))
    client.force_login(bob)
    html = client.get(project_url(project)).content.decode()
    assert "您对这份自评只有查看权限" in html
    assert "project-fiscal_budget_full_year" in html
    assert "project-fiscal_budget_full_year" not in form_data(html)  # disabled: a browser would not send it
    assert "data-add-row" not in html
    listing = client.get(list_url(assessment)).content.decode()
    assert "添加项目" not in listing and project_url(project, "delete") not in listing
    assert client.post(project_url(project), data).status_code == 403
    assert client.post(project_url(project, "delete"), {"lock_version": 0}).status_code == 403
    add = client.post(reverse("assessments:project_add", args=[assessment.pk]), {"project-name": "x"})
    assert add.status_code == 403
    assert Project.objects.count() == 1


def test_a_project_of_another_assessment_is_a_404(client, alice, assessment, unit):
    other_year = assessment_create(unit=unit, year=2023, user=alice)
    project = seed_001_project(other_year)
    client.force_login(alice)
    for name in ("assessments:project", "assessments:project_delete", "assessments:project_preview"):
        url = reverse(name, args=[assessment.pk, project.pk])
        response = client.get(url) if name == "assessments:project" else client.post(url, {"lock_version": 0})
        assert response.status_code == 404
    assert Project.objects.filter(pk=project.pk).exists()


# --- the project table ------------------------------------------------------------------------------------------


def test_the_table_is_laid_out_like_attachment_1_3(client, alice, assessment):
    project = seed_001_project(assessment)
    client.force_login(alice)
    html = client.get(project_url(project)).content.decode()
    for label in (
        "项目支出名称",
        "主管部门",
        "实施单位",
        "项目资金",
        "年度资金总额",
        "其中：当年财政拨款",
        "上年结转资金",
    ):
        assert label in html
    for label in ("其他资金", "年初预算数", "全年预算数", "全年执行数", "年度总体目标", "预期目标", "实际完成情况"):
        assert label in html
    for label in ("产出指标", "数量指标", "效益指标", "满意度指标", "服务对象满意度指标", "总分"):
        assert label in html
    assert form_data(html)["row-0-name"] == "开展老干党支部学习活动"
    assert "按年初计划组织离退休老干部开展活动" in html


def test_seed_001_project_scores_100_percent_execution_and_the_proportional_row(client, alice, assessment):
    project = seed_001_project(assessment)
    client.force_login(alice)
    html = client.get(project_url(project)).content.decode()
    assert '<span id="c-funds-budget_full_year">38.00</span>' in html
    assert '<span id="c-funds-spending_actual">38.00</span>' in html
    assert '<span id="c-execution_rate">100.00%</span>' in html
    assert '<span id="c-execution_points">10.00</span>' in html
    # 11 of 12 (每月一次) by the proportional rule: 11 ÷ 12 × 10 = 9.1666… → 9.17 (the seed gave it 10).
    assert '<span id="c-row-0-points">9.17</span>' in html
    assert "11 ÷ 12 = 91.67%" in html
    assert '<span id="c-sub-quantity">9.17</span>' in html


def test_saving_the_table_accepts_full_width_digits(client, alice, assessment):
    project = make_project(assessment)
    client.force_login(alice)
    data = load(client, project_url(project))
    data["project-fiscal_budget_full_year"] = "１２３．４５"
    data["project-carryover_budget_full_year"] = "1,000万元"
    data["project-goal_planned"] = "做好离退休老干部服务工作"
    response = client.post(project_url(project), data)
    assert response.status_code == 302
    assert response.url == project_url(project)
    project.refresh_from_db()
    assert project.fiscal_budget_full_year == Decimal("123.45")
    assert project.carryover_budget_full_year == Decimal("1000.00")
    assert project.goal_planned == "做好离退休老干部服务工作"
    html = client.get(project_url(project)).content.decode()
    assert '<span id="c-funds-budget_full_year">1,123.45</span>' in html  # the 年度资金总额 row is their sum
    event = AuditEvent.objects.get(assessment=assessment, action="project_save")
    assert event.user == alice
    assert {
        "where": "项目“离退休老干部业务专项资金”·当年财政拨款·全年预算数",
        "old": "（空）",
        "new": "123.45",
    } in event.changes


def test_a_bad_amount_is_explained_next_to_its_field_and_nothing_typed_is_lost(client, alice, assessment):
    project = make_project(assessment)
    client.force_login(alice)
    data = load(client, project_url(project))
    data["project-fiscal_budget_full_year"] = "abc"
    data["project-fiscal_spending_actual"] = "19.89"
    data["project-goal_achieved"] = "达到预期目标"
    index = add_row(data, "quantity", name="老干住院慰问率", target_value="100%", actual_value="100%", weight="10")
    response = client.post(project_url(project), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<div class="invalid-feedback d-block">请填写金额（万元），如 1,234.56。</div>' in html
    assert html.index("请填写金额（万元）") > html.index('name="project-fiscal_budget_full_year"')
    after = form_data(html)
    assert after["project-fiscal_budget_full_year"] == "abc"
    assert after["project-fiscal_spending_actual"] == "19.89"
    assert after["project-goal_achieved"] == "达到预期目标"
    assert after[f"row-{index}-name"] == "老干住院慰问率"
    assert after[f"row-{index}-group_code"] == "quantity"
    project.refresh_from_db()
    assert project.fiscal_spending_actual is None
    assert not IndicatorRow.objects.filter(project=project).exists()


def test_a_stale_save_is_refused_naming_who_saved_and_keeps_the_input(
    client, alice, assessment, django_user_model, unit
):
    project = make_project(assessment)
    erin = django_user_model.objects.create_user("erin", first_name="王芳", password="secret-pass-123")
    Membership.objects.create(user=erin, unit=unit, role=Role.PREPARER)
    client.force_login(alice)
    stale = load(client, project_url(project))
    client.force_login(erin)
    theirs = load(client, project_url(project))
    theirs["project-goal_planned"] = "王芳写的目标"
    assert client.post(project_url(project), theirs).status_code == 302
    client.force_login(alice)
    stale["project-goal_planned"] = "我写的目标"
    stale["project-fiscal_budget_full_year"] = "20"
    response = client.post(project_url(project), stale)
    html = response.content.decode()
    assert response.status_code == 200
    assert "王芳已于" in html and "您的修改未保存" in html
    after = form_data(html)
    assert after["project-goal_planned"] == "我写的目标"
    assert after["project-fiscal_budget_full_year"] == "20"
    project.refresh_from_db()
    assert project.goal_planned == "王芳写的目标"


def test_indicator_rows_are_added_moved_and_deleted_through_the_formset(client, alice, assessment):
    project = make_project(assessment)
    client.force_login(alice)
    data = load(client, project_url(project))
    first = add_row(data, "quantity", name="老干住院慰问率", target_value="100%", actual_value="100%", weight="10")
    second = add_row(
        data, "social", name="提升老干幸福感，归属感", target_value="100%", actual_value="95%", weight="30"
    )
    assert client.post(project_url(project), data).status_code == 302
    rows = list(IndicatorRow.objects.filter(project=project))
    assert [(r.name, r.group_code, r.position) for r in rows] == [
        ("老干住院慰问率", "quantity", first + 1),
        ("提升老干幸福感，归属感", "social", second + 1),
    ]
    assert all(row.assessment_id == assessment.pk for row in rows)
    assert rows[0].target_number == Decimal(100)  # read from "100%" (no comparator written: the engine reads ≥)

    # Move the second row up, then delete the first.
    data = load(client, project_url(project))
    data["row-0-ORDER"], data["row-1-ORDER"] = "2", "1"
    assert client.post(project_url(project), data).status_code == 302
    assert list(IndicatorRow.objects.filter(project=project).values_list("name", flat=True)) == [
        "提升老干幸福感，归属感",
        "老干住院慰问率",
    ]
    data = load(client, project_url(project))
    data["row-1-DELETE"] = "on"
    assert client.post(project_url(project), data).status_code == 302
    assert list(IndicatorRow.objects.filter(project=project).values_list("name", flat=True)) == [
        "提升老干幸福感，归属感"
    ]
    assert IndicatorRow.objects.filter(assessment=assessment, project=None).count() == 1  # the 自评表's own rows


def test_rows_of_another_project_cannot_be_changed_through_the_formset(client, alice, assessment):
    mine, other = make_project(assessment), seed_001_project(assessment)
    theirs = IndicatorRow.objects.get(project=other)
    client.force_login(alice)
    data = load(client, project_url(mine))
    index = add_row(data, "quantity", name="改名", weight="10")
    data[f"row-{index}-id"] = str(theirs.pk)
    data["row-INITIAL_FORMS"] = "1"
    client.post(project_url(mine), data)
    theirs.refresh_from_db()
    assert theirs.name == "开展老干党支部学习活动"


def test_saving_before_leaving_for_another_tab_goes_there(client, alice, assessment):
    project = make_project(assessment)
    client.force_login(alice)
    data = load(client, project_url(project))
    data["next"] = reverse("assessments:tab", args=[assessment.pk, "narrative"])
    response = client.post(project_url(project), data)
    assert response.status_code == 302
    assert response.url == data["next"]


def test_the_live_preview_scores_what_is_typed_without_saving(client, alice, assessment):
    project = seed_001_project(assessment)
    client.force_login(alice)
    data = load(client, project_url(project))
    data["project-fiscal_spending_actual"] = "19"
    data["row-0-actual_number"] = "12"
    response = client.post(project_url(project, "preview"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span id="c-execution_rate" hx-swap-oob="true">50.00%</span>' in html
    assert '<span id="c-execution_points" hx-swap-oob="true">5.00</span>' in html
    assert '<span id="c-row-0-points" hx-swap-oob="true">10.00</span>' in html
    assert 'id="score-panel" hx-swap-oob="true"' in html
    assert 'id="project-findings" hx-swap-oob="true"' in html
    project.refresh_from_db()
    assert project.fiscal_spending_actual == Decimal(38)


def test_a_read_only_member_may_preview_but_nothing_is_saved(client, bob, assessment):
    project = seed_001_project(assessment)
    client.force_login(bob)
    response = client.post(project_url(project, "preview"), {"project-name": "x", "row-TOTAL_FORMS": "0"})
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.name == "离退休老干部业务专项资金"


@pytest.mark.parametrize("rows", [1, 10])
def test_the_project_page_takes_the_same_number_of_queries_whatever_its_rows(
    client, alice, assessment, rows, django_assert_num_queries
):
    project = make_project(assessment, fiscal_budget_full_year=Decimal(20), fiscal_spending_actual=Decimal("19.89"))
    IndicatorRow.objects.bulk_create(
        IndicatorRow(
            assessment=assessment,
            project=project,
            position=i,
            group_code="quantity",
            name=f"指标{i}",
            weight=Decimal(5),
            target_value="100%",
            actual_value="100%",
        )
        for i in range(1, rows + 1)
    )
    client.force_login(alice)
    client.get(project_url(project))  # warm the framework cache, as in a running server
    # session, user, assessment (with the access check), project, rows, the explanations of its 提示 (the framework
    # version is cached)
    with django_assert_num_queries(6):
        response = client.get(project_url(project))
    assert response.status_code == 200
    assert response.content.decode().count("data-form-row") == rows + 1  # + the empty row's template


@pytest.mark.parametrize("projects", [1, 6])
def test_the_list_takes_the_same_number_of_queries_whatever_its_projects(
    client, alice, assessment, projects, django_assert_num_queries
):
    for _ in range(projects):
        seed_001_project(assessment)
    client.force_login(alice)
    client.get(list_url(assessment))
    # session, user, assessment (with the access check, facts and staffing, the framework assignments of the
    # region-year, and the narrative and the stored explanations the score panel's count of the checks reads),
    # institutions, special funds, rows, projects
    with django_assert_num_queries(7):
        response = client.get(list_url(assessment))
    assert response.content.decode().count('data-bs-target="#delete-project-') == projects
