from django.urls import path

from assessments.evidence import views

urlpatterns = [
    path("<int:assessment_id>/evidence/", views.evidence_list, name="evidence"),
    path("<int:assessment_id>/evidence/upload/", views.evidence_upload, name="evidence_upload"),
    path("<int:assessment_id>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path("<int:assessment_id>/evidence/<int:evidence_id>/delete/", views.evidence_delete_view, name="evidence_delete"),
]
