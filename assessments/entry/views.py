"""Assessment screens: one view per tab (GET shows it, POST saves it) and one live preview per tab, which
recomputes the tab's derived figures and the score sheet from the typed values without saving them."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import modelformset_factory
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_POST

from assessments import forms as f
from assessments import tables
from assessments.access import get_assessment_for_user
from assessments.checks import finding_link, finding_place, row_prefixes
from assessments.entry.conflicts import STALE_ON_TAB, changes_since, merge
from assessments.explanations import explanations_save, hints_of
from assessments.last_year import (
    Shown,
    assessment_before,
    last_year,
    matched_by_name,
    values_shown,
    with_year_before,
)
from assessments.layouts import layout_for
from assessments.models import Assessment, EvaluationMember, Institution, ReviewComment, SpecialFund
from assessments.narrative import sheet_figures, with_narrative_findings
from assessments.rectification.services import prior_items
from assessments.rows import RowFields, blank_row, form_rows, stored_rows, suggestions_shown, with_last_year
from assessments.selectors import (
    AssessmentData,
    assessment_data,
    review_comments,
    target_suggestions,
    with_comments,
    with_texts,
)
from assessments.services import RowsOf, StaleSave, assessment_save_forms
from assessments.tabs import (
    TAB_LABELS,
    TableItem,
    disable,
    explanations_saved,
    next_url,
    posted_instances,
    tab_context,
)
from assessments.workflow.review import review_context
from scoring.adapters import framework_spec

InstitutionFormSet = modelformset_factory(
    Institution, form=f.InstitutionForm, formset=f.RowFormSet, extra=0, can_delete=True, can_order=True
)
SpecialFundFormSet = modelformset_factory(
    SpecialFund, form=f.SpecialFundForm, formset=f.RowFormSet, extra=0, can_delete=True, can_order=True
)


@require_GET
def assessment_detail(request, assessment_id: int):
    get_assessment_for_user(request.user, assessment_id)
    return redirect("assessments:tab", assessment_id, "basic")


# --- the tabs: each returns its bound (or unbound) forms and formsets ---------------------------------------------


def _basic_forms(data: AssessmentData, post):
    return {
        "unit_form": f.UnitInfoForm(post, instance=data.assessment.unit, prefix="unit"),
        "staffing_form": f.StaffingForm(post, instance=data.staffing, prefix="staffing"),
        "goal_form": f.GoalForm(post, instance=data.assessment, prefix="goal"),
    }, {}


def _finance_forms(data: AssessmentData, post):
    return {}, {
        "institutions": InstitutionFormSet(post, rows=data.institutions, prefix="inst"),
    }


def _basic_data_forms(data: AssessmentData, post):
    return {"basic_form": f.BasicDataForm(post, instance=data.facts, prefix="facts")}, {
        "special_funds": SpecialFundFormSet(post, rows=data.special_funds, prefix="fund"),
    }


def _self_eval_forms(data: AssessmentData, post):
    forms = {
        "execution_form": f.ExecutionForm(post, instance=data.facts, prefix="facts"),
        "goal_form": f.GoalForm(post, instance=data.assessment, prefix="goal"),
    }
    if post is None:
        # The rows are shown from their stored values (assessments/rows.py): forms are built only to validate a save.
        # Each is tagged with the prefix it has on the page, where its score line is shown.
        for index, row in enumerate(data.assessment_rows):
            row.form_key = f"row-{index}"
        return forms, {}
    spec = framework_spec(data.assessment.framework_version)
    rows = f.IndicatorRowFormSet(
        post,
        rows=data.assessment_rows,
        prefix="row",
        indicators=spec.by_code,
        groups=tables.unit_row_groups(spec),
    )
    return forms, {"rows": rows}


def _narrative_forms(data: AssessmentData, post):
    sections = layout_for(data.assessment.unit).sections
    form = f.NarrativeForm(post, assessment=data.assessment, sections=sections, stored=data.narrative_sections())
    return {"narrative_form": form}, {}


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


def assessment_tab(request, assessment_id: int, tab: str):
    if tab not in TAB_LABELS:
        return render(request, "404.html", status=404)
    reads = TAB_READS[tab] if request.method == "GET" else ()
    assessment, writable = get_assessment_for_user(request.user, assessment_id, reads)
    data = assessment_data(assessment, last_year=LAST_YEAR_READ.get(tab, ()))  # when it came with the assessment
    builder = FORM_BUILDERS.get(tab)
    forms, formsets, stale, conflict = {}, {}, None, None
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
                        formsets=[RowsOf(fs, assessment=assessment) for fs in formsets.values()],
                        label=TAB_LABELS[tab],
                    )
                except StaleSave as error:
                    # Someone saved first: show what they changed, and lay the user's input over the newest version.
                    stale = STALE_ON_TAB.format(who=error.who, when=error.when)
                    data = assessment_data(assessment, reread=True)
                    theirs = changes_since(assessment, expected)
                    merged, conflict = merge(request.POST, forms, formsets, where=TAB_LABELS[tab], theirs=theirs)
                    forms, formsets = builder(data, merged)
                    for bound in [*forms.values(), *formsets.values()]:
                        bound.is_valid()
                except ValidationError as error:  # the assessment is no longer a draft
                    stale = " ".join(error.messages)
                else:
                    messages.success(request, f"“{TAB_LABELS[tab]}”已保存。")
                    return redirect(next_url(request, reverse("assessments:tab", args=[assessment.pk, tab])))
            # Invalid or stale: the page is shown again with everything the user typed.
            data = _data_with_posted_values(data, forms, formsets)
        else:
            forms, formsets = builder(data, None)
            data = _data_with_posted_values(data, forms, formsets)
            if not writable or assessment.status != Assessment.Status.DRAFT:
                disable(forms, formsets)
    context = _tab_page(request, data, tab, writable, forms, formsets)
    context["stale_message"] = stale
    context["conflict"] = conflict
    # A refused save shows the typed values again; the page stays unsaved until a save is accepted.
    context["refused"] = request.method == "POST"
    return render(request, f"assessments/entry/tab_{tab.replace('-', '_')}.html", context)


@require_POST
def assessment_preview(request, assessment_id: int, tab: str):
    """The tab's computed cells and the score panel for the values as typed (nothing is saved)."""
    builder = FORM_BUILDERS.get(tab)
    if builder is None:
        return render(request, "404.html", status=404)
    assessment, _ = get_assessment_for_user(request.user, assessment_id, (with_texts,))
    data = assessment_data(assessment)
    forms, formsets = builder(data, request.POST)
    for form in forms.values():
        form.is_valid()
    for formset in formsets.values():
        formset.is_valid()
    data = _data_with_posted_values(data, forms, formsets)
    context = _tab_page(request, data, tab, False, forms, formsets, beside=False)
    return render(request, "assessments/entry/partials/preview.html", context)


