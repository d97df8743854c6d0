from django.urls import path

from assessments.workbook import views

urlpatterns = [
    path("<int:assessment_id>/excel/", views.workbook_page, name="workbook"),
    path("<int:assessment_id>/excel/download/", views.workbook_download, name="workbook_download"),
    path("<int:assessment_id>/excel/upload/", views.workbook_upload, name="workbook_upload"),
    path("<int:assessment_id>/excel/apply/", views.workbook_apply, name="workbook_apply"),
]
