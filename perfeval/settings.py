"""perfeval settings: one module, every value from the environment with a working default for development.

Production sets at least SECRET_KEY, DEBUG=false, ALLOWED_HOSTS and DATABASE_URL; see .env.example.
"""

import os
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
    "axes",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
    "perfeval",
    "units",
    "assessments",
    "scoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
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

AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")

# Reminders (manage.py send_reminders, daily: deploy/systemd/perfeval-reminders.timer): a returned assessment not
# resubmitted after REMINDER_RETURNED_DAYS days, and a deadline within REMINDER_DEADLINE_DAYS days or passed.
REMINDER_RETURNED_DAYS = envint("REMINDER_RETURNED_DAYS", "7")
REMINDER_DEADLINE_DAYS = envint("REMINDER_DEADLINE_DAYS", "7")
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", "15") / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
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
# Behind load balancers every request arrives from their address, so a lock-out by address would lock out everyone.
# The client is the X-Forwarded-For entry appended by the outermost of our proxies; entries further left are
# whatever the client sent.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", "1" if BEHIND_TLS_PROXY else "0")
AXES_CLIENT_IP_CALLABLE = "perfeval.proxy.client_ip"
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
# 佐证材料: the largest file a unit may upload, in bytes.
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}
