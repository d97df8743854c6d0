"""信息公开: the finalised reports by year and unit, for anyone (no login). Only an assessment that is final and has
its frozen snapshot is reachable here — a draft's or an in-review assessment's URL is a 404 — and contact phone
numbers are masked, on the page and in the PDF. The PDF is the public variant of the final report: rendered once from
the frozen snapshot (so the data hash in its footer is the snapshot's) with the phone masked, then kept as published
(assessments.reports.disclosure.publish), its file's SHA-256 shown on the page and checkable on the verification
page. Dates are China's (Asia/Shanghai)."""

__all__ = ["mask_phone", "public_list", "public_pdf", "public_verify"]

import hashlib

from django.contrib.auth.decorators import login_not_required
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from assessments.models import Assessment, Snapshot
from assessments.reports.disclosure import china_date, mask_phone, normalised_hash, publish, verify
from assessments.reports.render import render_report_pdf, report_filename
from assessments.stored_summaries import refresh_summaries, stored_summary
from perfeval.paging import paginate

PUBLIC_PAGE = 50


def published():
    """Final assessments with a snapshot: the only ones the public ever sees."""
    return Assessment.objects.filter(
        Exists(Snapshot.objects.filter(assessment=OuterRef("pk"))), status=Assessment.Status.FINAL
    )


@login_not_required
@require_GET
def public_list(request):
    """A page of the list at a time (thousands of units publish every year), grouped by year; each line from its
    stored summary, brought up to date for the page (assessments.stored_summaries.refresh_summaries)."""
    years = list(published().order_by("-year").values_list("year", flat=True).distinct())
    chosen = request.GET.get("year", "")
    assessments = published()
    if chosen.isascii() and chosen.isdigit() and len(chosen) <= 4:  # not "²" (int() refuses it), not 5,000 digits
        assessments = assessments.filter(year=int(chosen))
    page = paginate(
        request, assessments.order_by("-year", "unit__code", "pk").values_list("pk", flat=True), per_page=PUBLIC_PAGE
    )
    pks = list(page.object_list)
    refresh_summaries(Assessment.objects.filter(pk__in=pks))
    loaded = Assessment.objects.select_related("unit__region__parent__parent", "unit__parent", "summary").in_bulk(pks)
    latest: dict[int, Snapshot] = {}
    for snapshot in Snapshot.objects.filter(assessment_id__in=pks).select_related("published").order_by("created_at"):
        latest[snapshot.assessment_id] = snapshot
    groups: dict[int, list[dict]] = {}
    for assessment in (loaded[pk] for pk in pks if pk in loaded):
        summary = stored_summary(assessment)
        summary["phone"] = mask_phone(summary.pop("contact_phone", ""))
        summary["finalised_on"] = china_date(summary["finalised_at"])
        snapshot = latest.get(assessment.pk)
        summary["data_sha256"] = snapshot.sha256 if snapshot else ""
        record = getattr(snapshot, "published", None) if snapshot else None
        summary["file_sha256"] = record.file_sha256 if record else ""
        groups.setdefault(assessment.year, []).append(summary)
    return render(
        request,
        "assessments/reports/public_list.html",
        {"groups": sorted(groups.items(), reverse=True), "years": years, "chosen": chosen, "page": page},
    )


@login_not_required
@require_GET
def public_pdf(request, assessment_id: int):
    assessment = get_object_or_404(
        published().select_related("unit__region__parent__parent", "unit__parent", "framework_version__framework"),
        pk=assessment_id,
    )
    snapshot = Snapshot.objects.latest_for(assessment)
    if snapshot is None:
        raise Http404
    pdf, _ = publish(assessment, snapshot, render=lambda a: render_report_pdf(a, public=True))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, report_filename(assessment))
    return response


VERIFY_MAX_BYTES = 100 * 1024 * 1024
NOT_A_HASH = "请粘贴 64 位十六进制的 SHA-256，或选择要核验的 PDF 文件。"
TOO_LARGE = "文件超过 100 MB，不是本站公开的报告。"


@login_not_required
@require_http_methods(["GET", "POST"])
def public_verify(request):
    """核验: anyone pastes a hash, or uploads a downloaded PDF (hashed here, not kept), and learns whether it is a
    published report's file, or a final report's data hash, and of which unit and year."""
    result, error, digest = None, "", ""
    if request.method == "POST" or request.GET.get("hash"):
        upload = request.FILES.get("file") if request.method == "POST" else None
        if upload is not None:
            if upload.size > VERIFY_MAX_BYTES:
                error = TOO_LARGE
            else:
                hasher = hashlib.sha256()
                for chunk in upload.chunks():
                    hasher.update(chunk)
                digest = hasher.hexdigest()
        else:
            digest = normalised_hash(request.POST.get("hash") or request.GET.get("hash", ""))
            error = "" if digest else NOT_A_HASH
        if digest and not error:
            kind, record, snapshot = verify(digest=digest)
            result = {"kind": kind, "record": record, "snapshot": snapshot, "uploaded": upload is not None}
    return render(
        request,
        "assessments/reports/public_verify.html",
        {"result": result, "error": error, "digest": digest},
        status=400 if error else 200,
    )
