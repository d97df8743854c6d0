from django.urls import path

from assessments.exports import views as export_views

app_name = "exports"
urlpatterns = [
    path("", export_views.export_index, name="index"),
    path("<int:job_id>/", export_views.job_page, name="job"),
    path("<int:job_id>/again/", export_views.job_again, name="again"),
    path("<int:job_id>/download/<str:kind>/", export_views.job_download, name="download"),
]
