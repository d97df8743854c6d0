from django.urls import path

from assessments.overview import views

# 我的单位 keeps the `units` URL namespace it had when these pages lived in the units app.
app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="index"),
    path("<int:unit_id>/", views.unit_detail, name="detail"),
    path("<int:unit_id>/assessments/create/", views.assessment_create_view, name="assessment_create"),
]

# The start page is the same list of the user's units.
home_urlpatterns = [path("", views.unit_list, name="home")]
