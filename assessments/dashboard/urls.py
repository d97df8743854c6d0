from django.urls import path

from assessments.dashboard import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rectification/", views.rectification_overdue, name="rectification_overdue"),
]
