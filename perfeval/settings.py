"""perfeval settings: one module, every value from the environment with a working default for development.

Production sets at least SECRET_KEY, DEBUG=false, ALLOWED_HOSTS and DATABASE_URL; see .env.example.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "true")

SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")
    SECRET_KEY = "development-only-secret-key-do-not-use-in-production-0123456789"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "perfeval.apps.AxesConfig",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "perfeval.apps.TasksConfig",
    "perfeval",
    "units",
    "assessments",
    "scoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the body: an oversized request is refused on its Content-Length.
    "perfeval.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "perfeval.middleware.SessionIdleTimeoutMiddleware",
    # After the CSRF check, so that a forged request gets the CSRF page.
    "perfeval.middleware.FormCountLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Inside the CSP middleware, so that the page it renders carries the policy.
    "perfeval.middleware.NotAllowedPageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes requirement).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "perfeval.urls"
WSGI_APPLICATION = "perfeval.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", "0"),
    )
}
# PostgreSQL plans every query it is sent; the query loading an assessment with its access check takes longer to
# plan than to run. Parameters bound by the server let psycopg prepare a query the connection has run twice, so a
# kept connection (DB_CONN_MAX_AGE) plans it once: a tab's database CPU went from ≈ 18 to ≈ 2 ms (bench/RESULTS.md).
# DB_PREPARED_STATEMENTS=false where a pooler in transaction mode (pgbouncer) sits between the web and the database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and envbool("DB_PREPARED_STATEMENTS", "true"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
# The memory a sort or hash of one query may take before it spills to disk. PostgreSQL's default (4 MB) spilled the
# dashboard's averages per 主管部门 at 20,000 units × 3 years (a sort of 32,335 lines; bench/RESULTS.md, session 11).
# It is per sort node and per connection: 32 MB × a few nodes × (web workers + task workers) stays far below the RAM.
DB_WORK_MEM = os.getenv("DB_WORK_MEM", "32MB")  # empty: the server's own setting
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_WORK_MEM:
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", f"-c work_mem={DB_WORK_MEM}")

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # What every web machine must see alike (an Excel upload previewed on one machine is confirmed on another):
    # a table in the database (`manage.py createcachetable`, run by `make migrate` and by the test runner).
    "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "perfeval_cache"},
}

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and refuses further attempts once the limit is reached.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins count per (user name, client address) pair: one person's typing does not lock out an office behind
# one NAT address, nor can a stranger lock a named user out everywhere. From the AXES_FAILURE_LIMIT-th failure the
# pair waits LOGIN_DELAY_FIRST before its next try, twice as long after each further failure, at most
# AXES_COOLOFF_MINUTES (perfeval/login_attempts.py). Failures are remembered LOGIN_FAILURE_MEMORY_HOURS.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "perfeval.login_attempts.ProgressiveDelayHandler"
AXES_COOLOFF_TIME = timedelta(hours=envint("LOGIN_FAILURE_MEMORY_HOURS", "24"))
LOGIN_DELAY_FIRST = timedelta(minutes=envint("LOGIN_DELAY_FIRST_MINUTES", "1"))
LOGIN_DELAY_MAX = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
# A try made while the pair waits is refused without checking the password, and does not lengthen the wait.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "perfeval.login_attempts.lockout_response"

# Reminders (manage.py send_reminders, daily: deploy/systemd/perfeval-reminders.timer): a returned assessment not
# resubmitted after REMINDER_RETURNED_DAYS days, and a deadline within REMINDER_DEADLINE_DAYS days or passed.
REMINDER_RETURNED_DAYS = envint("REMINDER_RETURNED_DAYS", "7")
REMINDER_DEADLINE_DAYS = envint("REMINDER_DEADLINE_DAYS", "7")
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "perfeval.login_attempts.attempted_username"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Translations Django lacks in zh-hans (locale/zh_Hans/LC_MESSAGES/django.po).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", BASE_DIR / "media"))
# Media is never served as static files: evidence is downloaded only through permission-checked views.
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.getenv(
            "STATICFILES_BACKEND",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Django's built-in CSP: only our own origin, and no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Django's database sessions, read by a statement written once (perfeval/sessions.py).
SESSION_ENGINE = "perfeval.sessions"
# Sessions end after SESSION_IDLE_MINUTES without a request (perfeval.middleware.SessionIdleTimeoutMiddleware).
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", "120") * 60
# A Chinese page that keeps what was typed, instead of Django's English one (which also needs inline CSS).
CSRF_FAILURE_VIEW = "perfeval.views.csrf_failure"
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "false" if DEBUG else "true")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0")
# Off unless asked for: both bind every subdomain of the site's domain to HTTPS, which on a shared government
# domain is the domain owner's decision (deploy/perfeval.env.example turns them on).
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "false")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "false")
BEHIND_TLS_PROXY = envbool("BEHIND_TLS_PROXY", "false")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
# The client address of the login lock-out (django-axes through django-ipware). Behind TRUSTED_PROXY_COUNT proxies
# that each append to X-Forwarded-For, the client is the entry the outermost of them appended — the
# TRUSTED_PROXY_COUNT-th from the right; entries further left are whatever the client sent, and a request with fewer
# entries did not come through the proxies, so its socket address counts. Without proxies the header is ignored.
# Only the proxies may reach gunicorn (GUNICORN_BIND on 127.0.0.1 or the proxies' network), or anyone could forge it.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "1" if BEHIND_TLS_PROXY else "0")
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXY_COUNT else ("REMOTE_ADDR",)
# ipware counts the proxies listed in the header after the client, i.e. all but the one that appended it last.
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1 if TRUSTED_PROXY_COUNT else None
AXES_IPWARE_PROXY_ORDER = "left-most"
# At least that many entries, not exactly: the client may have sent its own X-Forwarded-For on the left.
IPWARE_STRICT = False
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND_NAME = os.getenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_NAME,
        "OPTIONS": {
            "host": os.getenv("EMAIL_HOST", "localhost"),
            "port": envint("EMAIL_PORT", "25"),
            "username": os.getenv("EMAIL_HOST_USER", ""),
            "password": os.getenv("EMAIL_HOST_PASSWORD", ""),
            "use_tls": envbool("EMAIL_USE_TLS", "false"),
        }
        if EMAIL_BACKEND_NAME.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "perfeval <noreply@localhost>")

# Background work (the annual export) goes through Django's Tasks API. The immediate backend runs a task in the
# request; TASK_BACKEND=django_tasks_db.DatabaseBackend hands it to `manage.py db_worker` processes on any machine.
TASKS = {"default": {"BACKEND": os.getenv("TASK_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")}}

# Widgets render through Jinja2: the same HTML as Django's templates, several times faster on the 自评表's
# hundreds of inputs.
FORM_RENDERER = "perfeval.renderers.FormRenderer"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", str(5 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = envint("FILE_UPLOAD_MAX_MEMORY_SIZE", str(5 * 1024 * 1024))
# A 自评表 row posts about 18 fields, so Django's default of 1,000 refused the save and the live preview of a table of
# 55 rows or more as a bad request. Room for the formsets' 1,000 rows; the body is still bounded by the sizes above.
DATA_UPLOAD_MAX_NUMBER_FIELDS = envint("DATA_UPLOAD_MAX_NUMBER_FIELDS", "20000")
# 佐证材料: the largest file a unit may upload, in bytes.
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024))
# The largest request body accepted at all, refused on its Content-Length before it is read: one evidence file and
# the form around it.
MAX_REQUEST_BYTES = envint("MAX_REQUEST_BYTES", str(EVIDENCE_MAX_BYTES + 1024 * 1024))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_client_error_tracebacks": {"()": "perfeval.logs.NoClientErrorTracebacks"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_client_error_tracebacks"]},
        "console_errors": {"class": "logging.StreamHandler", "level": "ERROR"},
    },
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
    "loggers": {
        # WeasyPrint reports each layout step (INFO) and each CSS property it ignores (WARNING): 10-30 lines a PDF.
        # Its warnings still reach the report's own collector (missing CJK glyphs are logged there as errors);
        # only its errors reach the log.
        "weasyprint": {"handlers": ["console_errors"], "level": "WARNING", "propagate": False},
    },
}
