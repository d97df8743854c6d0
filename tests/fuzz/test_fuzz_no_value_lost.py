"""No typed value is lost: on every tab, any sequence of edits (valid or not) followed by a save keeps every value on
the page when the save is refused; once the invalid ones are put right and the save is accepted, a reload shows every
valid value the user typed, and every field the user did not touch as it was."""

import pytest
from django import forms
from django.forms import modelform_factory
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from assessments import forms as f
from assessments.models import EvaluationMember
from tests.fuzz import budget
from tests.fuzz.state import post, rolled_back
from tests.fuzz.strategies import numbers_as_typed
from tests.html_forms import form_data

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

TABS = ["basic", "finance", "basic-data", "self-eval", "narrative", "review"]

_MemberForm = modelform_factory(EvaluationMember, form=forms.ModelForm, fields=["name", "title", "organisation"])
_PARSERS = {
    "facts": {**f.BasicDataForm().fields, **f.ExecutionForm().fields},
    "goal": f.GoalForm().fields,
    "unit": f.UnitInfoForm().fields,
    "staffing": f.StaffingForm().fields,
    "inst": f.InstitutionForm().fields,
    "fund": f.SpecialFundForm().fields,
    "member": _MemberForm().fields,
    "row": {name: f.IndicatorRowForm().fields[name] for name in ("deviation_reason", "score_reason")},
}
NARRATIVE = f.TextField(required=False, max_length=50000)


def parser(name: str, narrative: bool):
    """The form field that reads a posted name, or None for what a person does not type (ids, orders, choices)."""
    prefix, _, rest = name.partition("-")
    if narrative:
        return NARRATIVE if not rest and name not in ("csrfmiddlewaretoken", "lock_version", "next") else None
    field = _PARSERS.get(prefix, {}).get(
        rest.rpartition("-")[2] if prefix in ("inst", "fund", "member", "row") else rest
    )
    if field is None or isinstance(field, forms.ChoiceField | forms.BooleanField) or rest == "unit_version":
        return None  # unit_version: the unit's version the page was loaded at, bookkeeping like lock_version
    return field


def parsed(field, text: str):
    """What the field reads from the text, or an exception class when it refuses it."""
    try:
        return field.clean(text)
    except forms.ValidationError:
        return forms.ValidationError


# What people type: numbers as Chinese users write them, words where a number belongs, blanks (a cleared field),
# and text with the invisible NUL copied from PDFs.
typed = st.one_of(
    numbers_as_typed,
    st.sampled_from(["", "abc", "1.234", "-3", "１２", "12万元", "5%", "0", "一百", "x\x00y"]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=30),
)


@pytest.fixture
def loaded(client, alice, assessment):
    client.force_login(alice)
    # The 审签 tab's table starts empty: one member gives it fields to type in.
    EvaluationMember.objects.create(assessment=assessment, position=1, name="张三", title="科长", organisation="甲单位")

    def load(tab: str) -> dict:
        response = client.get(reverse("assessments:tab", args=[assessment.pk, tab]))
        assert response.status_code == 200
        return form_data(response.content.decode())

    return load


def _same(field, shown: str, expected) -> bool:
    value = parsed(field, shown)
    return value == expected or (value in (None, "") and expected in (None, ""))


@pytest.mark.parametrize("tab", TABS)
@budget.examples(fuzz=200, quick=6)
@given(data=st.data())
def test_a_save_then_a_reload_loses_no_valid_value_the_user_did_not_clear(client, loaded, assessment, tab, data):
    url = reverse("assessments:tab", args=[assessment.pk, tab])
    narrative = tab == "narrative"
    with rolled_back():
        base = loaded(tab)
        editable = sorted(name for name in base if parser(name, narrative) is not None)
        edits = data.draw(st.lists(st.tuples(st.sampled_from(editable), typed), min_size=1, max_size=6))
        submission = dict(base)
        for name, text in edits:
            submission[name] = text
        edited = {name: submission[name] for name, _ in edits}

        response = post(client, url, submission, name="no-value-lost")
        if response.status_code == 200:
            # Refused: every typed value is still on the page, exactly as typed.
            shown = form_data(response.content.decode())
            for name, text in edited.items():
                assert shown.get(name, "").replace("\r\n", "\n") == text.replace("\r\n", "\n"), (name, text)
            # The user puts right what the fields refuse, and saves the page as it is shown.
            for name, text in edited.items():
                if parsed(parser(name, narrative), text) is forms.ValidationError:
                    shown[name] = base[name]
                    submission[name] = base[name]
            response = post(client, url, shown, name="no-value-lost")
            if response.status_code == 200:
                return  # a rule across fields (完成数 > 计划数…) still refuses: nothing to reload
        assert response.status_code == 302, response.status_code

        reloaded = loaded(tab)
        cleared = {name for name, text in edited.items() if not text.strip()}
        for name in editable:
            if name in cleared:
                continue  # cleared by the user: stored as the form reads a blank (empty, or 0 for some counts)
            field = parser(name, narrative)
            expected = parsed(field, submission[name])
            assert expected is not forms.ValidationError, (name, submission[name])
            assert _same(field, reloaded.get(name, ""), expected), (name, submission[name], reloaded.get(name))
