"""上年 beside the texts and choices of the data-entry tabs, not only beside the figures: a choice as the label its
drop-down shows (never its stored code), a long text as an excerpt that opens to the whole, nothing where last year
left the input empty — read from last year's rows while open, from its snapshot once final, in the same queries."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.last_year import EXCERPT_CHARS, shown_value
from assessments.models import Assessment, Facts, IndicatorRow, Institution, Snapshot
from assessments.models.assessment import document_sha256
from assessments.selectors import assessment_data
from assessments.services import assessment_create
from assessments.snapshots import assessment_document
from tests.assessments.entry.test_tabs import TAB_QUERIES
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db

GOAL = "全面完成年度重点工作任务，推进老干部服务阵地建设，组织学习活动不少于十二次，满意度不低于百分之九十五。"
ROW = "开展老干党支部学习活动"
REASON = "受疫情影响，第四季度两次集中学习改为线上开展，参学人数较计划减少，明年将提前安排并加强线上学习的组织和考勤。"


def _page(client, assessment, tab) -> str:
    response = client.get(reverse("assessments:tab", args=[assessment.pk, tab]))
    assert response.status_code == 200
    return response.content.decode()


def _prior_of(html: str, input_id: str) -> str | None:
    """The text of the 上年 shown right after the input with this id (before the next input), or None."""
    start = html.index(f'id="{input_id}"')
    following = re.search(r'<(?:input|select|textarea) [^>]*id="id_', html[start + len(input_id) :])
    beside = html[start : start + len(input_id) + (following.start() if following else 3000)]
    found = re.search(r'class="small text-secondary prior">(?:<summary[^>]*>)?([^<]*)<', beside)
    return found.group(1) if found else None


def _row_prefix(html: str, name: str) -> str:
    return re.search(rf'name="(row-\d+)-name"[^>]*>\n{name}</textarea>', html).group(1)


def _unit_row(assessment, **values) -> IndicatorRow:
    values = {"group_code": "quantity", "name": ROW, "weight": 6, "kind": "quantitative", **values}
    return IndicatorRow.objects.create(assessment=assessment, **values)


@pytest.fixture
def last_years(unit, alice, assessment):
    """甲单位's 2021 assessment (open) with a long goal, a short one, its 厉行节约 text, a reason for the execution
    rate, an institution's 其他收入, and the row “开展老干党支部学习活动” filled with texts and choices; 2022 has the same row, empty."""
    prior = assessment_create(unit=unit, year=2021, user=alice)
    Assessment.objects.filter(pk=prior.pk).update(goal_planned=GOAL, goal_achieved="基本完成")
    Facts.objects.filter(assessment=prior).update(
        austerity_measures="压减会议费", execution_shortfall_reason="  年底追加资金未及支出  "
    )
    Institution.objects.filter(assessment=prior).update(income_other=Decimal("7"))
    _unit_row(
        prior,
        kind="qualitative",
        outcome="partial",
        target_value="每月一次",
        deviation_reason=REASON,
        target_basis="history_last_year",
        data_source="business_records",
        evidence_types=["formal", "vouchers"],
    )
    _unit_row(assessment)
    return prior


def test_a_choice_shows_last_years_label_and_a_text_its_value_beside_the_rows_inputs(
    client, alice, assessment, last_years
):
    client.force_login(alice)
    html = _page(client, assessment, "self-eval")
    row = _row_prefix(html, ROW)
    assert _prior_of(html, f"id_{row}-kind") == "上年 定性"
    assert _prior_of(html, f"id_{row}-outcome") == "上年 部分达成年度指标并具有一定效果"
    assert _prior_of(html, f"id_{row}-target_basis") == "上年 历史标准（上年值）"
    assert _prior_of(html, f"id_{row}-data_source") == "上年 部门业务记录"
    assert _prior_of(html, f"id_{row}-evidence_types_3") == "上年 正式资料、原始凭证"
    assert _prior_of(html, f"id_{row}-target_value") == "上年目标：每月一次"
    # Left empty last year: nothing beside it.
    assert _prior_of(html, f"id_{row}-actual_value") is None
    assert _prior_of(html, f"id_{row}-actual_method") is None
    # Never a stored code.
    for code in ("qualitative", "partial", "history_last_year", "business_records", "formal"):
        assert not re.search(rf'prior">[^<]*{code}', html), code


