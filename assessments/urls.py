from django.urls import path

from assessments import report_views, views, workbook_views, workflow_views
from assessments.evidence_views import evidence_delete_view, evidence_download, evidence_list, evidence_upload
from assessments.project_views import project_add, project_delete_view, project_detail, project_list, project_preview

app_name = "assessments"
urlpatterns = [
    path("<int:assessment_id>/", views.assessment_detail, name="detail"),
    path("<int:assessment_id>/projects/", project_list, name="projects"),
    path("<int:assessment_id>/projects/add/", project_add, name="project_add"),
    path("<int:assessment_id>/projects/<int:project_id>/", project_detail, name="project"),
    path("<int:assessment_id>/projects/<int:project_id>/preview/", project_preview, name="project_preview"),
    path("<int:assessment_id>/projects/<int:project_id>/delete/", project_delete_view, name="project_delete"),
    path("<int:assessment_id>/evidence/", evidence_list, name="evidence"),
    path("<int:assessment_id>/evidence/upload/", evidence_upload, name="evidence_upload"),
    path("<int:assessment_id>/evidence/<int:evidence_id>/", evidence_download, name="evidence_download"),
    path("<int:assessment_id>/evidence/<int:evidence_id>/delete/", evidence_delete_view, name="evidence_delete"),
    path("<int:assessment_id>/submit/", workflow_views.submit_view, name="submit"),
    path("<int:assessment_id>/sign/", workflow_views.sign_view, name="sign"),
    path("<int:assessment_id>/return/", workflow_views.return_view, name="return"),
    path("<int:assessment_id>/rescore/", workflow_views.rescore_view, name="rescore"),
    path("<int:assessment_id>/reopen/", workflow_views.reopen_view, name="reopen"),
    path("<int:assessment_id>/audit/", workflow_views.audit_view, name="audit"),
    path("<int:assessment_id>/excel/", workbook_views.workbook_page, name="workbook"),
    path("<int:assessment_id>/excel/download/", workbook_views.workbook_download, name="workbook_download"),
    path("<int:assessment_id>/excel/upload/", workbook_views.workbook_upload, name="workbook_upload"),
    path("<int:assessment_id>/excel/apply/", workbook_views.workbook_apply, name="workbook_apply"),
    path("<int:assessment_id>/report/", report_views.report_page, name="report"),
    path("<int:assessment_id>/report.pdf", report_views.report_pdf, name="report_pdf"),
    path("<int:assessment_id>/<slug:tab>/", views.assessment_tab, name="tab"),
    path("<int:assessment_id>/<slug:tab>/preview/", views.assessment_preview, name="preview"),
]
