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
    *inbox_urlpatterns,
    path("units/", include("assessments.overview.urls")),
    path("assessments/", include("assessments.urls")),
    path("admin/", admin.site.urls),
    path("exports/", include("assessments.exports.urls")),
    path("dashboard/", include("assessments.dashboard.urls")),
    path("whatif/", include((whatif_region_urlpatterns, "whatif"))),
    path("public/", include("assessments.reports.public_urls")),
]
