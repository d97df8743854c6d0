"""Attack: crawl and fuzz a production-configured perfeval (gunicorn + PostgreSQL on 127.0.0.1, DEBUG off) as every
demo persona, an anonymous client and a stranger with no membership, and count what must never happen.

    .venv/bin/python bench/attack.py              # about 5 minutes on 2 cores (make attack)
    .venv/bin/python bench/attack.py --rounds 3   # three fuzz rounds instead of one

The database perfeval_attack is dropped and built again on every run: migrate, load_demo, one evidence file, one
delegation and one annual export, and the Futian demo assessment taken to final through the workflow services (so
that a final assessment is attacked too). gunicorn then serves it with deploy/gunicorn.conf.py on a free port of
127.0.0.1, the tasks run in the request (TASK_BACKEND immediate). Four phases, over HTTP with cookies and CSRF tokens:

  crawl         every named URL pattern of the project (walked from the resolver), its ids filled with every
                assessment, unit, project, evidence, export job and delegation that exists (projects and evidence
                also under another assessment's address) plus ids that do not exist — GET as every persona.
                LEAK: a 200 on a page of a unit the persona may not see (units.access.visible_units, computed here
                against the same database), of another's export job, of the admin site for a non-staff user, of a
                non-final assessment's public PDF; or any page naming a unit the persona may not see.
  unauthorised  every form seen in the crawl, and every POST-only address, POSTed by each persona who may not do
                that write (the rules of units.access and the workflow's allowed_actions, evaluated at the time).
                WRITE: any change in the database's fingerprint.
  final         every write form of the other assessments pointed at the final Futian assessment (its projects and
                evidence), and the forms on its own pages, POSTed by the Futian personas and the superuser.
                WRITE: any change at all; afterwards every snapshot's SHA-256 is recomputed.
  fuzz          the privileged personas' own forms replayed with one field mutated (huge numbers, NaN, 元/亿元, formula
                strings, NUL, 10,000 characters, negative TOTAL_FORMS, a stale lock_version, no CSRF token).
                WRITE: a change caused by a refused request (4xx, a form shown again, a redirect to an error message).

The fingerprint is one md5 per table of every row (auth_user without last_login), taken in this process after each
POST; sessions, login attempts, the cache table and the stored list summaries (refreshed on read) are left out.
Any 5xx in any phase counts. Prints one table, writes bench/out/attack.json, exits 1 if a leak, a 5xx or a write.
"""

import argparse
import datetime
import html
import http.cookiejar
import itertools
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.loadtest import free_port, stop, wait_until_serving  # noqa: E402 - after the path is set

OUT = ROOT / "bench" / "out"
DATABASE = "perfeval_attack"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
PASSWORD = "perfeval-demo-2026"  # README "Demo logins"
STRANGER = "attack-stranger"
MISSING_ID = 987654

# A deployment's settings. SECURE_COOKIES is off only because the traffic is plain HTTP on the loopback.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "perfeval.settings",
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "false",
    "SECRET_KEY": "attack-only-" + "a" * 50,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_COOKIES": "false",
    "STATIC_ROOT": str(OUT / "attack-static"),
    "MEDIA_ROOT": str(OUT / "attack-media"),
    "LOG_LEVEL": "WARNING",
    "TASK_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
    "DB_CONN_MAX_AGE": "60",
}

# Pages anyone may see, logged in or not.
PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "public:list",
    "admin:login",
}
# A refusal shown after a redirect: an error of the messages framework (templates/base.html). A page's own alerts
# (the consistency findings) do not count.
ERROR_MESSAGE = "alert alert-danger alert-dismissible"
# Tables that change without any write of the user's data: sessions, login attempts, caches, derived summaries.
VOLATILE_TABLES = {"django_session", "perfeval_cache", "django_migrations", "assessments_assessmentsummary"}
VOLATILE_PREFIXES = ("axes_", "django_tasks_db")

# Downloads built on request (PDF, workbook): fetched once by a persona who may, and by every persona who may not.
HEAVY = {"assessments:report_pdf", "assessments:workbook_download", "public:pdf", "exports:download"}
# The writes of the data of one assessment: allowed to a writer of its unit while it is a draft.
DATA_WRITES = {
    "assessments:tab",
    "assessments:project_add",
    "assessments:project",
    "assessments:project_delete",
    "assessments:evidence_upload",
    "assessments:evidence_delete",
    "assessments:workbook_upload",
    "assessments:workbook_apply",
}
# The user's own account and session: never replayed with mutations (a changed password locks the attack out).
OWN_ACCOUNT = {
    "login",
    "logout",
    "password_change",
    "password_reset",
    "password_reset_confirm",
    "admin:logout",
    "admin:password_change",
}


# Accepted on purpose by the fuzz's privileged persona and then irreversible or slow: reopening the final assessment
# (phase final needs it final), a second annual export (rendered in the request).
NOT_FUZZED = {"assessments:reopen", "exports:again"}


