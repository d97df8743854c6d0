from django.urls import path

from assessments.reports import views

urlpatterns = [
    path("<int:assessment_id>/report/", views.report_page, name="report"),
    path("<int:assessment_id>/report.pdf", views.report_pdf, name="report_pdf"),
]
