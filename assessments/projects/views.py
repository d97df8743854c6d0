"""The 项目 tab: the assessment's 项目支出绩效自评表 (附件1-3) listed with their scores, adding and deleting a project,
and one page per project laid out like the official table, scored live by the engine as the user types."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from assessments import tables
from assessments.access import get_assessment_for_user, get_rw_assessment_for_user
from assessments.checks import checks_of_project, funds_block_codes, project_key_prefix
from assessments.explanations import explanations_save, stored_explanations
from assessments.forms import IndicatorRowFormSet
from assessments.layouts import layout_for
from assessments.models import Assessment, IndicatorRow, Project
from assessments.projects.forms import ProjectAddForm, ProjectTableForm, execution_form
from assessments.projects.services import project_create, project_delete, project_save
from assessments.rows import blank_row, form_row, form_rows
from assessments.scores import (
    ScoredProject,
    is_execution_row,
    project_facts,
    project_framework_version,
    score_project,
)
from assessments.selectors import assessment_data, attach_suggestions, with_texts
from assessments.services import NO_FRAMEWORK
from assessments.tabs import (
    TAB_LABELS,
    TABS,
    TableItem,
    disable,
    explanations_saved,
    next_url,
    posted_instances,
    tab_context,
)
from scoring.adapters import framework_spec

TAB = "projects"


@dataclass
class ProjectScore:
    """A project as the list shows it: its funds block totals and the engine's score (or why there is none)."""

    project: Project
    facts: dict[str, Decimal]
    scored: ScoredProject | None
    error: str = ""

    @property
    def execution_rate(self) -> Decimal | None:
        return execution_rate(self.facts)

    @property
    def hand_scored(self) -> list[str]:
        """The names of the lines scored by hand (数据无法取得，人工评分), for the 人工 mark beside the score."""
        if self.scored is None:
            return []
        return [line.name for line in self.scored.sheet.lines if line.is_leaf and line.by_hand]

    @property
    def points(self) -> Decimal | None:
        if self.scored is None:
            return None
        sheet = self.scored.sheet
        return sheet.total if sheet.complete else sheet.scored_total


def execution_rate(funds: dict[str, Decimal]) -> Decimal | None:
    """全年执行数 ÷ 全年预算数, or None when either is missing or the budget is 0."""
    budget, spending = funds.get("budget_full_year"), funds.get("spending_actual")
    return spending / budget if budget and spending is not None else None


def _score(project: Project, spec, rows: list[IndicatorRow]) -> tuple[ScoredProject | None, str]:
    try:
        return score_project(project, spec=spec, rows=rows), ""
    except ValidationError as error:
        return None, " ".join(error.messages)


def _expected_version(request) -> int | None:
    try:
        return int(request.POST.get("lock_version", ""))
    except ValueError:
        return None


def _no_framework(assessment: Assessment) -> str:
    return NO_FRAMEWORK.format(code=layout_for(assessment.unit).project_framework_code)


# --- the list --------------------------------------------------------------------------------------------------


def _add_form(assessment: Assessment, data=None) -> ProjectAddForm:
    unit = assessment.unit
    initial = {"supervising_department": unit.parent.name if unit.parent else "", "implementing_unit": unit.name}
    return ProjectAddForm(data, prefix="project", initial=initial)


def _render_list(request, assessment: Assessment, writable: bool, add_form, stale: str | None = None):
    data = assessment_data(assessment)
    context = tab_context(data, TAB, writable)
    version = project_framework_version(assessment)
    rows_by_project: dict[int, list[IndicatorRow]] = {}
    for row in data.rows:
        if row.project_id is not None:
            rows_by_project.setdefault(row.project_id, []).append(row)
    summaries = []
    for project in data.projects:
        if version is None:
            summaries.append(ProjectScore(project, project_facts(project), None, _no_framework(assessment)))
            continue
        scored, error = _score(project, framework_spec(version), rows_by_project.get(project.pk, []))
        summaries.append(ProjectScore(project, project_facts(project), scored, error))
    context.update(
        {
            "project_scores": summaries,
            "project_framework": version,
            "project_framework_error": "" if version else _no_framework(assessment),
            "add_form": add_form,
            "stale_message": stale,
        }
    )
    return render(request, "assessments/projects/tab_projects.html", context)


@require_GET
def project_list(request, assessment_id: int):
    # The score panel's narrative and explanations come with the assessment.
    assessment, writable = get_assessment_for_user(request.user, assessment_id, (with_texts,))
    return _render_list(request, assessment, writable, _add_form(assessment))


