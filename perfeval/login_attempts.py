"""The user name django-axes records for a login attempt."""

from axes.conf import settings as axes_settings
from axes.models import AccessAttempt


def attempted_username(request, credentials=None) -> str | None:
    """The typed user name, cut to the column django-axes stores it in. Django's login form does not limit its length,
    and a failed attempt with a longer name made PostgreSQL refuse the attempt's row: a server error instead of
    "wrong user name or password"."""
    field = axes_settings.AXES_USERNAME_FORM_FIELD
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get(field) if source is not None else None
    if not isinstance(username, str):
        return username
    return username[: AccessAttempt._meta.get_field("username").max_length]
