from django.urls import path

from assessments.dashboard import views

urlpatterns = [path("", views.dashboard, name="dashboard")]
