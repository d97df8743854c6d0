from django.urls import path

from assessments.reports import public_views

app_name = "public"
urlpatterns = [
    path("", public_views.public_list, name="list"),
    path("<int:assessment_id>/report.pdf", public_views.public_pdf, name="pdf"),
    path("verify/", public_views.public_verify, name="verify"),
]
