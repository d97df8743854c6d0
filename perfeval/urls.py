from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assessments.dashboard_views import dashboard
from assessments.delegation_views import delegation_end, delegations
from assessments.workflow_views import inbox, notifications_read
from perfeval import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("inbox/", inbox, name="inbox"),
    path("inbox/read/", notifications_read, name="notifications_read"),
    path("delegations/", delegations, name="delegations"),
    path("delegations/<int:delegation_id>/end/", delegation_end, name="delegation_end"),
    path("units/", include("units.urls")),
    path("assessments/", include("assessments.urls")),
    path("admin/", admin.site.urls),
    path("exports/", include("assessments.export_urls")),
    path("dashboard/", dashboard, name="dashboard"),
    path("public/", include("assessments.public_urls")),
]