def test_an_open_last_years_rows_are_read_with_this_years(
    client, alice, assessment, last_years, django_assert_num_queries
):
    """The 自评表 keeps its pinned count with an open last year: its rows come in the query reading this year's (one
    OR), its facts with the assessment; this year's rows are only this year's."""
    client.force_login(alice)
    with django_assert_num_queries(TAB_QUERIES["self-eval"]):
        html = _page(client, assessment, "self-eval")
    row = _row_prefix(html, ROW)
    assert _prior_of(html, f"id_{row}-target_value") == "上年目标：每月一次"
    assert len(re.findall(rf'name="row-\d+-name"[^>]*>\n{ROW}</textarea>', html)) == 1


def test_after_a_refused_save_last_years_labels_still_stand_beside_the_typed_values(
    client, alice, assessment, last_years
):
    client.force_login(alice)
    url = reverse("assessments:tab", args=[assessment.pk, "self-eval"])
    html = client.get(url).content.decode()
    row = _row_prefix(html, ROW)
    data = form_data(html) | {f"{row}-weight": "六分", f"{row}-outcome": "achieved"}
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "请填写数字" in html
    assert _prior_of(html, f"id_{row}-outcome") == "上年 部分达成年度指标并具有一定效果"
    assert _prior_of(html, f"id_{row}-evidence_types_3") == "上年 正式资料、原始凭证"


def test_a_long_text_is_shown_as_an_excerpt_that_opens_to_the_whole(client, alice, assessment, last_years):
    client.force_login(alice)
    html = _page(client, assessment, "self-eval")
    row = _row_prefix(html, ROW)
    excerpt = REASON[:EXCERPT_CHARS] + "…"
    assert _prior_of(html, f"id_{row}-deviation_reason") == f"上年 {excerpt}"
    start = html.index(f'id="id_{row}-deviation_reason"')
    details = re.search(r'<details class="small text-secondary prior">.*?</details>', html[start:], re.S).group(0)
    assert f'title="{REASON}"' in details and f'<div class="prior-full">{REASON}</div>' in details
    # The texts of the 自评表 outside the rows: the reason for the execution rate, trimmed, and the goals.
    assert _prior_of(html, "id_facts-execution_shortfall_reason") == "上年 年底追加资金未及支出"
    assert _prior_of(html, "id_goal-goal_planned") == f"上年 {GOAL[:EXCERPT_CHARS]}…"


def test_the_basic_tabs_show_last_years_goals_and_austerity_text(client, alice, assessment, last_years):
    client.force_login(alice)
    basic = _page(client, assessment, "basic")
    assert _prior_of(basic, "id_goal-goal_planned") == f"上年 {GOAL[:EXCERPT_CHARS]}…"
    assert _prior_of(basic, "id_goal-goal_achieved") == "上年 基本完成"
    # The unit's own contact and functions are one record for every year: nothing to compare them with.
    assert _prior_of(basic, "id_unit-functions") is None
    assert _prior_of(_page(client, assessment, "basic-data"), "id_facts-austerity_measures") == "上年 压减会议费"


def test_a_final_last_year_shows_the_texts_and_choices_it_was_signed_with(client, alice, assessment, last_years):
    document = assessment_document(assessment_data(last_years), include_score=False)
    document["goal"]["achieved"] = "签字时的完成情况"
    document["facts"]["austerity_measures"] = "签字时的措施"
    signed = next(row for row in document["indicator_rows"] if row["name"] == ROW)
    signed["outcome"], signed["evidence_types"] = "achieved", ["statement"]
    data = {"assessment": document}
    Snapshot.objects.create(assessment=last_years, data=data, sha256=document_sha256(data))
    Assessment.objects.filter(pk=last_years.pk).update(status=Assessment.Status.FINAL)
    client.force_login(alice)
    html = _page(client, assessment, "self-eval")
    row = _row_prefix(html, ROW)
    assert _prior_of(html, f"id_{row}-outcome") == "上年 达成年度指标"
    assert _prior_of(html, f"id_{row}-evidence_types_3") == "上年 说明材料"
    assert _prior_of(html, "id_goal-goal_achieved") == "上年 签字时的完成情况"
    assert _prior_of(_page(client, assessment, "basic-data"), "id_facts-austerity_measures") == "上年 签字时的措施"


