from django.urls import path

from assessments.whatif import views

# Under /assessments/ (namespace "assessments"): one assessment's what-if.
urlpatterns = [
    path("<int:assessment_id>/whatif/", views.whatif_page, name="whatif"),
    path("<int:assessment_id>/whatif/download/", views.whatif_download, name="whatif_download"),
]

# Under /whatif/ (namespace "whatif"): the administrators' region-year runs.
region_urlpatterns = [
    path("", views.region_index, name="index"),
    path("<int:run_id>/", views.region_run, name="run"),
    path("<int:run_id>/download/", views.region_download, name="download"),
]
