"""Assessment screens: one view per tab (GET shows it, POST saves it) and one live preview per tab, which
recomputes the tab's derived figures and the score sheet from the typed values without saving them."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import modelformset_factory
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from assessments import forms as f
from assessments import tables
from assessments.access import get_assessment_for_user
from assessments.facts import COLUMNS
from assessments.layouts import layout_for
from assessments.models import Assessment, EvaluationMember, IndicatorRow, Institution, SpecialFund
from assessments.selectors import AssessmentData, assessment_data
from assessments.services import assessment_create, assessment_save_forms
from scoring.adapters import framework_spec
from units.access import get_unit_for_user

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

InstitutionFormSet = modelformset_factory(
    Institution, form=f.InstitutionForm, formset=f.RowFormSet, extra=0, can_delete=True, can_order=True
)
SpecialFundFormSet = modelformset_factory(
    SpecialFund, form=f.SpecialFundForm, formset=f.RowFormSet, extra=0, can_delete=True, can_order=True
)
IndicatorRowFormSet = modelformset_factory(
    IndicatorRow,
    form=f.IndicatorRowForm,
    formset=f.BaseIndicatorRowFormSet,
    extra=0,
    can_delete=True,
    can_order=True,
)


@require_POST
def assessment_create_view(request, unit_id: int):
    unit, writable = get_unit_for_user(request.user, unit_id)
    if not writable:
        raise PermissionDenied("您在该单位没有填报权限。")
    try:
        year = int(request.POST.get("year", ""))
        if not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        messages.error(request, "年度应为 2000 至 2100 之间的整数。")
        return redirect("units:detail", unit.pk)
    try:
        assessment = assessment_create(unit=unit, year=year, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("units:detail", unit.pk)
    messages.success(request, f"已创建 {year} 年度部门整体支出绩效自评。")
    return redirect("assessments:tab", assessment.pk, "basic")


@require_GET
def assessment_detail(request, assessment_id: int):
    get_assessment_for_user(request.user, assessment_id)
    return redirect("assessments:tab", assessment_id, "basic")


# --- the tabs: each returns its bound (or unbound) forms and formsets ---------------------------------------------


def _institution_qs(data):
    return Institution.objects.filter(assessment=data.assessment)


def _basic_forms(data: AssessmentData, post):
    return {
        "unit_form": f.UnitInfoForm(post, instance=data.assessment.unit, prefix="unit"),
        "staffing_form": f.StaffingForm(post, instance=data.staffing, prefix="staffing"),
        "goal_form": f.GoalForm(post, instance=data.assessment, prefix="goal"),
    }, {}


def _finance_forms(data: AssessmentData, post):
    return {}, {
        "institutions": InstitutionFormSet(post, queryset=_institution_qs(data), prefix="inst"),
    }


def _basic_data_forms(data: AssessmentData, post):
    return {"basic_form": f.BasicDataForm(post, instance=data.facts, prefix="facts")}, {
        "special_funds": SpecialFundFormSet(
            post, queryset=SpecialFund.objects.filter(assessment=data.assessment), prefix="fund"
        ),
    }


def unit_row_groups(spec) -> list[tuple[str, str]]:
    """The level-2 groups of a 10号 table under which the unit writes its own rows, as choices."""
    return [(node.code, node.name) for node in spec.walk() if node.unit_rows]


def _self_eval_forms(data: AssessmentData, post):
    spec = framework_spec(data.assessment.framework_version)
    return {
        "execution_form": f.ExecutionForm(post, instance=data.facts, prefix="facts"),
        "goal_form": f.GoalForm(post, instance=data.assessment, prefix="goal"),
    }, {
        "rows": IndicatorRowFormSet(
            post,
            queryset=IndicatorRow.objects.filter(assessment=data.assessment, project=None),
            prefix="row",
            indicators=spec.by_code,
            groups=unit_row_groups(spec),
        ),
    }


def _narrative_forms(data: AssessmentData, post):
    sections = layout_for(data.assessment.unit).sections
    return {"narrative_form": f.NarrativeForm(post, assessment=data.assessment, sections=sections)}, {}


EvaluationMemberFormSet = modelformset_factory(
    EvaluationMember,
    fields=["name", "title", "organisation"],
    formset=f.RowFormSet,
    extra=0,
    can_delete=True,
    can_order=True,
)


def _review_forms(data: AssessmentData, post):
    return {}, {
        "members": EvaluationMemberFormSet(
            post, queryset=EvaluationMember.objects.filter(assessment=data.assessment), prefix="member"
        )
    }


FORM_BUILDERS = {
    "review": _review_forms,
    "narrative": _narrative_forms,
    "basic": _basic_forms,
    "finance": _finance_forms,
    "basic-data": _basic_data_forms,
    "self-eval": _self_eval_forms,
}


def _save_formset(formset, assessment):
    """Save a formset of the assessment's rows: new rows belong to it, ORDER becomes the position."""
    for form in formset.forms:
        if formset.can_delete and formset._should_delete_form(form):
            continue
        if not form.has_changed() and form.instance.pk is None:
            continue
        order = form.cleaned_data.get("ORDER")
        if order is not None:
            form.instance.position = order
        form.instance.assessment = assessment


