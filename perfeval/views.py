from django.conf import settings
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

# Posted fields that are not what a person typed (tokens, versions, row bookkeeping) or must not be shown again.
_NOT_TYPED = ("csrfmiddlewaretoken", "lock_version", "next", "token")
_NOT_TYPED_SUFFIXES = ("-id", "-ORDER", "-DELETE", "-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")
_KEPT_FIELDS = 300


def _typed_fields(post) -> list[tuple[str, str]]:
    """The non-empty fields a person typed, in posted order, without passwords, tokens and hidden bookkeeping."""
    kept = []
    for name in post:
        if name in _NOT_TYPED or name.endswith(_NOT_TYPED_SUFFIXES) or "password" in name.lower():
            continue
        for value in post.getlist(name):
            if value.strip():
                kept.append((name, value))
        if len(kept) >= _KEPT_FIELDS:
            break
    return kept


def csrf_failure(request, reason=""):
    """A Chinese page when a form's security check fails (settings.CSRF_FAILURE_VIEW): usually a page left open
    across a logout, a login in another tab or an expired session. What was typed is shown again for copying, and
    the page explains how to submit it again; nothing was saved."""
    referer = request.headers.get("referer", "")
    back = (
        referer
        if referer
        and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        else ""
    )
    context = {
        "fields": _typed_fields(request.POST) if request.method == "POST" else [],
        "back": back,
        "no_cookie": reason == REASON_NO_CSRF_COOKIE,
        "login": request.path == reverse(settings.LOGIN_URL),
    }
    return render(request, "403_csrf.html", context, status=403)
