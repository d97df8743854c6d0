"""Beside the inputs of the data-entry tabs: last year's figure (上年) and the explanation box of each 提示 about
that input, stored where the 得分与检查 tab stores it."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.explanations import stored_explanations
from assessments.last_year import last_year
from assessments.models import Assessment, Facts, FindingExplanation, Institution, Snapshot
from assessments.models.assessment import document_sha256
from assessments.selectors import assessment_data
from assessments.services import assessment_create
from assessments.snapshots import assessment_document
from tests.html_forms import form_data
from units.models import Staffing

pytestmark = pytest.mark.django_db


def _page(client, assessment, tab) -> str:
    response = client.get(reverse("assessments:tab", args=[assessment.pk, tab]))
    assert response.status_code == 200
    return response.content.decode()


def _after_input(html: str, input_id: str, length: int = 400) -> str:
    """The markup right after the input with this id (what stands beside it)."""
    start = html.index(f'id="{input_id}"')
    return html[start : start + length]


@pytest.fixture
def last_years(unit, alice, assessment):
    """甲单位's 2021 assessment, open, with a figure in each tab: 12.50 招待费预算, 7.00 其他收入, 编制 10."""
    prior = assessment_create(unit=unit, year=2021, user=alice)
    Facts.objects.filter(assessment=prior).update(reception_budget=Decimal("12.5"))
    Institution.objects.filter(assessment=prior).update(income_other=Decimal("7"))
    Staffing.objects.update_or_create(unit=unit, year=2021, defaults={"staff_quota": 10, "staff_actual": 8})
    return prior


def test_last_years_figures_stand_beside_the_inputs_of_every_entry_tab(client, alice, assessment, last_years):
    client.force_login(alice)
    assert "上年 12.50" in _after_input(_page(client, assessment, "basic-data"), "id_facts-reception_budget")
    assert "上年 7.00" in _after_input(_page(client, assessment, "finance"), "id_inst-0-income_other")
    basic = _page(client, assessment, "basic")
    assert "上年 10" in _after_input(basic, "id_staffing-staff_quota")
    assert "上年 8" in _after_input(basic, "id_staffing-staff_actual")
    # No figure last year, nothing beside the input.
    assert "上年" not in _after_input(_page(client, assessment, "basic-data"), "id_facts-reception_actual", 200)


@pytest.mark.parametrize("tab", ["basic", "finance", "basic-data", "self-eval"])
def test_an_open_last_year_costs_no_query_more_than_none(
    client, alice, assessment, last_years, tab, django_assert_num_queries
):
    """Its facts and the unit's staffing of that year come with this year's assessment, the rows a tab shows beside
    its inputs (institutions, special funds, indicator rows) in the query reading this year's."""
    from tests.assessments.entry.test_tabs import TAB_QUERIES

    client.force_login(alice)
    with django_assert_num_queries(TAB_QUERIES[tab]):
        html = _page(client, assessment, tab)
    beside = {
        "basic": ("id_staffing-staff_quota", "上年 10"),
        "finance": ("id_inst-0-income_other", "上年 7.00"),
        "basic-data": ("id_facts-reception_budget", "上年 12.50"),
    }
    if tab in beside:
        assert beside[tab][1] in _after_input(html, beside[tab][0])


def test_without_last_years_assessment_no_figure_is_shown(client, alice, assessment):
    client.force_login(alice)
    assert 'class="small text-secondary prior">上年' not in _page(client, assessment, "basic-data")


def test_a_final_last_year_is_read_from_its_snapshot_in_one_query(
    client, alice, assessment, last_years, django_assert_num_queries
):
    # The signed figure (34.00) is what 上年 shows, not a value stored beside it.
    document = assessment_document(assessment_data(last_years), include_score=False)
    document["facts"]["reception_budget"] = "34.00"
    data = {"assessment": document}
    Snapshot.objects.create(assessment=last_years, data=data, sha256=document_sha256(data))
    Assessment.objects.filter(pk=last_years.pk).update(status=Assessment.Status.FINAL)
    with django_assert_num_queries(1):
        prior = last_year(assessment)
        assert prior.facts.reception_budget == Decimal("34.00")
        assert prior.staffing.staff_quota == 10
        assert prior.institutions[0].income_other == Decimal("7.00")
        assert prior.special_funds == [] and prior.indicator_rows is not None
    client.force_login(alice)
    assert "上年 34.00" in _after_input(_page(client, assessment, "basic-data"), "id_facts-reception_budget")


def test_an_open_last_year_is_read_in_one_query_for_its_facts(assessment, last_years, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert last_year(assessment).facts.reception_budget == Decimal("12.50")


@pytest.fixture
def swing(assessment):
    """政府采购金额 doubled on last year's 决算: a 提示 (over 30 %) about the 本年决算数 on 基础数据表."""
    Facts.objects.filter(assessment=assessment).update(
        procurement_prior=Decimal("100"), procurement_actual=Decimal("200")
    )
    return assessment


def _box_of(html: str, input_id: str) -> str:
    beside = _after_input(html, input_id, 3000)
    match = re.search(r'<details class="hint-box.*?</textarea>', beside, re.S)
    assert match, f"no explanation box beside {input_id}"
    return match.group(0)


def test_a_hint_has_its_explanation_box_next_to_its_field_and_is_saved_in_the_one_store(client, alice, swing):
    client.force_login(alice)
    html = _page(client, swing, "basic-data")
    box = _box_of(html, "id_facts-procurement_actual")
    assert "政府采购金额本年决算数" in box and "待说明" in box
    assert 'form="hint-explanations-form"' in box
    # The box is not part of the tab's own form: saving the tab does not carry it.
    assert not any(name.startswith(("explain-", "key-")) for name in form_data(html))
    fields = form_data(html, "hint-explanations-form")
    key = re.search(r'name="key-(\d+)" value="([^"]+)"', box)
    number, finding_key = key.groups()
    fields.update({f"key-{number}": finding_key, f"shown-{number}": "", f"explain-{number}": "新增集中采购项目"})
    response = client.post(reverse("assessments:explanations", args=[swing.pk]), fields)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:tab", args=[swing.pk, "basic-data"])
    assert stored_explanations(swing) == {finding_key: "新增集中采购项目"}
    # The same explanation on 得分与检查, and back beside the field.
    assert "新增集中采购项目" in _page(client, swing, "score")
    box = _box_of(_page(client, swing, "basic-data"), "id_facts-procurement_actual")
    assert "新增集中采购项目" in box and "已说明" in box


def test_a_read_only_member_sees_the_box_disabled_and_cannot_save_it(client, bob, swing):
    client.force_login(bob)
    box = _box_of(_page(client, swing, "basic-data"), "id_facts-procurement_actual")
    assert "disabled" in box and "保存说明" not in box
    response = client.post(
        reverse("assessments:explanations", args=[swing.pk]), {"key-1": "year_swing:x", "explain-1": "x"}
    )
    assert response.status_code == 403
    assert not FindingExplanation.objects.exists()


def test_the_find_link_of_the_hint_still_leads_to_the_field(client, alice, swing):
    client.force_login(alice)
    score = _page(client, swing, "score")
    assert reverse("assessments:tab", args=[swing.pk, "basic-data"]) + "#id_facts-procurement_actual" in score