class _TabFormset:
    """Wraps a formset so assessment_save_forms can save it with the assessment attached to new rows."""

    def __init__(self, formset, assessment):
        self.formset, self.assessment = formset, assessment

    def save(self):
        _save_formset(self.formset, self.assessment)
        self.formset.save()


def _disable(forms, formsets) -> None:
    """Read-only members see the same screen with every input disabled."""
    every = [*forms.values(), *(form for formset in formsets.values() for form in formset.forms)]
    for form in every:
        for field in form.fields.values():
            field.disabled = True


def _next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    # Only a path of this site: redirect() would read any other text ("abc", "1e400") as a URL pattern name to reverse.
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def assessment_tab(request, assessment_id: int, tab: str):
    if tab not in TAB_LABELS:
        return render(request, "404.html", status=404)
    assessment, writable = get_assessment_for_user(request.user, assessment_id)
    data = assessment_data(assessment)
    builder = FORM_BUILDERS.get(tab)
    forms, formsets, stale = {}, {}, None
    if builder is not None:
        if request.method == "POST":
            if not writable:
                raise PermissionDenied("您对这份自评只有查看权限。")
            forms, formsets = builder(data, request.POST)
            if all(form.is_valid() for form in forms.values()) and all(fs.is_valid() for fs in formsets.values()):
                try:
                    expected = int(request.POST.get("lock_version", ""))
                except ValueError:
                    return HttpResponseBadRequest("缺少版本号。")
                try:
                    assessment_save_forms(
                        assessment=assessment,
                        user=request.user,
                        expected_version=expected,
                        forms=forms.values(),
                        formsets=[_TabFormset(fs, assessment) for fs in formsets.values()],
                        label=TAB_LABELS[tab],
                    )
                except ValidationError as error:  # a stale save, or the assessment is no longer a draft
                    stale = " ".join(error.messages)
                else:
                    messages.success(request, f"“{TAB_LABELS[tab]}”已保存。")
                    return redirect(_next_url(request, reverse("assessments:tab", args=[assessment.pk, tab])))
            # Invalid or stale: the page is shown again with everything the user typed.
            data = _data_with_posted_values(data, forms, formsets)
        else:
            forms, formsets = builder(data, None)
            data = _data_with_posted_values(data, forms, formsets)
            if not writable or assessment.status != Assessment.Status.DRAFT:
                _disable(forms, formsets)
    context = _tab_context(request, data, tab, writable, forms, formsets)
    context["stale_message"] = stale
    return render(request, f"assessments/tab_{tab.replace('-', '_')}.html", context)


@require_POST
def assessment_preview(request, assessment_id: int, tab: str):
    """The tab's computed cells and the score panel for the values as typed (nothing is saved)."""
    builder = FORM_BUILDERS.get(tab)
    if builder is None:
        return render(request, "404.html", status=404)
    assessment, _ = get_assessment_for_user(request.user, assessment_id)
    data = assessment_data(assessment)
    forms, formsets = builder(data, request.POST)
    for form in forms.values():
        form.is_valid()
    for formset in formsets.values():
        formset.is_valid()
    data = _data_with_posted_values(data, forms, formsets)
    context = _tab_context(request, data, tab, False, forms, formsets)
    return render(request, "assessments/partials/preview.html", context)


def _posted_instances(formset):
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


def _data_with_posted_values(data: AssessmentData, forms, formsets) -> AssessmentData:
    """Bound forms have already copied their valid values onto the instances (ModelForm._post_clean); rows of
    formsets are taken as posted, so the computed figures shown match what the user sees on the page."""
    if "institutions" in formsets:
        data.institutions = _posted_instances(formsets["institutions"])
    if "special_funds" in formsets:
        data.special_funds = _posted_instances(formsets["special_funds"])
    if "rows" in formsets:
        project_rows = [row for row in data.rows if row.project_id is not None]
        data.rows = _posted_instances(formsets["rows"]) + project_rows
    if "staffing_form" in forms:
        data.staffing = forms["staffing_form"].instance
    data._fact_sheet = None
    return data


