"""The 佐证材料 tab: the assessment's evidence files listed, uploaded, downloaded (only through this view, after the
same permission check as every screen of the unit) and deleted."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_GET, require_POST

from assessments.access import get_assessment_for_user, get_rw_assessment_for_user
from assessments.evidence.services import (
    ALLOWED_LABEL,
    EvidenceForm,
    attachment_choices,
    attachment_label,
    evidence_create,
    evidence_delete,
    flat_labels,
    max_bytes,
)
from assessments.layouts import layout_for
from assessments.models import Assessment, Evidence
from assessments.selectors import AssessmentData, assessment_data, with_texts
from assessments.tabs import tab_context
from scoring.adapters import framework_spec

TAB = "evidence"


def _choices(data: AssessmentData):
    assessment = data.assessment
    spec = framework_spec(assessment.framework_version) if assessment.framework_version else None
    return attachment_choices(
        spec=spec, sections=layout_for(assessment.unit).sections, rows=data.rows, projects=data.projects
    )


def _render(request, data: AssessmentData, writable: bool, form=None):
    choices = _choices(data)
    labels = flat_labels(choices)
    items = Evidence.objects.filter(assessment=data.assessment).select_related("uploaded_by")
    context = tab_context(data, TAB, writable)
    context.update(
        {
            "evidence_form": form or EvidenceForm(choices=choices),
            "evidence_items": [(item, filesizeformat(item.size), attachment_label(item, labels)) for item in items],
            "allowed_label": ALLOWED_LABEL,
            "max_size": filesizeformat(max_bytes()),
        }
    )
    return render(request, "assessments/evidence/tab_evidence.html", context)


@require_GET
def evidence_list(request, assessment_id: int):
    # The score panel's narrative and explanations come with the assessment.
    assessment, writable = get_assessment_for_user(request.user, assessment_id, (with_texts,))
    return _render(request, assessment_data(assessment), writable)


@require_POST
def evidence_upload(request, assessment_id: int):
    assessment = get_rw_assessment_for_user(request.user, assessment_id)
    data = assessment_data(assessment)
    form = EvidenceForm(request.POST, request.FILES, choices=_choices(data))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            evidence_create(
                assessment=assessment,
                user=request.user,
                upload=upload,
                description=form.cleaned_data["description"],
                evidence_type=form.cleaned_data["evidence_type"],
                **form.target(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已上传“{upload.name}”。")
            return redirect("assessments:evidence", assessment.pk)
    # Refused: the page is shown again with the choice and 说明 as typed (a browser never keeps a chosen file).
    return _render(request, data, True, form)


def _evidence(assessment: Assessment, evidence_id: int) -> Evidence:
    evidence = get_object_or_404(Evidence, pk=evidence_id, assessment=assessment)
    evidence.assessment = assessment
    return evidence


@require_GET
def evidence_download(request, assessment_id: int, evidence_id: int):
    assessment, _ = get_assessment_for_user(request.user, assessment_id)
    evidence = _evidence(assessment, evidence_id)
    try:
        handle = evidence.file.storage.open(evidence.file.name, "rb")
    except FileNotFoundError:
        raise Http404("文件已不存在。") from None
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name)


@require_POST
def evidence_delete_view(request, assessment_id: int, evidence_id: int):
    assessment = get_rw_assessment_for_user(request.user, assessment_id)
    evidence = _evidence(assessment, evidence_id)
    try:
        evidence_delete(evidence=evidence, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"已删除“{evidence.original_name}”。")
    return redirect("assessments:evidence", assessment.pk)