@require_POST
def project_add(request, assessment_id: int):
    assessment = get_rw_assessment_for_user(request.user, assessment_id)
    form = _add_form(assessment, request.POST)
    stale = None
    if form.is_valid():
        expected = _expected_version(request)
        if expected is None:
            return HttpResponseBadRequest("缺少版本号。")
        try:
            project = project_create(
                assessment=assessment, user=request.user, expected_version=expected, **form.cleaned_data
            )
        except ValidationError as error:
            stale = " ".join(error.messages)
        else:
            messages.success(request, f"已添加项目“{project.name}”，请填写项目资金和绩效指标。")
            return redirect("assessments:project", assessment.pk, project.pk)
    # Invalid or stale: the list is shown again with what the user typed.
    return _render_list(request, assessment, True, form, stale)


@require_POST
def project_delete_view(request, assessment_id: int, project_id: int):
    assessment = get_rw_assessment_for_user(request.user, assessment_id)
    project = get_object_or_404(Project, pk=project_id, assessment=assessment)
    expected = _expected_version(request)
    if expected is None:
        return HttpResponseBadRequest("缺少版本号。")
    try:
        project_delete(project=project, user=request.user, expected_version=expected)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"已删除项目“{project.name}”及其绩效指标。")
    return redirect("assessments:projects", assessment.pk)


# --- one project -----------------------------------------------------------------------------------------------


def _project_forms(project: Project, spec, post):
    """The table's form, its unit-written rows' formset and the 预算执行率's hand score (None when the framework's
    预算执行率 cannot be scored by hand), from one read of the project's rows."""
    form = ProjectTableForm(post, instance=project, prefix="project")
    stored = list(IndicatorRow.objects.filter(project=project))
    rows = IndicatorRowFormSet(
        post,
        rows=[row for row in stored if not is_execution_row(row)],
        prefix="row",
        indicators={},
        groups=tables.unit_row_groups(spec),
    )
    attach_suggestions(project.assessment, rows)
    return form, rows, execution_form(project, spec, stored, post)


def _indicator_table(spec, rows, lines) -> list[TableItem]:
    """产出/效益/满意度 as the framework's tree: a header per level-1 and level-2 indicator with its subtotal, the
    unit-written rows under their level-2 group, then an add button per group. 预算执行率 is the funds block."""
    unit_groups = {node.code for node in spec.walk() if node.unit_rows}
    by_group, orphans = {}, []
    for view in form_rows(rows):
        view.line = lines.get(view.prefix)
        if view.group in unit_groups:
            by_group.setdefault(view.group, []).append(view)
        else:
            orphans.append(view)
    table = []
    for node in spec.walk():
        if node.unit_rows:
            table.append(TableItem(node, lines.get(node.code)))
            table += [TableItem(node, view.line, view) for view in by_group.get(node.code, [])]
            table.append(TableItem(node, add_group=node.code))
        elif not node.is_leaf:
            table.append(TableItem(node, lines.get(node.code)))
    table += [TableItem(None, view.line, view) for view in orphans]
    return table


def _project_context(request, assessment, writable, project, version, form, rows, execution) -> dict:
    spec = framework_spec(version)
    # A row not yet put under a level-2 group cannot be scored; its form says so next to the row.
    typed = [row for row in posted_instances(rows) if row.group_code]
    if execution is not None:
        typed.append(execution.instance)
    scored, error = _score(form.instance, spec, typed)
    lines = {line.code: line for line in scored.sheet.lines} if scored else {}
    funds = project_facts(form.instance)
    table = _indicator_table(spec, rows, lines)
    execution_line = next((lines.get(node.code) for node in spec.walk() if tables.is_funds_block(node)), None)
    checks = checks_of_project(
        form.instance, scored, error, typed, stored_explanations(assessment), funds_block_codes(spec)
    )
    return {
        "assessment": assessment,
        "layout": layout_for(assessment.unit),
        "tabs": TABS,
        "tab": TAB,
        "tab_label": TAB_LABELS[TAB],
        "writable": writable and assessment.status == Assessment.Status.DRAFT,
        "project": project,
        "project_framework": version,
        "form": form,
        "rows": rows,
        "funds": funds,
        "execution_rate": execution_rate(funds),
        "fund_columns": tables.FUND_COLUMNS,
        "fund_rows": [
            (label, [form[f"{source}_{c}"] for c in tables.FUND_COLUMNS]) for label, source in tables.FUND_SOURCES
        ],
        "project_scored": scored,
        "project_error": error,
        "checks": checks,
        "explanations_url": reverse("assessments:project_explanations", args=[assessment.pk, project.pk]),
        "execution_line": execution_line,
        "execution_row": form_row(execution) if execution is not None else None,
        "indicator_table": table,
        "blank_row": blank_row(groups=tables.unit_row_groups(spec)),
        "groups_with_rows": {item.node.code for item in table if item.form is not None and item.node is not None},
        "preview_url": reverse("assessments:project_preview", args=[assessment.pk, project.pk]),
    }


