"""The report of an assessment: the HTML page and the PDF download (assessments.reports.render does the work)."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from assessments.access import get_assessment_for_user
from assessments.reports.render import cached_report_pdf, render_report_html, report_filename

# ?form=official: the 官方表样 (the 附件 tables as issued, without the explanation lines).
OFFICIAL = "official"


@require_GET
def report_page(request, assessment_id: int):
    assessment, _ = get_assessment_for_user(request.user, assessment_id)
    official = request.GET.get("form") == OFFICIAL
    return HttpResponse(render_report_html(assessment, layout=request.GET.get("layout"), official=official))


@require_GET
def report_pdf(request, assessment_id: int):
    assessment, _ = get_assessment_for_user(request.user, assessment_id)
    pdf = cached_report_pdf(assessment, layout=request.GET.get("layout"), official=request.GET.get("form") == OFFICIAL)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, report_filename(assessment))
    return response
