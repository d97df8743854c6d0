"""Remember at login whether the user is an administrator, so that the navbar can show 年度导出 and 管理看板 without a
query on every page. The views check again (units.access.is_administrator): this only decides the links."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from units.access import is_administrator

SESSION_KEY = "export_admin"


@receiver(user_logged_in, dispatch_uid="assessments.remember_export_admin")
def remember_export_admin(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = is_administrator(user)