def project_detail(request, assessment_id: int, project_id: int):
    assessment, writable = get_assessment_for_user(request.user, assessment_id)
    project = get_object_or_404(Project, pk=project_id, assessment=assessment)
    project.assessment = assessment  # as loaded, with its access check: not read again
    if request.method == "POST" and not writable:
        raise PermissionDenied("您对这份自评只有查看权限。")
    version = project_framework_version(assessment)
    if version is None:
        messages.error(request, _no_framework(assessment))
        return redirect("assessments:projects", assessment.pk)
    spec = framework_spec(version)
    stale = None
    if request.method == "POST":
        form, rows, execution = _project_forms(project, spec, request.POST)
        # all validated, so every error is shown
        if all([form.is_valid(), rows.is_valid(), execution is None or execution.is_valid()]):
            expected = _expected_version(request)
            if expected is None:
                return HttpResponseBadRequest("缺少版本号。")
            try:
                project_save(
                    project=project,
                    user=request.user,
                    expected_version=expected,
                    form=form,
                    rows=rows,
                    execution=execution,
                )
            except ValidationError as error:
                stale = " ".join(error.messages)
            else:
                messages.success(request, f"项目“{project.name}”已保存。")
                here = reverse("assessments:project", args=[assessment.pk, project.pk])
                return redirect(next_url(request, here))
    else:
        form, rows, execution = _project_forms(project, spec, None)
        if not writable or assessment.status != Assessment.Status.DRAFT:
            disable({"form": form, **({"execution": execution} if execution else {})}, {"rows": rows})
    context = _project_context(request, assessment, writable, project, version, form, rows, execution)
    context["stale_message"] = stale
    return render(request, "assessments/projects/project_detail.html", context)


@require_POST
def project_preview(request, assessment_id: int, project_id: int):
    """The project table's computed cells and score panel for the values as typed (nothing is saved)."""
    assessment, writable = get_assessment_for_user(request.user, assessment_id)
    project = get_object_or_404(Project, pk=project_id, assessment=assessment)
    version = project_framework_version(assessment)
    if version is None:
        return HttpResponseBadRequest(_no_framework(assessment))
    form, rows, execution = _project_forms(project, framework_spec(version), request.POST)
    form.is_valid()
    rows.is_valid()
    if execution is not None:
        execution.is_valid()
    context = _project_context(request, assessment, writable, project, version, form, rows, execution)
    return render(request, "assessments/projects/partials/project_preview.html", context)


@require_POST
def project_explanations(request, assessment_id: int, project_id: int):
    """Save the explanations typed beside the project table's 提示 (fields `explain:<key>`, with the text the page
    showed in `shown:<key>`); stored under the project's own keys, so the submit checklist sees them answered."""
    assessment = get_rw_assessment_for_user(request.user, assessment_id)
    project = get_object_or_404(Project, pk=project_id, assessment=assessment)
    prefix = project_key_prefix(project)
    posted = {
        key: (request.POST.get(f"shown:{key}", ""), text)
        for name, text in request.POST.items()
        if name.startswith("explain:") and (key := name.removeprefix("explain:")).startswith(prefix)
    }
    here = reverse("assessments:project", args=[assessment.pk, project.pk]) + "#project-findings"
    version = project_framework_version(assessment)
    if version is None:
        messages.error(request, _no_framework(assessment))
        return redirect("assessments:projects", assessment.pk)
    rows = list(IndicatorRow.objects.filter(project=project))
    scored, error = _score(project, framework_spec(version), rows)
    if scored is None:
        messages.error(request, error)
        return redirect(here)
    try:
        count, refusals = explanations_save(
            assessment=assessment,
            user=request.user,
            posted=posted,
            findings=checks_of_project(project, scored, "", rows, {}, ()).findings,
            prefix=prefix,
            where=f"项目“{project.name}”·",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(here)
    explanations_saved(request, count, refusals)
    return redirect(here)
