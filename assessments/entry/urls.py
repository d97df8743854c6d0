from django.urls import path

from assessments.entry import views

# Listed last by assessments/urls.py: `<slug:tab>/` would otherwise shadow the other features' paths.
urlpatterns = [
    path("<int:assessment_id>/", views.assessment_detail, name="detail"),
    path("<int:assessment_id>/explanations/", views.explanations_view, name="explanations"),
    path("<int:assessment_id>/<slug:tab>/", views.assessment_tab, name="tab"),
    path("<int:assessment_id>/<slug:tab>/preview/", views.assessment_preview, name="preview"),
]
