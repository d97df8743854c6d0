"""Request guards and error pages that every view shares."""

import time

from django.conf import settings
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.formats import number_format


def _megabytes(size: int) -> str:
    return f"{number_format(size / (1024 * 1024), decimal_pos=1)} MB"


class RequestSizeLimitMiddleware:
    """Refuses a request whose declared body exceeds settings.MAX_REQUEST_BYTES before a byte of it is read.

    Django reads at most Content-Length bytes of a body (a request without it has an empty body), so this bound
    holds for everything the parsers and upload handlers stream: a 100 MB upload is answered at once, not after it
    has been written to a temporary file."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.headers.get("content-length") or 0)
        except ValueError:
            declared = 0
        if declared > settings.MAX_REQUEST_BYTES:
            context = {"size": _megabytes(declared), "limit": _megabytes(settings.EVIDENCE_MAX_BYTES)}
            response = HttpResponse(render_to_string("413.html", context), status=413)
            # The body is left unread: the connection cannot carry another request.
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class FormCountLimitMiddleware:
    """Refuses a POST whose formset management form claims more rows than the request carries fields.

    Django builds one form for each row claimed in <prefix>-TOTAL_FORMS (up to the formset's absolute_max, 2,000
    by default) and renders them all again on error: a claim of 10⁹ rows cost seconds. A real table posts at least
    one field per row, so a larger claim is a forged request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or not request.content_type.startswith(("multipart/", "application/x-www-form")):
            return None
        post = request.POST
        fields = len(post)
        for key, value in post.items():
            if not key.endswith((f"-{TOTAL_FORM_COUNT}", f"-{INITIAL_FORM_COUNT}")):
                continue
            try:
                claimed = int(value)
            except ValueError:
                continue  # the formset itself reports a damaged management form
            if claimed > fields:
                return render(request, "400.html", status=400)
        return None


class NotAllowedPageMiddleware:
    """A Chinese page instead of the empty 405 that Django's require_POST (and friends) return, e.g. when a
    bookmarked or reloaded address only accepts a form's submission."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            allowed = response.get("Allow", "")
            page = render(request, "405.html", {"allowed": allowed}, status=405)
            if allowed:
                page["Allow"] = allowed
            return page
        return response


IDLE_RENEWED = "_idle_renewed"


def _renew_every() -> int:
    """Seconds between two renewals of a session's expiry: often enough to be exact to a minute, rare enough not to
    write the session on every request."""
    return max(1, min(60, settings.SESSION_COOKIE_AGE // 10))


class SessionIdleTimeoutMiddleware:
    """Sessions end SESSION_COOKIE_AGE seconds after their last request (an idle timeout), not after the login:
    each request pushes the expiry back, saving the session at most once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and getattr(request, "user", None) is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get(IDLE_RENEWED, 0) >= _renew_every():
                session[IDLE_RENEWED] = now  # marks the session modified: saved with a new expiry and cookie
        return self.get_response(request)


def start_idle_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        # Set at login, so that the first requests after it do not write the session again.
        request.session[IDLE_RENEWED] = int(time.time())