def _tab_context(request, data: AssessmentData, tab: str, writable: bool, forms=None, formsets=None) -> dict:
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
        "preview_url": reverse("assessments:preview", args=[assessment.pk, tab]) if tab in FORM_BUILDERS else "",
        **(forms or {}),
        **(formsets or {}),
    }
    if tab == "self-eval":
        context.update(_self_eval_context(data, scored, forms, formsets))
    if tab == "review":
        from assessments.workflow_views import review_context

        context.update(review_context(request, data, scored))
    if tab == "score" and scored is not None:
        context["findings"] = [(finding, finding_link(assessment, finding)) for finding in scored.findings]
    return context


def finding_link(assessment: Assessment, finding) -> str:
    """Where the user fixes a finding: the tab holding its first field, at that field."""
    for name in finding.fields:
        if name in f.BASIC_DATA_FIELDS:
            return reverse("assessments:tab", args=[assessment.pk, "basic-data"]) + f"#id_facts-{name}"
        if name in f.EXECUTION_FIELDS:
            return reverse("assessments:tab", args=[assessment.pk, "self-eval"]) + f"#id_facts-{name}"
        if name.startswith("staff_"):
            return reverse("assessments:tab", args=[assessment.pk, "basic"]) + f"#id_staffing-{name}"
        if name.startswith(("satisfaction_", "key_tasks", "projects_")):
            return reverse("assessments:tab", args=[assessment.pk, "self-eval"]) + f"#id_facts-{name}_responses"
        if name in {row.name for row in tables.FINANCE_ROWS}:
            return reverse("assessments:tab", args=[assessment.pk, "finance"])
    return reverse("assessments:tab", args=[assessment.pk, "self-eval"])


FUNDS_BLOCK_FIELDS = {
    "budget_initial",
    "budget_added",
    "budget_full_year",
    "spending_actual",
    "budget_general_budget",
    "budget_government_funds",
    "budget_special_account",
    "budget_other",
    "budget_basic",
    "budget_project",
    "execution_shortfall_reason",
}


def is_funds_block(node) -> bool:
    """The 10号 预算执行率 indicator, scored from the funds block at the head of the table."""
    return node.is_leaf and node.rule is not None and set(node.rule.facts()) == {"spending_actual", "budget_full_year"}


@dataclass
class TableItem:
    node: object
    line: object = None
    form: object = None
    add_group: str = ""


def _self_eval_context(data: AssessmentData, scored, forms, formsets) -> dict:
    """The 自评表 laid out as the framework's tree: headers with subtotals, a row per indicator (unit-written rows
    under their level-2 group), each with its score line; and the facts the framework's rules read."""
    spec = framework_spec(data.assessment.framework_version)
    lines = {line.code: line for line in scored.sheet.lines} if scored else {}
    fixed, by_group, orphans = {}, {}, []
    for form in formsets["rows"]:
        if form.indicator is not None:
            fixed[form.indicator.code] = form
            continue
        group = form["group_code"].value() or ""
        if group in {node.code for node in spec.walk() if node.unit_rows}:
            by_group.setdefault(group, []).append(form)
        else:
            orphans.append(form)
    table, execution_line, execution_row = [], None, None
    for node in spec.walk():
        line = lines.get(node.code)
        if is_funds_block(node):
            execution_line, execution_row = line, fixed.get(node.code)
            continue
        if node.unit_rows:
            table.append(TableItem(node, line))
            table += [TableItem(node, lines.get(form.prefix), form) for form in by_group.get(node.code, [])]
            table.append(TableItem(node, add_group=node.code))
        elif node.is_leaf:
            if node.code in fixed:
                table.append(TableItem(node, line, fixed[node.code]))
        else:
            table.append(TableItem(node, line))
    table += [TableItem(None, lines.get(form.prefix), form) for form in orphans]

    needed = set()
    for node in spec.walk():
        if node.rule is not None:
            needed.update(node.rule.facts())
    execution_form = forms["execution_form"]
    shown, hidden = [], []
    for name in execution_form.fields:
        if name in FUNDS_BLOCK_FIELDS:
            continue
        base = name.removesuffix("_responses").removesuffix("_satisfied")
        wanted = (
            name in needed
            or base in needed
            or (name == "budget_adjustment_excluded_reason" and "budget_adjustment_excluded" in needed)
        )
        (shown if wanted else hidden).append(execution_form[name])
    return {
        "indicator_table": table,
        "execution_line": execution_line,
        "execution_row": execution_row,
        "fact_fields": shown,
        "hidden_fact_fields": hidden,
    }
