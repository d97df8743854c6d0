from django.urls import path

from assessments import views

app_name = "assessments"
urlpatterns = [
    path("<int:assessment_id>/", views.assessment_detail, name="detail"),
    path("<int:assessment_id>/<slug:tab>/", views.assessment_tab, name="tab"),
    path("<int:assessment_id>/<slug:tab>/preview/", views.assessment_preview, name="preview"),
]
