"""The data-entry tabs: show, save, refuse bad input without losing it, refuse stale saves, preview live."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Facts, IndicatorRow, Institution
from tests.html_forms import form_data

DATA_TABS = ["basic", "finance", "basic-data", "self-eval", "narrative"]


def tab_url(assessment, tab):
    return reverse("assessments:tab", args=[assessment.pk, tab])


def load(client, assessment, tab):
    response = client.get(tab_url(assessment, tab))
    assert response.status_code == 200
    return form_data(response.content.decode())


@pytest.mark.parametrize("tab", [*DATA_TABS, "score"])
def test_preparer_sees_every_tab(client, alice, assessment, tab):
    client.force_login(alice)
    response = client.get(tab_url(assessment, tab))
    assert response.status_code == 200
    assert "2022 年度甲单位部门整体支出绩效自评" in response.content.decode()


@pytest.mark.parametrize("tab", [*DATA_TABS, "score"])
def test_stranger_gets_404_on_every_tab_and_preview(client, charlie, assessment, tab):
    client.force_login(charlie)
    response = client.get(tab_url(assessment, tab))
    assert response.status_code == 404
    assert "甲单位" not in response.content.decode()
    preview = client.post(reverse("assessments:preview", args=[assessment.pk, tab]), {})
    assert preview.status_code == 404


@pytest.mark.parametrize("tab", DATA_TABS)
def test_read_only_member_sees_disabled_inputs_and_cannot_save(client, alice, bob, assessment, tab):
    client.force_login(alice)
    data = load(client, assessment, tab)
    client.force_login(bob)
    html = client.get(tab_url(assessment, tab)).content.decode()
    assert "您对这份自评只有查看权限" in html
    assert form_data(html).keys() <= {"csrfmiddlewaretoken", "lock_version", "next"} | {
        k for k in data if k.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"))
    }
    assert client.post(tab_url(assessment, tab), data).status_code == 403


def test_unknown_tab_is_a_404(client, alice, assessment):
    client.force_login(alice)
    assert client.get(tab_url(assessment, "nope")).status_code == 404


def test_basic_data_accepts_full_width_digits_and_separators(client, alice, assessment):
    client.force_login(alice)
    data = load(client, assessment, "basic-data")
    data["facts-reception_budget"] = "０．５"
    data["facts-public_funds_actual"] = "1,234.56万元"
    response = client.post(tab_url(assessment, "basic-data"), data)
    assert response.status_code == 302
    facts = Facts.objects.get(assessment=assessment)
    assert facts.reception_budget == Decimal("0.50")
    assert facts.public_funds_actual == Decimal("1234.56")


def test_a_bad_amount_is_explained_next_to_its_field_and_nothing_typed_is_lost(client, alice, assessment):
    client.force_login(alice)
    data = load(client, assessment, "basic-data")
    data["facts-reception_budget"] = "abc"
    data["facts-public_funds_actual"] = "250.31"
    data["facts-austerity_measures"] = "严控三公经费"
    response = client.post(tab_url(assessment, "basic-data"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "请填写金额（万元），如 1,234.56。" in html
    assert 'value="abc"' in html
    assert 'value="250.31"' in html
    assert "严控三公经费" in html
    assert Facts.objects.get(assessment=assessment).public_funds_actual is None


def test_a_negative_amount_is_refused_where_it_makes_no_sense(client, alice, assessment):
    client.force_login(alice)
    data = load(client, assessment, "basic-data")
    data["facts-reception_actual"] = "-1"
    html = client.post(tab_url(assessment, "basic-data"), data).content.decode()
    assert "金额不能为负数。" in html


def test_a_stale_save_is_refused_naming_who_saved_and_keeps_the_input(
    client, alice, assessment, django_user_model, unit
):
    from units.models import Membership, Role

    erin = django_user_model.objects.create_user(username="erin", first_name="赵会计", password="x")
    Membership.objects.create(user=erin, unit=unit, role=Role.PREPARER)
    client.force_login(alice)
    stale = load(client, assessment, "basic-data")
    client.force_login(erin)
    fresh = load(client, assessment, "basic-data")
    fresh["facts-reception_budget"] = "1.00"
    assert client.post(tab_url(assessment, "basic-data"), fresh).status_code == 302

    client.force_login(alice)
    stale["facts-reception_budget"] = "2.00"
    stale["facts-austerity_measures"] = "我写的措施"
    response = client.post(tab_url(assessment, "basic-data"), stale)
    html = response.content.decode()
    assert response.status_code == 200
    assert "赵会计已于" in html and "您的修改未保存" in html
    assert 'value="2.00"' in html and "我写的措施" in html
    assert Facts.objects.get(assessment=assessment).reception_budget == Decimal("1.00")


def test_finance_tab_computes_the_summary_of_the_institutions(client, alice, assessment):
    client.force_login(alice)
    data = load(client, assessment, "finance")
    data.update({"inst-0-carryover_start": "10", "inst-0-income_general_budget": "2681.55"})
    data.update({"inst-0-spending_personnel": "2355.31", "inst-0-spending_public": "254.36"})
    data.update({"inst-0-spending_project": "71.98"})
    # A second institution added in the page.
    data.update({"inst-TOTAL_FORMS": "2", "inst-1-name": "二级机构甲", "inst-1-income_other": "5", "inst-1-ORDER": "2"})
    assert client.post(tab_url(assessment, "finance"), data).status_code == 302
    assert Institution.objects.filter(assessment=assessment).count() == 2
    html = client.get(tab_url(assessment, "finance")).content.decode()
    assert 'id="c-summary-income_total">2,696.55<' in html  # 10 + 2681.55 + 5
    assert 'id="c-summary-spending_basic">2,609.67<' in html
    assert 'id="c-summary-carryover_end">14.90<' in html  # 2696.55 − (2609.67 + 71.98)


def test_self_eval_scores_the_seed_001_rows_as_typed(client, alice, assessment):
    client.force_login(alice)
    data = load(client, assessment, "self-eval")
    data.update({"facts-budget_initial": "1661.61", "facts-budget_full_year": "2707.46"})
    data["facts-spending_actual"] = "2681.55"
    rows = int(data["row-TOTAL_FORMS"])
    data.update(
        {
            "row-TOTAL_FORMS": str(rows + 1),
            f"row-{rows}-group_code": "quantity",
            f"row-{rows}-name": "开展老干党支部学习活动",
            f"row-{rows}-weight": "6",
            f"row-{rows}-kind": "quantitative",
            f"row-{rows}-target_value": "每月一次",
            f"row-{rows}-target_comparator": ">=",
            f"row-{rows}-target_number": "12",
            f"row-{rows}-actual_value": "11次",
            f"row-{rows}-deviation_reason": "疫情影响未能开展活动",
            f"row-{rows}-ORDER": str(rows + 1),
        }
    )
    preview = client.post(reverse("assessments:preview", args=[assessment.pk, "self-eval"]), data)
    text = preview.content.decode()
    assert 'id="c-execution_rate" hx-swap-oob="true">99.04%<' in text
    assert 'id="c-execution_points" hx-swap-oob="true">9.90<' in text
    assert f'id="c-row-{rows}-points" hx-swap-oob="true">5.50<' in text
    assert not IndicatorRow.objects.filter(name="开展老干党支部学习活动").exists()  # a preview saves nothing

    assert client.post(tab_url(assessment, "self-eval"), data).status_code == 302
    row = IndicatorRow.objects.get(name="开展老干党支部学习活动")
    assert (row.group_code, row.target_number, row.actual_number) == ("quantity", Decimal("12"), Decimal("11"))
    html = client.get(tab_url(assessment, "self-eval")).content.decode()
    assert "5.50" in html and "99.04%" in html


def test_the_target_text_is_read_into_number_and_comparator(client, alice, assessment):
    client.force_login(alice)
    data = load(client, assessment, "self-eval")
    rows = int(data["row-TOTAL_FORMS"])
    data.update(
        {
            "row-TOTAL_FORMS": str(rows + 1),
            f"row-{rows}-group_code": "recipient_satisfaction",
            f"row-{rows}-name": "老干服务满意度",
            f"row-{rows}-weight": "10",
            f"row-{rows}-kind": "quantitative",
            f"row-{rows}-target_value": "≥９０％",
            f"row-{rows}-actual_value": "96%",
        }
    )
    assert client.post(tab_url(assessment, "self-eval"), data).status_code == 302
    row = IndicatorRow.objects.get(name="老干服务满意度")
    assert (row.target_comparator, row.target_number, row.actual_number) == (">=", Decimal("90"), Decimal("96"))


def test_a_unit_row_without_name_or_weight_is_explained_and_kept(client, alice, assessment):
    client.force_login(alice)
    data = load(client, assessment, "self-eval")
    rows = int(data["row-TOTAL_FORMS"])
    data.update(
        {"row-TOTAL_FORMS": str(rows + 1), f"row-{rows}-group_code": "quality", f"row-{rows}-target_value": "合规"}
    )
    html = client.post(tab_url(assessment, "self-eval"), data).content.decode()
    assert "请填写三级指标名称。" in html and "请填写分值。" in html
    assert 'value="合规"' in html


def test_rows_can_be_reordered_and_removed(client, alice, assessment):
    for position, name in enumerate(["甲", "乙", "丙"], start=1):
        IndicatorRow.objects.create(
            assessment=assessment, group_code="quantity", name=name, weight=2, kind="quantitative", position=position
        )
    client.force_login(alice)
    data = load(client, assessment, "self-eval")
    names = {key: value for key, value in data.items() if key.endswith("-name")}
    index = {value: key.split("-")[1] for key, value in names.items()}
    data[f"row-{index['甲']}-ORDER"], data[f"row-{index['丙']}-ORDER"] = "30", "10"
    data[f"row-{index['乙']}-DELETE"] = "on"
    assert client.post(tab_url(assessment, "self-eval"), data).status_code == 302
    remaining = list(IndicatorRow.objects.filter(assessment=assessment, group_code="quantity").order_by("position"))
    assert [row.name for row in remaining] == ["丙", "甲"]


def test_narrative_sections_are_saved(client, alice, assessment):
    client.force_login(alice)
    data = load(client, assessment, "narrative")
    data["basic_info"] = "（一）主要职能。为离退休老干部服务。"
    assert client.post(tab_url(assessment, "narrative"), data).status_code == 302
    assert assessment.narrative_sections.get(key="basic_info").body == "（一）主要职能。为离退休老干部服务。"


def test_saving_a_tab_and_leaving_goes_to_the_chosen_tab(client, alice, assessment):
    client.force_login(alice)
    data = load(client, assessment, "basic")
    data["next"] = tab_url(assessment, "finance")
    response = client.post(tab_url(assessment, "basic"), data)
    assert response["Location"] == tab_url(assessment, "finance")
    data["next"] = "https://elsewhere.example/"
    response = client.post(
        tab_url(assessment, "basic"), load(client, assessment, "basic") | {"next": "https://x.example/"}
    )
    assert response["Location"] == tab_url(assessment, "basic")


def test_staffing_is_one_figure_per_unit_and_year(client, alice, assessment):
    client.force_login(alice)
    data = load(client, assessment, "basic")
    data.update({"staffing-staff_quota": "26", "staffing-staff_actual": "25"})
    assert client.post(tab_url(assessment, "basic"), data).status_code == 302
    html = client.get(tab_url(assessment, "basic-data")).content.decode()
    assert "96.15%" in html


def test_score_tab_lists_findings_with_links_to_their_fields(client, alice, assessment):
    facts = assessment.facts
    facts.procurement_budget, facts.procurement_actual = Decimal("96"), Decimal("120")
    facts.save()
    client.force_login(alice)
    html = client.get(tab_url(assessment, "score")).content.decode()
    assert "一致性检查" in html
    assert tab_url(assessment, "basic-data") + "#id_facts-procurement" in html


@pytest.mark.parametrize("tab", [*DATA_TABS, "score"])
def test_tab_query_count_is_pinned_with_50_rows_and_5_projects(
    client, alice, assessment, django_assert_num_queries, tab
):
    from assessments.models import Project

    client.force_login(alice)
    Project.objects.bulk_create(Project(assessment=assessment, name=f"项目{i}") for i in range(5))
    IndicatorRow.objects.bulk_create(
        IndicatorRow(assessment=assessment, group_code="quantity", name=f"指标{i}", weight=1, kind="quantitative")
        for i in range(50)
    )
    with django_assert_num_queries(TAB_QUERIES[tab]):
        assert client.get(tab_url(assessment, tab)).status_code == 200


# Every tab (a GET): the session, the user; the assessment, in one query with the access check, its facts, the unit's
# staffing of the year, the region-year's nearest framework assignments (the “适用《…》（由 … 指定）” line,
# frameworks.nearest_assignments), the narrative and the stored explanations the score panel reads
# (selectors.with_texts), last year's assessment on a data-entry tab (its facts and newest snapshot, for 上年 beside the
# inputs) and on the narrative (itself, for its 整改事项) (last_year.with_year_before), and on the 自评表 the
# reviewers' comments shown under its rows (selectors.with_comments); then institutions, special funds, indicator rows
# and projects (their checks are counted in the score panel). The formsets reuse the rows already read, the
# narrative's form the sections, the 提示 boxes beside the inputs the explanations.
TAB_QUERIES = {"basic": 7, "finance": 7, "basic-data": 7, "self-eval": 7, "narrative": 7, "score": 7}
