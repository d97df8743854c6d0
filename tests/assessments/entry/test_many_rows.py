"""A 自评表 with many indicator rows posts more than Django's default 1,000 fields (about 18 per row): its save and its
live preview must still be read, not refused as a bad request."""

from decimal import Decimal

from django.urls import reverse

from assessments.models import Facts, IndicatorRow
from tests.html_forms import form_data


def test_a_self_eval_of_60_unit_rows_previews_and_saves(client, alice, assessment):
    IndicatorRow.objects.bulk_create(
        IndicatorRow(
            assessment=assessment,
            group_code="quantity",
            name=f"指标{i}",
            weight=1,
            kind="quantitative",
            target_value="≥90%",
            actual_value="85%",
            position=i,
        )
        for i in range(60)
    )
    client.force_login(alice)
    url = reverse("assessments:tab", args=[assessment.pk, "self-eval"])
    data = form_data(client.get(url).content.decode())
    assert len(data) > 1000  # more than Django's default DATA_UPLOAD_MAX_NUMBER_FIELDS
    data.update({"facts-budget_full_year": "2707.46", "facts-spending_actual": "2681.55"})

    preview = client.post(reverse("assessments:preview", args=[assessment.pk, "self-eval"]), data)
    assert preview.status_code == 200
    assert 'id="c-execution_rate" hx-swap-oob="true">99.04%<' in preview.content.decode()

    assert client.post(url, data).status_code == 302
    assert Facts.objects.get(assessment=assessment).spending_actual == Decimal("2681.55")