# --- the URL patterns of the project --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # with its namespaces, as reverse() takes it
    params: tuple[str, ...]


def url_routes(resolver=None, namespace: str = "") -> list[Route]:
    """Every named URL pattern under the resolver, depth first, with the names of the values it takes."""
    from django.urls import URLResolver, get_resolver

    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            for route in url_routes(pattern, inner):
                found.append(Route(route.name, tuple(_params(pattern)) + route.params))
        elif pattern.name:
            found.append(Route(namespace + pattern.name, tuple(_params(pattern))))
    return found


def _params(pattern) -> list[str]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return list(converters)
    return list(pattern.pattern.regex.groupindex)


@dataclass
class Ids:
    """The ids a crawl fills in: every one that exists, and some that do not."""

    assessments: list[int]
    units: list[int]
    projects: dict[int, int]  # project -> its assessment
    evidence: dict[int, int]  # evidence -> its assessment
    jobs: list[int]
    delegations: list[int]
    admin_objects: dict[str, list[str]] = field(default_factory=dict)  # "app_model" -> a few pks
    app_labels: list[str] = field(default_factory=list)
    tabs: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)


def _pairs(children: dict[int, int], assessments: list[int]) -> list[tuple[int, int]]:
    """(assessment, child): each child under its own assessment, one child of every other assessment under each
    assessment (the address of one, the object of another), a child that does not exist, and an assessment that
    does not exist."""
    pairs = [(parent, child) for child, parent in children.items()]
    one_each: dict[int, int] = {}
    for child, parent in sorted(children.items()):
        one_each.setdefault(parent, child)
    for assessment in assessments:
        pairs += [(assessment, child) for parent, child in one_each.items() if parent != assessment]
        pairs.append((assessment, MISSING_ID))
    pairs += [(MISSING_ID, child) for child in one_each.values()]
    return pairs


def route_kwargs(route: Route, ids: Ids) -> list[dict]:
    """Every combination of values the crawl tries for one route."""
    params = set(route.params)
    assessments = [*ids.assessments, MISSING_ID]
    if not params:
        return [{}]
    if params == {"assessment_id", "project_id"}:
        return [{"assessment_id": a, "project_id": p} for a, p in _pairs(ids.projects, ids.assessments)]
    if params == {"assessment_id", "evidence_id"}:
        return [{"assessment_id": a, "evidence_id": e} for a, e in _pairs(ids.evidence, ids.assessments)]
    if route.name.startswith("admin:") and "object_id" in params and "content_type_id" not in params:
        model = route.name.removeprefix("admin:").rsplit("_", 1)[0]
        return [{"object_id": pk} for pk in [*ids.admin_objects.get(model, []), str(MISSING_ID)]]
    values = {
        "assessment_id": assessments,
        "unit_id": [*ids.units, MISSING_ID],
        "job_id": [*ids.jobs, MISSING_ID],
        "delegation_id": [*ids.delegations, MISSING_ID],
        "tab": [*ids.tabs, "no-such-tab"],
        "kind": [*ids.kinds, "no-such-kind"],
        "app_label": ids.app_labels,
        "uidb64": ["MQ"],
        "token": ["set-password"],
        "content_type_id": [1],
        "object_id": ["1"],
    }
    pools = [values.get(name, ["1"]) for name in route.params]
    return [dict(zip(route.params, combo, strict=True)) for combo in itertools.product(*pools)]


def crawl_urls(routes: list[Route], ids: Ids) -> list[tuple[Route, dict, str]]:
    """(route, values, path) for every route and every combination its converters accept."""
    from django.urls import NoReverseMatch, reverse

    urls = []
    for route in routes:
        for kwargs in route_kwargs(route, ids):
            try:
                urls.append((route, kwargs, reverse(route.name, kwargs=kwargs)))
            except NoReverseMatch:
                continue
    return urls


def collect_ids() -> Ids:
    from django.contrib import admin

    from assessments.exports.views import DOWNLOADS
    from assessments.models import Assessment, Evidence, ExportJob, Project
    from assessments.tabs import TABS
    from units.models import Delegation, Unit

    admin_objects = {}
    for model in admin.site._registry:
        key = f"{model._meta.app_label}_{model._meta.model_name}"
        admin_objects[key] = [str(pk) for pk in model.objects.order_by("pk").values_list("pk", flat=True)[:2]]
    return Ids(
        assessments=list(Assessment.objects.order_by("pk").values_list("pk", flat=True)),
        units=list(Unit.objects.order_by("pk").values_list("pk", flat=True)),
        projects=dict(Project.objects.values_list("pk", "assessment_id")),
        evidence=dict(Evidence.objects.values_list("pk", "assessment_id")),
        jobs=list(ExportJob.objects.values_list("pk", flat=True)),
        delegations=list(Delegation.objects.values_list("pk", flat=True)),
        admin_objects=admin_objects,
        app_labels=sorted({model._meta.app_label for model in admin.site._registry}),
        tabs=[slug for slug, _ in TABS],
        kinds=list(DOWNLOADS),
    )