def _data_with_posted_values(data: AssessmentData, forms, formsets) -> AssessmentData:
    """Bound forms have already copied their valid values onto the instances (ModelForm._post_clean); rows of
    formsets are taken as posted, so the computed figures shown match what the user sees on the page."""
    if "institutions" in formsets:
        data.institutions = posted_instances(formsets["institutions"])
    if "special_funds" in formsets:
        data.special_funds = posted_instances(formsets["special_funds"])
    if "rows" in formsets:
        project_rows = [row for row in data.rows if row.project_id is not None]
        data.rows = posted_instances(formsets["rows"]) + project_rows
    if "staffing_form" in forms:
        data.staffing = forms["staffing_form"].instance
    data._fact_sheet = None
    return data


def _tab_page(request, data: AssessmentData, tab: str, writable: bool, forms, formsets, *, beside=True) -> dict:
    """`beside`: with last year's figures and the 提示 boxes beside the inputs (a live preview swaps only the computed
    cells, so it needs neither)."""
    context = tab_context(data, tab, writable, forms, formsets, previews=tab in FORM_BUILDERS)
    scored, assessment = context["scored"], data.assessment
    prior = None
    if beside and tab in BESIDE_TABS:
        prior = last_year(assessment)
        context.update(_beside_inputs(data, tab, scored, forms, formsets, prior, context["explained"]))
    if beside and tab == "narrative" and context.get("checks") is not None:
        # A figure typed in the narrative that differs from the computed one is a 提示 like any other: its box
        # stands under the section it was found in (the panel's checks hold it with its explanation already).
        hints = [hint for hint in context["checks"].hints if finding_place(hint.finding)[0] == "narrative"]
        context.update(_boxes_beside({}, hints, lambda finding: finding_place(finding)[1]))
    if tab == "self-eval":
        context.update(
            _self_eval_context(
                data, scored, forms, formsets, disabled=not context["writable"], prior=prior, inputs=beside
            )
        )
        _hints_beside_rows(context)
    if tab == "review":
        context.update(review_context(request, data, scored))
    if tab == "narrative" and scored is not None:
        context["placeholders"] = list(sheet_figures(data, scored).values())
    if tab == "narrative":
        # What last year's report promised to fix and how far it got: the narrative reports on it.
        context["prior_assessment"] = assessment_before(assessment)
        context["prior_rectification"] = prior_items(assessment) if context["prior_assessment"] else []
    if tab == "score" and scored is not None:
        rows = row_prefixes(data.assessment_rows)
        checks = context["checks"]  # as the score panel counts them
        context["findings"] = [(finding, finding_link(assessment, finding, rows)) for finding in checks.findings]
        context["hints"] = checks.hints
    return context


