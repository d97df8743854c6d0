"""A target is typed once: the comparator and number the scoring reads from "≥40个" are shown back next to it,
live while typing, and can be corrected where the reading is wrong."""

from django.urls import reverse

from assessments.models import IndicatorRow
from tests.html_forms import form_data


def test_the_reading_of_a_typed_target_is_shown_back_live_and_after_saving(client, alice, assessment):
    client.force_login(alice)
    url = reverse("assessments:tab", args=[assessment.pk, "self-eval"])
    data = form_data(client.get(url).content.decode())
    index = int(data["row-TOTAL_FORMS"])
    data["row-TOTAL_FORMS"] = str(index + 1)
    new = {"group_code": "quantity", "name": "举办培训班", "weight": "5", "kind": "quantitative"}
    data |= {f"row-{index}-{name}": value for name, value in {**new, "target_value": "≥40个"}.items()}

    preview = client.post(reverse("assessments:preview", args=[assessment.pk, "self-eval"]), data)
    assert f'<span id="c-row-{index}-target-reading" hx-swap-oob="true">≥ 40</span>' in preview.content.decode()

    assert client.post(url, data).status_code == 302
    row = IndicatorRow.objects.get(assessment=assessment, name="举办培训班")
    assert (row.target_comparator, row.target_number) == (">=", 40)
    html = client.get(url).content.decode()
    assert "读作：" in html and ">≥ 40</span></summary>" in html


def test_a_target_without_a_number_asks_to_be_completed(client, alice, assessment):
    IndicatorRow.objects.create(
        assessment=assessment,
        group_code="quantity",
        name="按时报送",
        weight=5,
        kind="quantitative",
        target_value="按时",
    )
    client.force_login(alice)
    html = client.get(reverse("assessments:tab", args=[assessment.pk, "self-eval"])).content.decode()
    assert "未读出数值，请展开填写" in html


def test_last_years_target_and_result_are_shown_beside_this_years_inputs(client, alice, assessment):
    from assessments.services import assessment_create

    IndicatorRow.objects.create(
        assessment=assessment, group_code="quantity", name="举办培训班", weight=5, kind="quantitative",
        target_value="≥40个", actual_value="42个",
    )  # fmt: skip
    following = assessment_create(unit=assessment.unit, year=2023, user=alice)
    client.force_login(alice)
    html = client.get(reverse("assessments:tab", args=[following.pk, "self-eval"])).content.decode()
    assert "上年目标：≥40个" in html and "上年完成：42个" in html


def _add_row(client, assessment, row):
    url = reverse("assessments:tab", args=[assessment.pk, "self-eval"])
    data = form_data(client.get(url).content.decode())
    index = int(data["row-TOTAL_FORMS"])
    data["row-TOTAL_FORMS"] = str(index + 1)
    data |= {f"row-{index}-{name}": value for name, value in row.items()}
    return url, data, index


def test_a_deadline_target_is_read_as_a_time_limit_and_stores_no_number(client, alice, assessment):
    """'2023年12月31日前' holds three numbers and '9月前' one: neither is a number to exceed. The form reads them with
    the scoring's own rule (numbers.row_deadline), shows the limit and stores no number the scoring could misread."""
    client.force_login(alice)
    row = {"group_code": "timeliness", "name": "项目完工", "weight": "5", "kind": "quantitative"}
    url, data, index = _add_row(client, assessment, {**row, "target_value": "2023年12月31日前"})
    preview = client.post(reverse("assessments:preview", args=[assessment.pk, "self-eval"]), data).content.decode()
    assert f'<span id="c-row-{index}-target-reading" hx-swap-oob="true">时限：2023年12月31日前</span>' in preview
    assert client.post(url, data).status_code == 302
    saved = IndicatorRow.objects.get(assessment=assessment, name="项目完工")
    assert (saved.target_comparator, saved.target_number) == ("", None)
    html = client.get(url).content.decode()
    assert ">时限：2023年12月31日前</span></summary>" in html
    assert "未读出数值，请展开填写" not in html


def test_a_month_limit_is_not_stored_as_its_month_number(client, alice, assessment):
    client.force_login(alice)
    row = {"group_code": "timeliness", "name": "资金拨付", "weight": "5", "kind": "quantitative"}
    url, data, _ = _add_row(client, assessment, {**row, "target_value": "9月前", "actual_value": "8月25日"})
    assert client.post(url, data).status_code == 302
    saved = IndicatorRow.objects.get(assessment=assessment, name="资金拨付")
    assert saved.target_number is None
    assert ">时限：9月前（按月底计）</span></summary>" in client.get(url).content.decode()


def test_a_number_the_user_typed_beside_a_deadline_text_makes_the_row_a_quantity(client, alice, assessment):
    """The reading can be corrected: a number typed in the expanded fields wins over the text's reading."""
    client.force_login(alice)
    row = {"group_code": "timeliness", "name": "办结天数", "weight": "5", "kind": "quantitative"}
    url, data, _ = _add_row(client, assessment, {**row, "target_value": "10天内", "target_number": "8"})
    assert client.post(url, data).status_code == 302
    saved = IndicatorRow.objects.get(assessment=assessment, name="办结天数")
    assert saved.target_number == 8
    assert ">8</span></summary>" in client.get(url).content.decode()
