from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assessments.overview.urls import home_urlpatterns
from assessments.whatif.urls import region_urlpatterns as whatif_region_urlpatterns
from assessments.workflow.urls import inbox_urlpatterns

urlpatterns = [
    *home_urlpatterns,
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
    *inbox_urlpatterns,
    path("units/", include("assessments.overview.urls")),
    path("assessments/", include("assessments.urls")),
    path("admin/", admin.site.urls),
    path("exports/", include("assessments.exports.urls")),
    path("dashboard/", include("assessments.dashboard.urls")),
    path("whatif/", include((whatif_region_urlpatterns, "whatif"))),
    path("public/", include("assessments.reports.public_urls")),
]
