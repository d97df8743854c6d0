"""Failed logins, as django-axes records them: the user name it stores, and a delay that grows with each failure.

Failures are counted per (user name, client address) pair (settings.AXES_LOCKOUT_PARAMETERS): a whole office behind
one NAT address is not locked out by one person's typing, and a stranger elsewhere cannot lock a named user out.
From the AXES_FAILURE_LIMIT-th failure of a pair on, that pair must wait before its next try — LOGIN_DELAY_FIRST,
doubled with each further failure, up to LOGIN_DELAY_MAX. A correct password after the wait clears the count.
"""

from datetime import timedelta

from axes.conf import settings as axes_settings
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.shortcuts import render


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


def lock_delay(failures: int, limit: int) -> timedelta:
    """How long a pair waits after its latest failure: none below the limit, then doubling up to the maximum."""
    if failures < limit:
        return timedelta(0)
    # The exponent is bounded so that a long-running attack cannot overflow the multiplication.
    doubled = settings.LOGIN_DELAY_FIRST * 2 ** min(failures - limit, 32)
    return min(doubled, settings.LOGIN_DELAY_MAX)


class ProgressiveDelayHandler(AxesDatabaseHandler):
    """django-axes' database handler with a growing wait instead of one fixed lock-out.

    AXES_COOLOFF_TIME is how long failures are remembered (the same for every pair, so that axes' clean-up of old
    attempts never drops a pair that is still waiting); the wait itself is computed here from the pair's count."""

    def remaining_wait(self, request, credentials=None) -> timedelta:
        attempts = self.get_user_attempts(request, credentials)
        failures = self.get_failures(request, credentials)
        delay = lock_delay(failures, get_failure_limit(request, credentials))
        if not delay:
            return timedelta(0)
        latest = max(
            (last for qs in attempts if (last := qs.aggregate(last=Max("attempt_time"))["last"]) is not None),
            default=None,
        )
        if latest is None:
            return timedelta(0)
        return max(latest + delay - request.axes_attempt_time, timedelta(0))

    def is_locked(self, request, credentials=None) -> bool:
        if not axes_settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        return self.remaining_wait(request, credentials) > timedelta(0)


def lockout_response(request, original_response=None, credentials=None):
    """The Chinese page shown while a pair waits, with the wait left in whole minutes."""
    handler = AxesProxyHandler.get_implementation()
    wait = handler.remaining_wait(request, credentials) if isinstance(handler, ProgressiveDelayHandler) else None
    minutes = max(1, -(-int(wait.total_seconds()) // 60)) if wait else None
    return render(
        request,
        "registration/lockout.html",
        {"wait_minutes": minutes},
        status=axes_settings.AXES_HTTP_RESPONSE_CODE,
    )
