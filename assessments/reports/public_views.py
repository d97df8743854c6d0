"""信息公开: the finalised reports by year and unit, for anyone (no login). Only an assessment that is final and has
its frozen snapshot is reachable here — a draft's or an in-review assessment's URL is a 404 — and contact phone
numbers are masked on the page. The PDF is the final report as frozen (identical to the submitted version), kept in
the export cache under the snapshot's fingerprint so that anonymous requests do not render it again and again."""

import re

from django.contrib.auth.decorators import login_not_required
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from assessments.models import Assessment, Snapshot
from assessments.reports.cache import cache_path, fingerprint, write_atomically
from assessments.reports.render import render_report_pdf, report_filename
from assessments.summaries import refresh_summaries, stored_summary
from perfeval.paging import paginate

_LOCAL_NUMBER = re.compile(r"(.*[-\s)）])(\d+)")


def mask_phone(phone: str) -> str:
    """0755-83301534 → 0755-****1534, 15869733298 → 158****3298: the area code and the last four digits stay."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    match = _LOCAL_NUMBER.fullmatch(phone)
    if match and len(match.group(2)) > 4:
        return f"{match.group(1)}****{match.group(2)[-4:]}"
    digits = re.sub(r"\D", "", phone)
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "****"


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
    stored summary, brought up to date for the page (assessments.summaries.refresh_summaries)."""
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
    groups: dict[int, list[dict]] = {}
    for assessment in (loaded[pk] for pk in pks if pk in loaded):
        summary = stored_summary(assessment)
        summary["phone"] = mask_phone(summary.pop("contact_phone", ""))
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
    path = cache_path(fingerprint(assessment, snapshot))
    if path.exists():
        pdf = path.read_bytes()
    else:
        pdf = render_report_pdf(assessment)
        write_atomically(path, pdf)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, report_filename(assessment))
    return response