# --- who may see and do what: the documented rules, evaluated against the same database -----------------------------


def _assessment(pk):
    from assessments.models import Assessment

    return Assessment.objects.select_related("unit").filter(pk=pk).first()


def _child_matches(kwargs: dict) -> bool:
    """A project or evidence id belongs to the assessment in the same address."""
    from assessments.models import Evidence, Project

    if "project_id" in kwargs:
        return Project.objects.filter(pk=kwargs["project_id"], assessment_id=kwargs["assessment_id"]).exists()
    if "evidence_id" in kwargs:
        return Evidence.objects.filter(pk=kwargs["evidence_id"], assessment_id=kwargs["assessment_id"]).exists()
    return True


def may_see(user, name: str, kwargs: dict) -> bool | None:
    """Whether a 200 is allowed for this user (None for the anonymous client); None when anyone may see it."""
    from assessments.exports.views import get_job_for_user  # noqa: F401 - the rule below is the view's, restated
    from assessments.models import ExportJob
    from assessments.reports.public_views import published
    from units.access import is_administrator, visible_units
    from units.models import Delegation

    if name in PUBLIC:
        return None
    if name == "public:pdf":
        return published().filter(pk=kwargs["assessment_id"]).exists()
    if user is None:
        return False
    if name.startswith("admin:"):
        return user.is_staff
    if not _child_matches(kwargs):
        return False
    visible = visible_units(user)
    if "assessment_id" in kwargs:
        assessment = _assessment(kwargs["assessment_id"])
        if assessment is None or not visible.filter(pk=assessment.unit_id).exists():
            return False
    if "unit_id" in kwargs and not visible.filter(pk=kwargs["unit_id"]).exists():
        return False
    if name in {"dashboard", "exports:index"}:
        return is_administrator(user)
    if "job_id" in kwargs:
        jobs = ExportJob.objects.filter(pk=kwargs["job_id"])
        return is_administrator(user) and (user.is_superuser or jobs.filter(requested_by=user).exists())
    if "delegation_id" in kwargs:
        delegations = Delegation.objects.filter(pk=kwargs["delegation_id"])
        return user.is_superuser or delegations.filter(delegator=user).exists()
    return True


def may_write(user, name: str, kwargs: dict) -> bool:
    """Whether this POST may change stored data when it comes from this user now."""
    from assessments.workflow.services import allowed_actions
    from units.access import can_write, is_administrator
    from units.models import Unit

    if user is None or name in {"assessments:preview", "assessments:project_preview"}:
        return False
    if may_see(user, name, kwargs) is False:
        return False
    if name.startswith("admin:"):
        return user.is_superuser
    if name in OWN_ACCOUNT or name in {"notifications_read", "delegations", "delegation_end"}:
        return True
    if name in {"exports:index", "exports:again"}:
        return is_administrator(user)
    if name == "units:assessment_create":
        unit = Unit.objects.filter(pk=kwargs["unit_id"]).first()
        return unit is not None and can_write(user, unit)
    assessment = _assessment(kwargs.get("assessment_id"))
    if assessment is None:
        return False
    if name in DATA_WRITES:
        return can_write(user, assessment.unit) and assessment.status == assessment.Status.DRAFT
    allowed = allowed_actions(user, assessment)
    return {
        "assessments:submit": allowed.submit,
        "assessments:sign": allowed.act,
        "assessments:return": allowed.act,
        "assessments:rescore": allowed.rescore,
        "assessments:reopen": allowed.reopen,
    }.get(name, False)


def unit_names_hidden_from(user) -> list[str]:
    """Names of the units the user may not see — other than the 主管部门 above a unit they see, whose name is part of
    that unit's own data (its 主管部门 field, a project's supervising department)."""
    from units.access import visible_units
    from units.models import Unit

    everything = Unit.objects.all()
    if user is None:
        return list(everything.values_list("name", flat=True))
    seen = list(visible_units(user))
    shown = {u.pk for u in seen} | {a.pk for u in seen for a in u.ancestors()}
    return list(everything.exclude(pk__in=shown).values_list("name", flat=True))


# --- the database fingerprint ---------------------------------------------------------------------------------------


