"""Amounts typed with their unit of money are read by the engine's one money reader in the forms and the Excel import
alike: 元 and 亿元 are converted to 万元 exactly, a percent sign and impossible (negative) amounts are refused in
Chinese next to the field."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.forms import AmountField, BasicDataForm, ExecutionForm
from assessments.models import Facts
from tests.assessments.workbook.workbook_helpers import edited, exported
from tests.html_forms import form_data


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("166300元", Decimal("16.63")),
        ("0.0041亿元", Decimal("41")),
        ("2,681.55万元", Decimal("2681.55")),
        ("1234.5", Decimal("1234.5")),
    ],
)
def test_an_amount_is_read_in_its_unit(typed, stored):
    field = AmountField(max_digits=14, decimal_places=2, required=False, label="全年执行数")
    assert field.to_python(typed) == stored


def test_an_amount_in_yuan_with_more_than_two_places_of_wan_is_refused_with_the_conversion():
    form = ExecutionForm({"facts-spending_actual": "123456元"}, prefix="facts")
    assert not form.is_valid()
    assert form.errors["spending_actual"] == [
        "123456元 折合 12.3456 万元，超过两位小数：请按万元填写（保留两位小数）。"
    ]


@pytest.mark.parametrize("typed", ["12%", "12％"])
def test_a_percent_on_an_amount_is_refused(typed):
    form = ExecutionForm({"facts-spending_actual": typed}, prefix="facts")
    assert not form.is_valid()
    assert "不是百分比" in form.errors["spending_actual"][0]


def test_a_negative_amount_is_refused_where_it_cannot_be_and_kept_where_it_can():
    form = ExecutionForm({"facts-spending_actual": "-30000元", "facts-budget_added": "-30000元"}, prefix="facts")
    assert not form.is_valid()
    assert form.errors["spending_actual"] == ["金额不能为负数。"]
    assert "budget_added" not in form.errors
    assert form.cleaned_data["budget_added"] == Decimal("-3")


def test_the_basic_data_form_converts_yuan(assessment):
    form = BasicDataForm({"facts-reception_actual": "52000元"}, instance=Facts(assessment=assessment), prefix="facts")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reception_actual"] == Decimal("5.20")


def test_the_tab_saves_an_amount_typed_in_yuan(client, alice, assessment):
    client.force_login(alice)
    url = reverse("assessments:tab", args=[assessment.pk, "basic-data"])
    data = form_data(client.get(url).content.decode())
    data["facts-reception_actual"] = "52000元"
    assert client.post(url, data).status_code == 302
    assert Facts.objects.get(assessment=assessment).reception_actual == Decimal("5.20")


def test_the_excel_import_converts_yuan_and_refuses_a_percent(client, alice, assessment):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(alice)
    upload_url = reverse("assessments:workbook_upload", args=[assessment.pk])
    workbook = edited(exported(assessment), {("facts", "reception_actual"): "52000元"})
    response = client.post(upload_url, {"file": SimpleUploadedFile("表.xlsx", workbook)})
    assert response.status_code == 200, response.content.decode()[:2000]
    applied = client.post(
        reverse("assessments:workbook_apply", args=[assessment.pk]),
        {"token": response.context["token"], "lock_version": 0},
    )
    assert applied.status_code == 302
    assert Facts.objects.get(assessment=assessment).reception_actual == Decimal("5.20")

    workbook = edited(exported(assessment), {("facts", "reception_actual"): "12%"})
    refused = client.post(upload_url, {"file": SimpleUploadedFile("表.xlsx", workbook)})
    assert refused.status_code == 422 and "不是百分比" in refused.content.decode()
