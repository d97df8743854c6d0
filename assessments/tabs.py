"""The frame every tab of an assessment shares — the tab bar, the score panel's data, the forms' read-only state and
the return address after a save — written once for the data-entry tabs, the projects and the evidence."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from assessments import tables
from assessments.facts import COLUMNS
from assessments.frameworks import explanations
from assessments.layouts import layout_for
from assessments.models import Assessment
from assessments.scores import entry_key
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
        "columns": COLUMNS,
        "finance_rows": tables.FINANCE_ROWS,
        "basic_data_rows": tables.BASIC_DATA_ROWS,
        "basic_data_columns": tables.BASIC_DATA_COLUMNS,
        "preview_url": reverse("assessments:preview", args=[assessment.pk, tab]) if previews else "",
        **(forms or {}),
        **(formsets or {}),
    }
    return context


# The field of an indicator row a finding about that row asks for; the 偏差原因 otherwise.
ROW_FINDING_FIELDS = {
    "satisfaction_without_survey": "survey_responses",
    "stated_score_mismatch": "score",
    "score_exceeds_weight": "score",
}
YEAR_COLUMNS = ("_prior", "_budget", "_actual")


def row_prefixes(rows) -> dict[str, str]:
    """Where each indicator row of the 自评表 stands on the page: its score line's code → its form's prefix (the
    formset lists the assessment's own rows in their stored order)."""
    return {entry_key(row): f"row-{index}" for index, row in enumerate(rows)}


def finding_link(assessment: Assessment, finding, rows: dict[str, str] | None = None) -> str:
    """Where the user fixes a finding: the tab holding its first field, at that field (the page scrolls to it and
    highlights it). `rows`: row_prefixes of the 自评表, to reach a finding about one indicator row."""
    slug, anchor = finding_place(finding, rows)
    return reverse("assessments:tab", args=[assessment.pk, slug]) + (f"#{anchor}" if anchor else "")


def finding_place(finding, rows: dict[str, str] | None = None) -> tuple[str, str]:
    """The tab (its slug) and the id of the input where a finding is fixed or explained ("" when no one input)."""
    finance = {row.name for row in tables.FINANCE_ROWS if not row.computed}
    # A year-over-year swing is explained or corrected at this year's figure, named after last year's.
    names = reversed(finding.fields) if finding.code == "year_swing" else finding.fields
    for name in names:
        if name.startswith("narrative:"):
            return "narrative", f"id_{name.removeprefix('narrative:')}"
        if rows and name in rows:
            return "self-eval", f"id_{rows[name]}-{ROW_FINDING_FIELDS.get(finding.code, 'deviation_reason')}"
        if name in tables.BASIC_DATA_FIELDS:
            return "basic-data", f"id_facts-{name}"
        if name in tables.EXECUTION_FIELDS:
            return "self-eval", f"id_facts-{name}"
        if name.startswith("staff_"):
            return "basic", f"id_staffing-{name}"
        if name.startswith(("satisfaction_", "key_tasks", "projects_")):
            base = name.removesuffix("_responses").removesuffix("_satisfied")
            return "self-eval", f"id_facts-{base}_responses"
        if name in finance:
            return "finance", f"id_inst-0-{name}"
        if name.endswith(YEAR_COLUMNS):
            return "basic-data", ""
    return "self-eval", ""


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