class Fingerprint:
    """One md5 per table over every row, in one query."""

    def __init__(self):
        from django.db import connection

        tables = sorted(
            t
            for t in connection.introspection.table_names()
            if t not in VOLATILE_TABLES and not t.startswith(VOLATILE_PREFIXES)
        )
        quote = connection.ops.quote_name
        parts = []
        for table in tables:
            row = "(to_jsonb(t) - 'last_login')::text" if table == "auth_user" else "to_jsonb(t)::text"
            parts.append(
                f"SELECT '{table}', count(*), md5(coalesce(string_agg(md5({row}), '' ORDER BY md5({row})), '')) "
                f"FROM {quote(table)} t"
            )
        self.sql = " UNION ALL ".join(parts)

    def take(self) -> dict[str, tuple[int, str]]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(self.sql)
            return {table: (count, digest) for table, count, digest in cursor.fetchall()}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(table for table in after if before.get(table) != after[table])


# --- HTTP -------------------------------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    @property
    def html(self) -> str:
        if "text/html" not in self.headers.get("content-type", ""):
            return ""
        return self.body.decode("utf-8", "replace")


class Client:
    """One persona's browser: its cookies, its CSRF token, no automatic redirects."""

    def __init__(self, base: str, persona: str):
        self.base, self.persona, self.token = base, persona, ""
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def request(self, method: str, path: str, data=None, files=None, csrf: bool = True) -> Response:
        headers = {"User-Agent": "perfeval-attack"}
        body = None
        if method == "POST":
            data = dict(data or {})
            if csrf and self.token:
                data["csrfmiddlewaretoken"] = self.token
            elif not csrf:
                data.pop("csrfmiddlewaretoken", None)
            body, content_type = encode(data, files)
            headers["Content-Type"] = content_type
            headers["Referer"] = self.base + path
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=300) as answer:
                response = Response(answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read())
        except urllib.error.HTTPError as error:
            response = Response(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())
        if token := re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.html):
            self.token = token.group(1)
        return response

    def login(self, username: str) -> None:
        self.request("GET", "/accounts/login/")
        answer = self.request("POST", "/accounts/login/", {"username": username, "password": PASSWORD})
        if answer.status != 302:
            raise SystemExit(f"{username} could not log in over HTTP ({answer.status})")
        self.request("GET", "/")  # the token of the logged-in session


def encode(data: dict, files: dict | None) -> tuple[bytes, str]:
    if not files:
        return urllib.parse.urlencode(data, doseq=True).encode(), "application/x-www-form-urlencoded"
    boundary = uuid.uuid4().hex
    chunks = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'.encode())
    for name, (filename, content, kind) in files.items():
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {kind}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


@dataclass
class Form:
    action: str  # a path
    data: dict
    files: list[str]
    source: str  # the page it was on
    persona: str


