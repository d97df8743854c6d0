"""试算 screens: one assessment (or one of its projects) under another framework version, beside the version it is
scored with, and its Excel download; the region-year run over every unit, with its progress and its Excel file.

Who sees what: an assessment's what-if is open to everyone who may see the assessment — its reviewers and
administrators, and also its preparers (it changes nothing, shows only their own unit's data, and lets them see
what a region's change of rules would mean before they submit); strangers get 404 as on every assessment page. The
region-year run is for administrators only, over the units they may see."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from assessments.access import get_assessment_for_user, require_administrator
from assessments.frameworks import explanations
from assessments.layouts import layout_for
from assessments.models import WhatIfRun
from assessments.selectors import assessment_data
from assessments.tabs import TABS
from assessments.whatif.forms import RegionWhatIfForm, WhatIfForm
from assessments.whatif.services import (
    XLSX,
    assessment_whatif,
    comparison_rows,
    project_whatif,
    region_run_start,
    region_workbook,
    whatif_workbook,
)


def _whatif_for(request, assessment_id: int):
    assessment, writable = get_assessment_for_user(request.user, assessment_id)
    data = assessment_data(assessment)
    form = WhatIfForm(request.GET or None, projects=data.projects)
    whatif = error = None
    if form.is_bound and form.is_valid():
        other = form.cleaned_data["version"]
        project = form.cleaned_data["project"]
        try:
            if project is None:
                whatif = assessment_whatif(data, other)
            else:
                rows = [row for row in data.rows if row.project_id == project.pk]
                whatif = project_whatif(assessment, project, rows, other)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    return assessment, writable, form, whatif, error


@require_GET
def whatif_page(request, assessment_id: int):
    assessment, writable, form, whatif, error = _whatif_for(request, assessment_id)
    context = {
        "assessment": assessment,
        "layout": layout_for(assessment.unit),
        "framework_notes": explanations(assessment),
        "tabs": TABS,
        "tab": "whatif",
        "tab_label": "指标体系试算",
        # no form to save here; it says whether the “只有查看权限” note applies
        "writable": writable and assessment.status == assessment.Status.DRAFT,
        "form": form,
        "whatif": whatif,
        "rows": comparison_rows(whatif.comparison) if whatif else [],
        "error": error,
    }
    return render(request, "assessments/whatif/page.html", context)


@require_GET
def whatif_download(request, assessment_id: int):
    assessment, _, _form, whatif, error = _whatif_for(request, assessment_id)
    if whatif is None:
        raise Http404(error or "请先选择对比的指标体系。")
    response = HttpResponse(whatif_workbook(whatif), content_type=XLSX)
    name = f"{assessment.year}年度{assessment.unit.name}指标体系试算.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def region_index(request):
    require_administrator(request.user)
    form = RegionWhatIfForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        run = region_run_start(
            user=request.user,
            region=form.cleaned_data["region"],
            year=form.cleaned_data["year"],
            form=form.cleaned_data["form"],
            other=form.cleaned_data["version"],
        )
        return redirect("whatif:run", run.pk)
    runs = WhatIfRun.objects.filter(requested_by=request.user).select_related("region", "other_version")[:20]
    return render(request, "assessments/whatif/region_index.html", {"form": form, "runs": runs})


def _run_for(user, run_id: int) -> WhatIfRun:
    """An administrator sees the runs they started (a superuser every run); another's is a 404."""
    require_administrator(user)
    runs = WhatIfRun.objects.select_related("region__parent__parent", "other_version")
    if not user.is_superuser:
        runs = runs.filter(requested_by=user)
    return get_object_or_404(runs, pk=run_id)


@require_GET
def region_run(request, run_id: int):
    run = _run_for(request.user, run_id)
    summary = run.result.get("summary") if run.status == WhatIfRun.Status.DONE else None
    rows = run.result.get("rows", []) if summary else []
    changed = [row for row in rows if row.get("grade_changed")]
    context = {"run": run, "summary": summary, "rows": rows, "changed": changed}
    if request.headers.get("HX-Request"):
        response = render(request, "assessments/whatif/region_run.html#progress", context)
        if run.status in (WhatIfRun.Status.DONE, WhatIfRun.Status.FAILED):
            response["HX-Refresh"] = "true"  # the summary below the progress bar comes with the whole page
        return response
    return render(request, "assessments/whatif/region_run.html", context)


@require_GET
def region_download(request, run_id: int):
    run = _run_for(request.user, run_id)
    if run.status != WhatIfRun.Status.DONE:
        raise Http404("试算尚未完成。")
    response = HttpResponse(region_workbook(run), content_type=XLSX)
    name = f"{run.year}年度{run.region.name}指标体系试算.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}"
    return response