@require_POST
def explanations_view(request, assessment_id: int):
    """Save the explanations typed next to the warnings of 得分与检查 (fields `explain-<n>` with the finding's key
    in `key-<n>` and the text the page showed in `shown-<n>`)."""
    assessment, writable = get_assessment_for_user(request.user, assessment_id)
    if not writable:
        raise PermissionDenied("您对这份自评只有查看权限。")
    posted = {}
    for name, key in request.POST.items():
        if name.startswith("key-"):
            index = name.removeprefix("key-")
            posted[key] = (request.POST.get(f"shown-{index}", ""), request.POST.get(f"explain-{index}", ""))
    target = next_url(request, reverse("assessments:tab", args=[assessment.pk, "score"]) + "#findings")
    try:
        data = assessment_data(assessment)
        count, refusals = explanations_save(
            assessment=assessment,
            user=request.user,
            posted=posted,
            findings=with_narrative_findings(data, data.scored()),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(target)
    explanations_saved(request, count, refusals)
    return redirect(target)


def _self_eval_context(
    data: AssessmentData, scored, forms, formsets, *, disabled: bool, prior=None, inputs: bool = True
) -> dict:
    """The 自评表 laid out as the framework's tree: headers with subtotals, a row per indicator (unit-written rows
    under their level-2 group), each with its score line; and the facts the framework's rules read. The rows are
    the stored ones on a GET, the typed ones (with their errors) after a refused save or in a preview."""
    spec = framework_spec(data.assessment.framework_version)
    groups = tables.unit_row_groups(spec)
    made = RowFields(groups)  # the fields of each kind of row, for the stored rows and the blank one
    if "rows" in formsets:
        views = form_rows(formsets["rows"], inputs=inputs)
        instances = [form.instance for form in formsets["rows"].forms]
    else:
        instances = data.assessment_rows
        views = stored_rows(instances, indicators=spec.by_code, groups=groups, disabled=disabled, made=made)
    found = target_suggestions(data.assessment, instances)
    lines = {line.code: line for line in scored.sheet.lines} if scored else {}
    fixed, by_group, orphans = {}, {}, []
    unit_groups = {node.code for node in spec.walk() if node.unit_rows}
    for view in views:
        view.suggestions = suggestions_shown(found.get(view.pk, ())) if view.pk else ()
        if view.indicator is not None:
            fixed[view.indicator.code] = view
        elif view.group in unit_groups:
            by_group.setdefault(view.group, []).append(view)
        else:
            orphans.append(view)
    if prior is not None:
        _attach_last_year(prior, [*fixed.values(), *(view for group in by_group.values() for view in group)])
    table, execution_line, execution_row = [], None, None
    for node in spec.walk():
        line = lines.get(node.code)
        if tables.is_funds_block(node):
            execution_line, execution_row = line, fixed.get(node.code)
            continue
        if node.unit_rows:
            table.append(TableItem(node, line))
            table += [TableItem(node, lines.get(view.prefix), view) for view in by_group.get(node.code, [])]
            table.append(TableItem(node, add_group=node.code))
        elif node.is_leaf:
            if node.code in fixed:
                table.append(TableItem(node, line, fixed[node.code]))
        else:
            table.append(TableItem(node, line))
    table += [TableItem(None, lines.get(view.prefix), view) for view in orphans]
    for item in table:
        if item.form is not None:
            item.form.line = item.line

    needed = set()
    for node in spec.walk():
        if node.rule is not None:
            needed.update(node.rule.facts())
    execution_form = forms["execution_form"]
    shown, hidden = [], []
    for name in execution_form.fields:
        if name in tables.FUNDS_BLOCK_FIELDS:
            continue
        base = name.removesuffix("_responses").removesuffix("_satisfied")
        wanted = (
            name in needed
            or base in needed
            or (name == "budget_adjustment_excluded_reason" and "budget_adjustment_excluded" in needed)
        )
        (shown if wanted else hidden).append(execution_form[name])
    placed = _comments_in_place(data.assessment, table, scored, execution_row)
    assessment = data.assessment
    return {
        **placed,
        "may_answer": assessment.status == Assessment.Status.DRAFT and assessment.returned,
        "indicator_table": table,
        "execution_line": execution_line,
        "execution_row": execution_row,
        "row_count": len(views),
        "initial_row_count": formsets["rows"].initial_form_count() if "rows" in formsets else len(views),
        "blank_row": blank_row(groups=groups, made=made) if inputs else None,
        "fact_fields": shown,
        "hidden_fact_fields": hidden,
    }


def _comments_in_place(assessment, table, scored, execution_row) -> dict:
    """Reviewers' comments beside what they are about, so the preparer answers each where it applies after a return:
    an indicator's under its row (a level-1 or level-2 line's under its heading, 预算执行率's under the funds block);
    a finding's under the row its finding names (found by the finding's text, or by its check when only one finding
    of that check remains), or under the funds block when it names the funds block's figures. What cannot be placed
    (a finding since resolved, a row since deleted, a figure of another tab) is listed above the table."""
    forms = [item.form for item in table if item.form is not None]
    if execution_row is not None:
        forms.append(execution_row)
    # A comment names a row by its stored key ("row-<pk>" for a unit row); a finding on this page by its score line's
    # key, which is the form's prefix for a unit row (entry_key's form_key). Two maps: "row-3" may mean either.
    by_comment_key, by_finding_field = {}, {}
    for form in forms:
        by_comment_key[form.comment_key] = form.prefix
        by_finding_field[form.indicator.code if form.indicator is not None else form.prefix] = form.prefix
    headings = {item.node.code for item in table if item.form is None and item.node is not None}
    funds_prefix = execution_row.prefix if execution_row is not None else None
    findings = scored.findings if scored is not None else []
    by_prefix, by_node, funds, unplaced = {}, {}, [], []
    for comment in review_comments(assessment):
        where = None
        if comment.target == ReviewComment.Target.INDICATOR:
            if comment.key in headings:
                by_node.setdefault(comment.key, []).append(comment)
                continue
            where = by_comment_key.get(comment.key)
        else:
            same = [f for f in findings if f.code == comment.key]
            exact = [f for f in same if Truncator(f.message).chars(300) == comment.label]
            finding = (exact or (same if len(same) == 1 else [None]))[0]
            if finding is not None:
                rows = [by_finding_field[name] for name in finding.fields if name in by_finding_field]
                if rows:
                    where = rows[0]
                elif any(name in tables.FUNDS_BLOCK_FIELDS for name in finding.fields):
                    funds.append(comment)
                    continue
        if where is None:
            unplaced.append(comment)
        elif where == funds_prefix:
            funds.append(comment)
        else:
            by_prefix.setdefault(where, []).append(comment)
    return {
        "comments_by_prefix": by_prefix,
        "comments_by_node": by_node,
        "funds_comments": funds,
        "unplaced_comments": unplaced,
        # Every comment shown on the tab: each needs its answer form outside the tab's own form.
        "row_comment_list": [
            *(c for comments in by_prefix.values() for c in comments),
            *(c for comments in by_node.values() for c in comments),
            *funds,
            *unplaced,
        ],
    }


def _attach_last_year(prior, views) -> None:
    """Each row's last-year row (a framework indicator by code, a unit-written row by group and name), so the screen
    can show 上年 beside the inputs."""
    by_key = {(row.code, row.group_code, "" if row.code else row.name): row for row in prior.indicator_rows}
    for view in views:
        with_last_year(view, by_key.get((view.code, view.group, "" if view.code else view.name)))


def _hints_beside_rows(context) -> None:
    """The 提示 about an indicator row stand in that row, below its score's explanation."""
    beside, placed = context.get("beside"), context.get("beside_placed")
    if not beside:
        return
    rows = [item.form for item in context["indicator_table"] if item.form is not None]
    if context.get("execution_row") is not None:
        rows.append(context["execution_row"])
    for row in rows:
        start = f"id_{row.prefix}-"
        row.hints = tuple(
            pair for anchor, found in beside.items() if anchor.startswith(start) for pair in found["hints"]
        )
        placed.update(number for number, _ in row.hints)


# The tabs whose inputs show last year's figure (上年) and the explanation box of each 提示 about them.
BESIDE_TABS = ("basic", "finance", "basic-data", "self-eval")
# What of an open last year a tab shows beside its inputs, read with this year's (selectors.LAST_YEAR_PARTS); its
# facts and the unit's staffing come with the assessment.
# What a tab's GET reads in the query loading the assessment: the narrative and the explanations (the score panel),
# and last year's assessment — its figures for 上年 beside the inputs, itself for the 整改事项 the narrative reports
# on. A save, which mostly redirects, reads them only when it shows the page again. Made once: the same objects on
# every request let the loading query be compiled once (assessments.access.get_assessment_for_user).
TAB_READS = {
    tab: (
        with_texts,
        *((with_comments,) if tab == "self-eval" else ()),  # the reviewers' comments stand under the rows
        *((partial(with_year_before, figures=tab in BESIDE_TABS),) if tab in BESIDE_TABS or tab == "narrative" else ()),
    )
    for tab in TAB_LABELS
}
LAST_YEAR_READ = {"finance": ("institutions",), "basic-data": ("special_funds",), "self-eval": ("indicator_rows",)}


def _beside_inputs(data: AssessmentData, tab: str, scored, forms, formsets, prior, explained: dict) -> dict:
    """What stands beside the inputs of a data-entry tab: last year's value where last year's assessment of the unit
    has one (a figure, a choice's label, a text's excerpt), and the explanation box of each 提示 whose input is on this
    tab (saved where the 得分与检查 tab saves them; `explained`: the stored ones, as the tab's context read them).
    `beside` maps an input's id to {"prior": Shown or None, "hints": [(number, Hint)]}."""
    shown: dict[str, Shown] = {}
    if prior is not None:
        if "staffing_form" in forms:
            shown.update(values_shown(prior.staffing, forms["staffing_form"].fields, "staffing"))
        if "goal_form" in forms:
            shown.update(values_shown(prior.goal, forms["goal_form"].fields, "goal"))
        for name in ("basic_form", "execution_form"):
            if name in forms:
                shown.update(values_shown(prior.facts, forms[name].fields, "facts"))
        for name, previous in (("institutions", "institutions"), ("special_funds", "special_funds")):
            if name in formsets:
                rows = formsets[name].forms
                for index, row in matched_by_name([form.instance for form in rows], getattr(prior, previous)):
                    shown.update(values_shown(row, rows[index].fields, rows[index].prefix))
    rows = row_prefixes(data.assessment_rows)
    findings = scored.findings if scored is not None else []
    here = [f for f in findings if f.severity != "error" and finding_place(f, rows)[0] == tab]
    hints = hints_of(here, explained) if here else []
    return _boxes_beside(shown, hints, lambda finding: finding_place(finding, rows)[1])


def _boxes_beside(shown: dict, hints, anchor_of) -> dict:
    """The page context of what stands beside the inputs: last year's figure (`shown`, by input id) and the numbered
    explanation boxes of the 提示, each at the input `anchor_of` its finding gives; each box is drawn once."""
    beside = {anchor: {"prior": value, "hints": []} for anchor, value in shown.items()}
    numbered = list(enumerate(hints, 1))
    for number, hint in numbered:
        beside.setdefault(anchor_of(hint.finding), {"prior": None, "hints": []})["hints"].append((number, hint))
    return {"beside": beside, "beside_hints": numbered, "beside_placed": set()}
