"""The frame every tab of an assessment shares — the tab bar, the score panel's data, the forms' read-only state and
the return address after a save — written once for the data-entry tabs, the projects and the evidence."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from assessments import tables
from assessments.checks import ROW_FINDING_FIELDS, assessment_checks, finding_link, project_checks, row_prefixes
from assessments.facts import COLUMNS
from assessments.frameworks import explanations
from assessments.layouts import layout_for
from assessments.models import Assessment
from assessments.selectors import AssessmentData

TABS = [
    ("basic", "基本情况"),
    ("finance", "收支情况"),
    ("basic-data", "基础数据表"),
    ("self-eval", "自评表"),
    ("projects", "项目"),
    ("narrative", "叙述"),
    ("evidence", "佐证材料"),
    ("score", "得分与检查"),
    ("review", "审签"),
]
TAB_LABELS = dict(TABS)
# Where a finding is fixed, for the pages that import it from here.
__all__ = ["ROW_FINDING_FIELDS", "finding_link", "row_prefixes"]


def tab_context(data: AssessmentData, tab: str, writable: bool, forms=None, formsets=None, *, previews=False) -> dict:
    """What every tab page shows around its own content: the tab bar, the facts and rates computed from the data
    as shown, the score sheet (or why it cannot be computed) and the forms. `previews`: the tab has a live preview."""
    assessment = data.assessment
    fact_sheet = data.fact_sheet()
    scored = None
    scoring_error = None
    try:
        scored = data.scored()
    except ValidationError as error:
        scoring_error = " ".join(error.messages)
    explained = data.explanations()
    context = {
        "assessment": assessment,
        "data": data,
        "layout": layout_for(assessment.unit),
        "framework_notes": explanations(assessment),
        "tabs": TABS,
        "tab": tab,
        "tab_label": TAB_LABELS[tab],
        "writable": writable and assessment.status == Assessment.Status.DRAFT,
        "fact_sheet": fact_sheet,
        "computed": fact_sheet.computed,
        "scored": scored,
        "scoring_error": scoring_error,
        # The score panel counts what 得分与检查 and the submit checklist list: the narrative's findings too.
        "checks": assessment_checks(data, scored, explanations=explained) if scored is not None else None,
        "project_checks": project_checks(data, explanations=explained),
        "explained": explained,  # the stored explanations of the 提示, by key
        "columns": COLUMNS,
        "finance_rows": tables.FINANCE_ROWS,
        "basic_data_rows": tables.BASIC_DATA_ROWS,
        "basic_data_columns": tables.BASIC_DATA_COLUMNS,
        "preview_url": reverse("assessments:preview", args=[assessment.pk, tab]) if previews else "",
        **(forms or {}),
        **(formsets or {}),
    }
    return context


@dataclass
class TableItem:
    node: object
    line: object = None
    form: object = None
    add_group: str = ""


def disable(forms, formsets) -> None:
    """Read-only members see the same screen with every input disabled."""
    every = [*forms.values(), *(form for formset in formsets.values() for form in formset.forms)]
    for form in every:
        for field in form.fields.values():
            field.disabled = True


def next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    # Only a path of this site: redirect() would read any other text ("abc", "1e400") as a URL pattern name to reverse.
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def explanations_saved(request, count: int, refusals: list[str]) -> None:
    """What a save of 提示 explanations tells the user: each refused one (someone else changed it since), and how
    many were saved."""
    for refusal in refusals:
        messages.error(request, refusal)
    if count or not refusals:
        messages.success(request, f"已保存 {count} 条提示说明。" if count else "提示说明没有变化。")


def posted_instances(formset):
    """The formset's rows as the page shows them, each tagged with its form prefix so the computed cells of the
    page can be found: all rows of an unbound formset; of a bound one, the rows not deleted and not left blank."""
    instances = []
    for form in formset.forms:
        if formset.is_bound:
            if getattr(form, "cleaned_data", {}).get("DELETE"):
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
        form.instance.form_key = form.prefix
        instances.append(form.instance)
    return instances
