from django.urls import path

from assessments.projects import views

urlpatterns = [
    path("<int:assessment_id>/projects/", views.project_list, name="projects"),
    path("<int:assessment_id>/projects/add/", views.project_add, name="project_add"),
    path("<int:assessment_id>/projects/<int:project_id>/", views.project_detail, name="project"),
    path("<int:assessment_id>/projects/<int:project_id>/preview/", views.project_preview, name="project_preview"),
    path("<int:assessment_id>/projects/<int:project_id>/delete/", views.project_delete_view, name="project_delete"),
    path(
        "<int:assessment_id>/projects/<int:project_id>/explanations/",
        views.project_explanations,
        name="project_explanations",
    ),
]