class _Forms(HTMLParser):
    """Every POST form of a page with the values a browser would submit (as tests/html_forms.py, for all forms)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.current: dict | None = None
        self.textarea = self.select = None
        self.select_first = False
        self.template = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self.template += 1
        if self.template:
            return
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self.current = {"action": attrs.get("action") or "", "data": {}, "files": []}
                self.forms.append(self.current)
            return
        if self.current is None or not (name := attrs.get("name")) or "disabled" in attrs:
            return
        data = self.current["data"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                self.current["files"].append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    data[name] = attrs.get("value") or "on"
            elif kind not in ("submit", "button", "image", "reset"):
                data[name] = attrs.get("value") or ""
        elif tag == "textarea":
            self.textarea = name
            data[name] = ""
        elif tag == "select":
            self.select, self.select_first = name, True
        elif tag == "option" and self.select:
            if self.select_first or "selected" in attrs:
                data[self.select] = attrs.get("value", "")
            self.select_first = False

    def handle_endtag(self, tag):
        if tag == "template" and self.template:
            self.template -= 1
        elif tag == "form":
            self.current = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea and self.current is not None and not self.template:
            self.current["data"][self.textarea] += data.removeprefix("\n")


def page_forms(html_text: str, page: str, persona: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html_text)
    forms = []
    for found in parser.forms:
        action = urllib.parse.urljoin(page, html.unescape(found["action"]) or page)
        path = urllib.parse.urlsplit(action).path
        forms.append(Form(path, found["data"], found["files"], page, persona))
    return forms


def upload_for(field_name: str) -> tuple[str, bytes, str]:
    if "xlsx" in field_name or "workbook" in field_name:
        return ("表格.xlsx", b"PK\x03\x04 not really a workbook", "application/octet-stream")
    return ("证明.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "application/pdf")


# --- the run ----------------------------------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    requests: int = 0
    leaks: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # 5xx
    writes: list = field(default_factory=list)  # partial or unauthorised writes
    refused: int = 0

    def row(self) -> str:
        return (
            f"{self.name:<13} {self.requests:>9} {len(self.leaks):>6} {len(self.errors):>5} "
            f"{len(self.writes):>14} {self.refused:>8}"
        )


class Attack:
    def __init__(self, base: str, args):
        from django.contrib.auth import get_user_model

        self.base, self.args = base, args
        self.random = random.Random(args.seed)
        self.fingerprint = Fingerprint()
        self.users = {u.username: u for u in get_user_model().objects.all()}
        self.clients: dict[str, Client] = {}
        self.forms: dict[str, Form] = {}  # action -> the first form seen posting there
        self.post_only: set[str] = set()
        self.phases: list[Phase] = []
        self.last = None  # the fingerprint after the last POST

    # -- helpers --

    def user(self, persona: str):
        from django.contrib.auth import get_user_model

        return None if persona == "anonymous" else get_user_model().objects.get(username=persona)

    def resolve(self, path: str):
        from django.urls import Resolver404, resolve

        try:
            match = resolve(path)
        except Resolver404:
            return None, {}
        return match.view_name, match.kwargs

    def post(self, phase: Phase, persona: str, form: Form, data: dict, *, csrf=True, expect_change: bool) -> None:
        client = self.clients[persona]
        files = {name: upload_for(name) for name in form.files}
        # GETs write nothing that the fingerprint covers (the crawl checks it): the state after the previous POST is
        # the state before this one.
        before = self.last if self.last is not None else self.fingerprint.take()
        answer = client.request("POST", form.action, data, files, csrf=csrf)
        phase.requests += 1
        refused = answer.status >= 400 or answer.status == 200
        if answer.status == 302 and (location := answer.headers.get("location", "")).startswith("/"):
            follow = client.request("GET", location)
            phase.requests += 1
            refused = refused or ERROR_MESSAGE in follow.html
        if answer.status >= 500:
            phase.errors.append(
                {"persona": persona, "POST": form.action, "status": answer.status, "data": _short(data)}
            )
        self.last = self.fingerprint.take()
        changed = changed_tables(before, self.last)
        phase.refused += refused
        if changed and (refused or not expect_change):
            phase.writes.append(
                {
                    "persona": persona,
                    "POST": form.action,
                    "status": answer.status,
                    "tables": changed,
                    "data": _short(data),
                }
            )

    # -- phase 1 --

    def crawl(self, personas: list[str]) -> Phase:
        from django.db import connections

        phase = Phase("crawl")
        urls = crawl_urls(url_routes(), collect_ids())
        before, self.heavy_seen, lock = self.fingerprint.take(), set(), threading.Lock()

        def one(persona):
            try:
                return self.crawl_as(persona, urls, lock)
            finally:
                connections.close_all()

        # A few personas at a time: the client's own checks overlap with the server's work.
        with ThreadPoolExecutor(max_workers=self.args.parallel) as pool:
            for result in pool.map(one, personas):
                phase.requests += result.requests
                phase.leaks += result.leaks
                phase.errors += result.errors
        changed = changed_tables(before, self.fingerprint.take())
        if changed:
            print(f"  note: the crawl's GETs changed {changed}", flush=True)
        return phase

    def crawl_as(self, persona: str, urls, lock) -> Phase:
        found = Phase(persona)
        client, user = self.clients[persona], self.user(persona)
        hidden = unit_names_hidden_from(user)
        admin_routes_seen = set()
        for route, kwargs, path in urls:
            if route.name in {"logout", "admin:logout"}:
                continue
            if route.name.startswith("admin:") and not (user and user.is_staff):
                # Django's admin_view guards every admin page alike: one address per admin route suffices.
                if route.name in admin_routes_seen:
                    continue
                admin_routes_seen.add(route.name)
            allowed = may_see(user, route.name, kwargs)
            if route.name in HEAVY and allowed is not False:
                # A PDF or workbook takes seconds to build: fetched by the first persona who may see it only
                # (a leak needs a persona who may not, and those are all asked).
                with lock:
                    if path in self.heavy_seen:
                        continue
                    self.heavy_seen.add(path)
            answer = client.request("GET", path)
            found.requests += 1
            if answer.status >= 500:
                found.errors.append({"persona": persona, "GET": path, "status": answer.status})
            if answer.status == 405:
                with lock:
                    self.post_only.add(path)
            if answer.status != 200:
                continue
            if allowed is False:
                found.leaks.append({"persona": persona, "GET": path, "why": "200 on a page the persona may not see"})
            elif route.name not in PUBLIC and route.name != "public:pdf":
                named = [name for name in hidden if name in answer.html]
                if named:
                    found.leaks.append({"persona": persona, "GET": path, "why": f"names {named}"})
            forms = page_forms(answer.html, path, persona)
            with lock:
                for form in forms:
                    # The superuser's form first when it has one: it is the one replayed by everybody else.
                    if form.action not in self.forms or persona == "admin":
                        self.forms[form.action] = form
        return found

    # -- phase 2 --

    def targets(self, limit: int, *, with_post_only: bool) -> list[tuple[str, dict, Form]]:
        """(route name, its values, form) — at most `limit` addresses per route (and tab), of different assessments
        or units where there are, forms with their data before bare POST-only addresses."""
        candidates = list(self.forms.values())
        if with_post_only:
            candidates += [Form(path, {}, [], path, "") for path in sorted(self.post_only - set(self.forms))]
        groups: dict[tuple, list] = {}
        for form in candidates:
            name, kwargs = self.resolve(form.action)
            if name is None or name in {"login", "logout", "admin:logout", "admin:login"}:
                continue
            groups.setdefault((name, kwargs.get("tab")), []).append((name, kwargs, form))
        chosen = []
        for group in groups.values():
            group.sort(key=lambda item: (not item[2].data, item[2].action))
            owners = set()
            for name, kwargs, form in group:
                owner = kwargs.get("assessment_id", kwargs.get("unit_id"))
                if owner in owners and len(group) > limit:
                    continue
                owners.add(owner)
                chosen.append((name, kwargs, form))
                if len(owners) >= limit:
                    break
        return chosen

    def unauthorised(self, personas: list[str]) -> Phase:
        phase = Phase("unauthorised")
        # Non-staff users meet the admin site's one guard: the anonymous client, the stranger and the unit admins.
        admin_attackers = {"anonymous", STRANGER, *(p for p in personas if p.endswith("-admin"))}
        for name, kwargs, form in self.targets(self.args.targets, with_post_only=True):
            for persona in personas:
                if name.startswith("admin:") and persona not in admin_attackers:
                    continue
                if may_write(self.user(persona), name, kwargs):
                    continue
                self.post(phase, persona, form, form.data, expect_change=False)
        return phase

    # -- phase 3 --

    def final(self, futian_id: int, personas: list[str]) -> Phase:
        from assessments.models import AuditEvent, Evidence, Facts, Project, Snapshot, document_sha256

        phase = Phase("final")
        project = Project.objects.filter(assessment_id=futian_id).values_list("pk", flat=True).first()
        evidence = Evidence.objects.filter(assessment_id=futian_id).values_list("pk", flat=True).first()
        pointed: dict[str, Form] = {}
        for form in self.forms.values():
            name, kwargs = self.resolve(form.action)
            if not name or "assessment_id" not in kwargs or name == "assessments:reopen":
                continue
            path = re.sub(r"^/assessments/\d+/", f"/assessments/{futian_id}/", form.action)
            path = re.sub(r"/projects/\d+/", f"/projects/{project}/", path)
            path = re.sub(r"/evidence/\d+/", f"/evidence/{evidence}/", path)
            pointed.setdefault(path, Form(path, form.data, form.files, form.source, form.persona))
        # The admin site's change forms of the final assessment's own rows, by the superuser who may use the admin.
        from django.urls import reverse

        own_rows = {
            "assessments_assessment": futian_id,
            "assessments_facts": Facts.objects.filter(assessment_id=futian_id).values_list("pk", flat=True).first(),
            "assessments_snapshot": Snapshot.objects.filter(assessment_id=futian_id)
            .values_list("pk", flat=True)
            .first(),
            "assessments_auditevent": AuditEvent.objects.filter(assessment_id=futian_id)
            .values_list("pk", flat=True)
            .first(),
        }
        for form in list(self.forms.values()):
            name, _ = self.resolve(form.action)
            model = (name or "").removeprefix("admin:").removesuffix("_change")
            if name and name.startswith("admin:") and name.endswith("_change") and own_rows.get(model):
                path = reverse(name, kwargs={"object_id": own_rows[model]})
                pointed.setdefault(path, Form(path, form.data, form.files, form.source, "admin"))
        for form in pointed.values():
            for persona in personas:
                self.post(phase, persona, form, form.data, expect_change=False)
        for snapshot in Snapshot.objects.all():
            if document_sha256(snapshot.data) != snapshot.sha256:
                phase.writes.append({"snapshot": snapshot.pk, "why": "stored document no longer matches its SHA-256"})
        return phase

    # -- phase 4 --

    def fuzz(self, rounds: int) -> Phase:
        phase = Phase("fuzz")
        for _ in range(rounds):
            for name, kwargs, form in self.targets(1, with_post_only=False):
                if not name or name in OWN_ACCOUNT or name in NOT_FUZZED or name.endswith("_delete"):
                    continue
                if name.startswith("admin:") and ("password" in name or "delete" in name or "auth_" in name):
                    continue
                fields = [k for k in form.data if k != "csrfmiddlewaretoken"]
                plans = [("csrf", None, None), ("lock_version", None, None)]
                if any(k.endswith("-TOTAL_FORMS") for k in fields):
                    plans.append(("total_forms", None, None))
                for key in self.random.sample(fields, min(len(fields), self.args.mutations)):
                    plans.append(("field", key, self.random.choice(MUTATIONS)))
                for plan in plans:
                    self.fuzz_one(phase, form, name, kwargs, *plan)
        return phase

    def fuzz_one(self, phase: Phase, form: Form, name: str, kwargs: dict, kind: str, key, value) -> None:
        client = self.clients[form.persona]
        page = client.request("GET", form.source)
        phase.requests += 1
        fresh = next((f for f in page_forms(page.html, form.source, form.persona) if f.action == form.action), None)
        if fresh is None:
            return  # the form is gone (e.g. the assessment was submitted by an accepted mutation)
        data, csrf = dict(fresh.data), True
        if kind == "csrf":
            csrf = False
        elif kind == "lock_version":
            versions = [k for k in data if k.endswith("version")]
            if not versions:
                return
            for k in versions:
                data[k] = str(int(data[k] or 0) - 1) if (data[k] or "0").lstrip("-").isdigit() else "x"
        elif kind == "total_forms":
            for k in data:
                if k.endswith("-TOTAL_FORMS"):
                    data[k] = "-5"
        else:
            data[key] = value
        user = self.user(form.persona)
        # An accepted request of a persona who may write may change data, whatever was mutated (Django reads a
        # negative TOTAL_FORMS as no rows); a refused one never may.
        expect = may_write(user, name, kwargs) and kind != "csrf"
        self.post(
            phase,
            form.persona,
            Form(form.action, data, form.files, form.source, form.persona),
            data,
            csrf=csrf,
            expect_change=expect,
        )


MUTATIONS = [
    "9" * 40,
    "1e400",
    "-1e400",
    "NaN",
    "-Infinity",
    "12.5亿元",
    "1,234.5万元",
    "３４５６元",
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(A1)",
    "\x00",
    "abc\x00def",
    "字" * 10000,
    "x" * 10000,
    "-1",
    "-0",
    "",
    " ",
    "<script>alert(1)</script>",
    "'; DROP TABLE assessments_assessment; --",
    "\u202e",
    "2022²",
    "①",
    "9999-99-99",
    "0.000000000001",
]


def _short(data: dict) -> dict:
    return {k: (v[:60] + "…" if isinstance(v, str) and len(v) > 60 else v) for k, v in data.items()}


# --- the database and the server --------------------------------------------------------------------------------------


def build_database() -> int:
    """perfeval_attack from nothing; returns the id of the Futian assessment, taken to final."""
    import psycopg

    try:
        admin = psycopg.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", autocommit=True)
    except psycopg.OperationalError as error:
        raise SystemExit(f"PostgreSQL on 127.0.0.1:5432 is not reachable ({error})") from None
    admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{DATABASE}"')
    admin.close()
    shutil.rmtree(OUT / "attack-media", ignore_errors=True)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from assessments.evidence.services import evidence_create
    from assessments.exports.services import export_start
    from assessments.models import Assessment
    from assessments.workflow.services import assessment_sign, assessment_submit, delegation_create, steps_for
    from units.models import Membership, Role

    quiet = open(os.devnull, "w")  # noqa: SIM115 - the commands' output is not the attack's
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("createcachetable", verbosity=0, stdout=quiet)
    call_command("load_demo", stdout=quiet)
    User = get_user_model()
    stranger = User.objects.create(username=STRANGER, first_name="陌生人")
    stranger.set_password(PASSWORD)
    stranger.save()
    users = {u.username: u for u in User.objects.all()}

    for assessment in Assessment.objects.select_related("unit"):
        preparer = users[f"{_prefix(assessment)}-preparer"]
        upload = SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        evidence_create(assessment=assessment, user=preparer, upload=upload, description="佐证")
    # A delegation in force: the Zhuzhou group leader lets the unit head sign the group leader's step.
    today = datetime.date.today()
    delegation_create(
        delegator=users["zz-leader"],
        delegate=users["zz-head"],
        unit=Membership.objects.get(user=users["zz-leader"]).unit,
        role=Role.GROUP_LEADER,
        starts=today,
        ends=today + datetime.timedelta(days=30),
    )
    futian = Assessment.objects.select_related("unit__region", "unit__parent").get(unit__name__contains="福田区老干部")
    assessment_submit(assessment=futian, user=users["ft-preparer"])
    for step in steps_for(futian.unit):
        futian.refresh_from_db()
        holder = Membership.objects.filter(role=step.role, user__username__startswith="ft-").first().user
        assessment_sign(assessment=futian, user=holder, opinion=f"同意（{step.label}）")
    futian.refresh_from_db()
    if futian.status != Assessment.Status.FINAL:
        raise SystemExit(f"the Futian assessment did not reach final ({futian.status})")
    # Taoyuan in review, so that its reviewers see sign and return forms; an export job of the Zhuzhou admin.
    taojiang = Assessment.objects.get(unit__name__contains="桃冶")
    try:
        assessment_submit(assessment=taojiang, user=users["tj-preparer"])
    except ValidationError as error:  # a demo assessment with check errors stays a draft
        print(f"  note: the Taojiang assessment stays a draft ({error})")
    zz_year = Assessment.objects.get(unit__name="株洲市行业办公室").year
    export_start(user=users["zz-admin"], year=zz_year, scope="all")
    return futian.pk


def _prefix(assessment) -> str:
    from units.models import Membership

    member = Membership.objects.filter(unit=assessment.unit, role="preparer").select_related("user").first()
    return member.user.username.split("-")[0]


def start_server(port: int) -> subprocess.Popen:
    (OUT / "attack-access.log").unlink(missing_ok=True)  # gunicorn appends to it
    env = {
        **os.environ,
        **SERVER_ENV,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": str(OUT / "attack-access.log"),
    }
    with open(OUT / "attack-gunicorn.log", "w") as log:
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "perfeval.wsgi:application", "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return wait_until_serving(server, port, workers=2, log=OUT / "attack-gunicorn.log", seconds=60)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=1, help="fuzz rounds over every form (default 1)")
    parser.add_argument("--mutations", type=int, default=4, help="fields mutated per form and round (default 4)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--targets", type=int, default=2, help="addresses per route attacked by writes (default 2)")
    parser.add_argument(
        "--reuse-database", action="store_true", help="attack perfeval_attack as a previous run left it (no rebuild)"
    )
    parser.add_argument("--personas", default="", help="only these personas, comma-separated (a quick check)")
    parser.add_argument("--parallel", type=int, default=3, help="personas crawled at the same time (default 3)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    OUT.mkdir(exist_ok=True)
    os.environ.update(SERVER_ENV)
    started = time.monotonic()
    load_before = os.getloadavg()
    if args.reuse_database:
        import django

        django.setup()
        from assessments.models import Assessment

        futian_id = Assessment.objects.get(unit__name__contains="福田区老干部", status="final").pk
    else:
        futian_id = build_database()
    from units.models import Membership

    shutil.rmtree(OUT / "attack-static", ignore_errors=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=os.environ, check=True
    )
    demo = sorted(set(Membership.objects.values_list("user__username", flat=True)))
    # The superuser first: the forms the crawl keeps are the first seen, and it sees every one.
    personas = ["admin", *demo, STRANGER, "anonymous"]
    if args.personas:
        personas = [p for p in personas if p in args.personas.split(",")]
    futian_personas = [p for p in ["admin", *demo] if p in personas and (p == "admin" or p.startswith("ft-"))]
    print(f"database {DATABASE} built in {time.monotonic() - started:.0f} s; {len(personas)} personas", flush=True)
    port = free_port()
    server = start_server(port)
    try:
        attack = Attack(f"http://127.0.0.1:{port}", args)
        for persona in personas:
            attack.clients[persona] = client = Client(attack.base, persona)
            if persona != "anonymous":
                client.login(persona)
            else:
                client.request("GET", "/accounts/login/")
        for name, run in [
            ("crawl", lambda: attack.crawl(personas)),
            ("unauthorised", lambda: attack.unauthorised(personas)),
            ("final", lambda: attack.final(futian_id, futian_personas)),
            ("fuzz", lambda: attack.fuzz(args.rounds)),
        ]:
            begun = time.monotonic()
            phase = run()
            attack.phases.append(phase)
            print(f"  {name}: {phase.requests} requests in {time.monotonic() - begun:.0f} s", flush=True)
    finally:
        stop(server)
    phases = attack.phases
    print(f"\n{'phase':<13} {'requests':>9} {'leaks':>6} {'5xx':>5} {'partial writes':>14} {'refused':>8}")
    for phase in phases:
        print(phase.row())
    total = Phase(
        "total",
        requests=sum(p.requests for p in phases),
        leaks=[x for p in phases for x in p.leaks],
        errors=[x for p in phases for x in p.errors],
        writes=[x for p in phases for x in p.writes],
        refused=sum(p.refused for p in phases),
    )
    print(total.row())
    for phase in phases:
        for kind, found in (("LEAK", phase.leaks), ("5xx", phase.errors), ("WRITE", phase.writes)):
            for item in found[:20]:
                print(f"  {phase.name} {kind}: {json.dumps(item, ensure_ascii=False)}")
    summary = {
        "command": " ".join(["bench/attack.py", *(argv if argv is not None else sys.argv[1:])]),
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {"nproc": os.cpu_count(), "python": sys.version.split()[0]},
        "load_average": {"start": load_before, "end": os.getloadavg()},
        "seconds": round(time.monotonic() - started),
        "phases": [p.__dict__ for p in phases],
    }
    (OUT / "attack.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1, default=str))
    print(
        f"\n{summary['seconds']} s in all; load average {load_before[0]:.2f} → {os.getloadavg()[0]:.2f} "
        f"on {os.cpu_count()} cores; written {OUT / 'attack.json'}"
    )
    return 1 if total.leaks or total.errors or total.writes else 0


if __name__ == "__main__":
    sys.exit(main())
