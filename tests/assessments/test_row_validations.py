"""A 自评表 row validated once and posted again the same way over the same stored row comes out of validation as it
did (assessments.forms._validated, a perfeval.kept.Kept): the same cleaned data, errors, changes and row values as a validation from
scratch, for any edit, valid or refused; a row with an error is never kept, and a stored change is a new key."""

from urllib.parse import urlencode

import pytest
from django.forms import BaseForm
from django.http import QueryDict
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import forms as row_forms
from assessments.entry.views import _self_eval_forms
from assessments.models import Assessment, IndicatorRow
from assessments.selectors import assessment_data
from bench.common import fill_screen_assessment
from tests.html_forms import form_data

pytestmark = pytest.mark.django_db

EDITS = {
    "actual_value": ["95%", "", "八成", "1.0", "1.00", "≥90%", "9" * 30],
    "target_value": ["≥90%", "100%", "12月底前", "", "x"],
    "target_number": ["90", "90.0", "-1", "abc", "", "1e400"],
    "actual_number": ["88.5", "", "1,000"],
    "weight": ["1", "1.0", "-2", "", "200"],
    "score": ["", "0.5", "0.50", "5", "-1"],
    "name": ["新的名字", "", "  "],
    "deviation_reason": ["原因", ""],
    "DELETE": ["on", ""],
}


@pytest.fixture
def page(client, assessment, alice):
    fill_screen_assessment(assessment)
    client.force_login(alice)
    html = client.get(reverse("assessments:tab", args=[assessment.pk, "self-eval"])).content.decode()
    return form_data(html)


def _outcome(assessment, posted: dict) -> list:
    """Each row form's prefix, errors, cleaned data, whether it changed and its row's values after validation."""
    data = assessment_data(Assessment.objects.get(pk=assessment.pk))
    _, formsets = _self_eval_forms(data, QueryDict(urlencode(posted, doseq=True)))
    rows = formsets["rows"]
    rows.is_valid()
    shown = []
    for form in rows.forms:
        cleaned = getattr(form, "cleaned_data", {})
        shown.append(
            (
                form.prefix,
                form.errors.get_json_data(),
                {name: "本行" if v is form.instance else repr(v) for name, v in cleaned.items()},
                form.has_changed(),
                {f.attname: repr(getattr(form.instance, f.attname)) for f in IndicatorRow._meta.concrete_fields},
            )
        )
    return shown


def _validated_anew(monkeypatch) -> list:
    """Counts the rows Django validates (BaseForm.full_clean), kept or not."""
    counted = []
    original = BaseForm.full_clean

    def full_clean(form):
        if isinstance(form, row_forms.IndicatorRowForm):
            counted.append(form.prefix)
        return original(form)

    monkeypatch.setattr(BaseForm, "full_clean", full_clean)
    return counted


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edits=st.lists(
        st.tuples(st.integers(0, 49), st.sampled_from(sorted(EDITS)), st.integers(0, 6)), min_size=0, max_size=4
    )
)
def test_a_kept_validation_is_the_validation_from_scratch(assessment, page, edits, monkeypatch):
    posted = dict(page)
    for index, name, choice in edits:
        options = EDITS[name]
        posted[f"row-{index}-{name}"] = options[choice % len(options)]
    row_forms._validated.cache_clear()
    fresh = _outcome(assessment, posted)
    row_forms._validated.cache_clear()
    _outcome(assessment, page)  # the page as it was sent: every row kept as posted then
    after_the_page = _outcome(assessment, posted)
    with monkeypatch.context() as patched:
        anew = _validated_anew(patched)
        kept = _outcome(assessment, posted)
    assert after_the_page == kept == fresh
    refused = {prefix for prefix, errors, *_ in fresh if errors}
    # Only the refused rows (and none kept) were validated again; every other row came from a validation before.
    assert set(anew) == refused


def test_the_same_post_over_another_stored_row_is_validated_anew(assessment, page):
    """What a row's inputs mean depends on what is stored: a target typed anew has its number read from the text,
    an unchanged one keeps the number as posted. The same post over another stored target comes out differently."""
    posted = {**page, "row-0-target_value": "≥95%", "row-0-target_number": ""}
    first = _outcome(assessment, posted)
    assert first[0][2]["target_number"].startswith("Decimal('95")
    IndicatorRow.objects.filter(pk=page["row-0-id"]).update(target_value="≥95%")
    again = _outcome(assessment, posted)
    row_forms._validated.cache_clear()
    assert again == _outcome(assessment, posted)
    assert again[0][2]["target_number"] == "None"


def test_the_save_and_the_preview_keep_what_was_typed(client, assessment, page):
    """Through the pages: a preview, then the save of the same values, then the page shows them stored."""
    url = reverse("assessments:tab", args=[assessment.pk, "self-eval"])
    posted = {**page, "row-7-actual_value": "97%", "row-8-deviation_reason": "进度偏慢"}
    body = urlencode(posted, doseq=True)
    kind = "application/x-www-form-urlencoded"
    assert client.post(url + "preview/", body, content_type=kind).status_code == 200
    assert client.post(url, body, content_type=kind).status_code == 302
    stored = IndicatorRow.objects.in_bulk([int(page["row-7-id"]), int(page["row-8-id"])])
    assert stored[int(page["row-7-id"])].actual_value == "97%"
    assert stored[int(page["row-8-id"])].deviation_reason == "进度偏慢"
    assert len(row_forms._validated.kept) > 0
