from django.urls import path

from units import views

app_name = "units"
urlpatterns = [
    path("<int:unit_id>/", views.unit_detail, name="detail"),
]
