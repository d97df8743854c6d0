"""The address of the browser when perfeval runs behind load balancers (settings.TRUSTED_PROXY_COUNT of them)."""

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR directly; behind N trusted proxies, the N-th X-Forwarded-For entry from the right — the one our
    outermost proxy appended. A request with fewer entries did not come through the proxies: its REMOTE_ADDR."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
