from django.conf import settings
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
    # Forgotten passwords, by e-mail to the address on the account (README: without mail, an administrator resets).
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            extra_context={"timeout_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
        ),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
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