@pytest.mark.parametrize("tab", ["basic", "finance", "basic-data", "self-eval"])
def test_without_last_years_assessment_nothing_is_shown_beside_any_input(client, alice, assessment, tab):
    Assessment.objects.filter(pk=assessment.pk).update(goal_planned=GOAL)
    _unit_row(assessment, outcome="partial", deviation_reason=REASON)
    client.force_login(alice)
    assert 'text-secondary prior"' not in _page(client, assessment, tab)


@pytest.mark.parametrize("tab", ["basic", "finance", "basic-data", "self-eval"])
def test_a_final_last_year_costs_no_query_more_than_none(
    client, alice, assessment, last_years, tab, django_assert_num_queries
):
    """The tabs' pinned counts (test_tabs.TAB_QUERIES) hold with last year's texts and choices shown: they come from
    the one read that brings its figures."""
    document = assessment_document(assessment_data(last_years), include_score=False)
    data = {"assessment": document}
    Snapshot.objects.create(assessment=last_years, data=data, sha256=document_sha256(data))
    Assessment.objects.filter(pk=last_years.pk).update(status=Assessment.Status.FINAL)
    client.force_login(alice)
    with django_assert_num_queries(TAB_QUERIES[tab]):
        html = _page(client, assessment, tab)
    assert 'class="small text-secondary prior">上年' in html


@pytest.fixture
def futian(db, django_user_model):
    """福田's 2021 assessment (the demo's, 101号-style check items) answered, and its 2022 assessment."""
    call_command("load_demo", stdout=io.StringIO())
    prior = Assessment.objects.get(unit__code="440304-101")
    row = IndicatorRow.objects.get(assessment=prior, project=None, code="disclosure")
    row.answers = {"budget_disclosure": "defective", "final_accounts_disclosure": "compliant"}
    row.save()
    IndicatorRow.objects.filter(assessment=prior, project=None, code="budget_compliance").update(failed_items=2)
    preparer = django_user_model.objects.get(username="ft-preparer")
    return assessment_create(unit=prior.unit, year=prior.year + 1, user=preparer), preparer


def test_a_check_item_shows_last_years_choice_by_its_label(client, futian):
    assessment, preparer = futian
    client.force_login(preparer)
    html = _page(client, assessment, "self-eval")
    prefix = {row.code: f"row-{index}" for index, row in enumerate(assessment_data(assessment).assessment_rows)}
    disclosure, compliance = prefix["disclosure"], prefix["budget_compliance"]
    assert _prior_of(html, f"id_{disclosure}-ans_budget_disclosure") == "上年 公开但不符合时限、内容、范围等要求"
    assert _prior_of(html, f"id_{disclosure}-ans_final_accounts_disclosure") == "上年 按规定要求公开"
    assert _prior_of(html, f"id_{compliance}-ans_answer") == "上年 2"
    assert "上年 defective" not in html


def test_shown_value_reads_figures_labels_and_texts_and_skips_what_was_not_filled():
    choices = [("", "—请选择—"), ("a", "甲"), ("b", "乙")]
    assert str(shown_value(Decimal("1234.5"))) == "1,234.50"
    assert shown_value("b", choices).text == "乙"
    assert shown_value(["b", "a"], choices).text == "乙、甲"
    assert shown_value("gone", choices) is None  # a code no longer offered is not shown as a code
    assert shown_value(True).text == "是" and shown_value(False) is None
    assert shown_value("  \n ") is None and shown_value("") is None and shown_value(None) is None
    long = shown_value("第一行\n" + "字" * 60)
    assert long.text == ("第一行 " + "字" * 60)[:EXCERPT_CHARS] + "…" and long.full == "第一行\n" + "字" * 60
