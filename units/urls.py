from django.urls import path

from assessments.views import assessment_create_view
from units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="index"),
    path("<int:unit_id>/", views.unit_detail, name="detail"),
    path("<int:unit_id>/assessments/create/", assessment_create_view, name="assessment_create"),
]
