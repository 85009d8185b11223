"""Settings for the "Flask or Django?" guide, read from the environment (django-environ).

Every variable is documented in README.md ("Configuration"). With nothing set, the guide runs
on SQLite and a per-process memory cache; in production set at least SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL and CACHE_URL.
"""

import hashlib
import os
from pathlib import Path

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured

from config import stores

# Generic classes such as ModelAdmin[Permalink] subscriptable at run time, as the type checker
# (django-stubs) reads them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
# A developer's checkout keeps its own values in .env (git-ignored; `make` writes one with a
# random SECRET_KEY). Real environment variables always win over it.
ENV_FILE = Path(os.environ.get("ENV_FILE", BASE_DIR / ".env"))
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE)

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    # A development key, only ever with DEBUG on: it never signs anything in production.
    SECRET_KEY = env("SECRET_KEY", default="django-insecure-development-only-" + "x" * 32)
else:
    try:
        SECRET_KEY = env("SECRET_KEY")
    except ImproperlyConfigured:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the guide needs a secret key from the "
            "environment, e.g. SECRET_KEY=$(python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'); set DEBUG=1 for local development."
        ) from None
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY is too short: use at least 50 random characters.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",
    "axes",
    "guide",
    "config.apps.SiteConfig",
]

MIDDLEWARE = [
    "config.middleware.ApiJsonMiddleware",
    "config.middleware.RequestGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.ServiceUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.LocaleMiddleware",
    "config.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "guide.web.languages.languages",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# -- data -------------------------------------------------------------------------------------

#: Seconds a query may wait for PostgreSQL before the request gives up with a 503, and seconds
#: a process then leaves the database alone (guide/db/base.py).
DATABASE_QUERY_TIMEOUT = env.float("DATABASE_QUERY_TIMEOUT", default=5.0)
DATABASE_RETRY_SECONDS = env.float("DATABASE_RETRY_SECONDS", default=5.0)
DATABASES = {
    "default": stores.database(
        env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
        | {"CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=60)},
        connect_timeout=env.int("DATABASE_CONNECT_TIMEOUT", default=3),
        query_timeout=DATABASE_QUERY_TIMEOUT,
    )
}

_HTTPS = env.bool("SECURE_HTTPS", default=not DEBUG)
#: The site's public origin, e.g. https://guide.example.org. Share links, preview images and
#: PDFs are built from it, never from the request's Host header, so a page is cached once
#: whatever Host a client sends.
SITE_URL = env(
    "SITE_URL",
    default=f"https://{ALLOWED_HOSTS[0]}"
    if _HTTPS
    else f"http://{ALLOWED_HOSTS[0]}:{env('PORT', default='8000')}",
).rstrip("/")


#: The release being served (e.g. the commit, as `make serve` sets it): part of every cache key
#: and ETag, so a new release never serves what the previous one cached or tagged. Deploys set
#: it; the deploy check guide.W003 warns when a shared cache is used without it.
RELEASE = env("RELEASE", default="dev")

# CACHE_URL unset: each worker process caches in its own memory; redis://...: Redis, shared by
# every server, failing open while it is down (config/stores.py, config/cache.py).
CACHES = stores.caches(
    env.cache("CACHE_URL") if "CACHE_URL" in os.environ else None,
    key_prefix=env(
        "CACHE_KEY_PREFIX",
        default=hashlib.sha256(f"{RELEASE} {SITE_URL}".encode()).hexdigest()[:10],
    ),
)
#: With the counters in each worker's memory, each worker allows its share of a rate limit
#: (guide/services/limits.py); gunicorn.conf.py passes its worker count on.
_PER_PROCESS = CACHES["counters"]["BACKEND"].endswith("LocMemCache")
RATELIMIT_WORKERS = env.int("WEB_CONCURRENCY", default=1) if _PER_PROCESS else 1

# -- static files -------------------------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
#: The starters' template as a read-only git repository (`manage.py publish_starters` makes
#: it), served as static files at /starters.git/ for `copier update`: WhiteNoise serves the
#: folder that holds it at the site's root (nginx does under `make serve`).
PUBLISHED_ROOT = Path(env("PUBLISHED_ROOT", default=str(BASE_DIR / "published")))
STARTERS_REPOSITORY = PUBLISHED_ROOT / "starters.git"
WHITENOISE_ROOT = PUBLISHED_ROOT
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Compressed, content-hashed names, served by WhiteNoise with far-future caching.
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND", default="whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# -- security ------------------------------------------------------------------------------------

# SECURE_HTTPS: the site is reached over HTTPS (directly or through a TLS-terminating proxy).
# On by default in production; `make serve` and the tests turn it off on plain-HTTP loopback.
SECURE_HTTPS = _HTTPS
# The proxy or load balancer terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = SECURE_HTTPS
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # the one form that posts carries its token in a hidden field
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict Content-Security-Policy: no inline or eval'd script (htmx is configured for it in
# base.html), nothing from other origins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# The questionnaire is a few dozen short fields: anything much bigger is not our form.
# RequestGuardMiddleware refuses a larger body (413) before it is read; with no upload
# handlers, a file sent with a form is dropped as it is parsed, never written to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 64
FILE_UPLOAD_HANDLERS: list[str] = []
# Other sites may not embed the guide's pages or scripts; the preview image is the exception
# (guide/card.py). No page uses a device API.
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
_DEVICE_APIS = "accelerometer camera geolocation gyroscope magnetometer microphone payment usb"
PERMISSIONS_POLICY: dict[str, list[str]] = {api: [] for api in _DEVICE_APIS.split()}

# -- the admin ----------------------------------------------------------------------------------

#: Where the (read-only) admin lives; a path of your own keeps it out of every scanner's list.
ADMIN_PATH = env("ADMIN_PATH", default="admin/").strip("/") + "/"
# django-axes: after AXES_FAILURE_LIMIT wrong passwords, that client and that user name are
# locked out for AXES_COOLOFF_TIME (429, logged), and a locked-out try costs no password hash.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("ADMIN_LOGIN_FAILURES", default=5)
AXES_COOLOFF_TIME = env.float("ADMIN_LOCKOUT_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]  # either one, on its own
AXES_CLIENT_IP_CALLABLE = "config.clients.login_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "429_login.html"
AXES_VERBOSE = True
CSRF_FAILURE_VIEW = "guide.web.views.csrf_failure"

# -- costly work (guide/services/downloads.py) ------------------------------------------------

#: Renders (a permalink's page, PDF, image, starter) one process makes at once; up to
#: RENDER_QUEUE more wait for a slot, RENDER_WAIT seconds at most, and any other miss is a 503
#: with Retry-After. `make serve` sends renders to their own gunicorn pool (RENDER_WORKERS
#: processes, deploy/serve.py), so they never take the threads that answer everything else.
RENDER_SLOTS = env.int("RENDER_SLOTS", default=1)
RENDER_QUEUE = env.int("RENDER_QUEUE", default=1)
RENDER_WAIT = env.float("RENDER_WAIT", default=2.0)

#: Results each process keeps scored (guide/services/permalinks.py): about 32 KiB each, so the
#: default costs a worker about 8 MiB at most; a result not kept is scored again in ~1 ms.
SCORE_CACHE_ENTRIES = env.int("SCORE_CACHE_ENTRIES", default=256)

# -- rate limits (django-ratelimit, counted in the cache; guide/services/limits.py) ------------

RATELIMIT_PERMALINKS = env("RATELIMIT_PERMALINKS", default="20/m")
RATELIMIT_PDF = env("RATELIMIT_PDF", default="30/m")
RATELIMIT_STARTER = env("RATELIMIT_STARTER", default="30/m")
#: Permalink pages, preview images and decision records made afresh (a cached one is free).
RATELIMIT_PAGES = env("RATELIMIT_PAGES", default="60/m")
#: Team rooms created, and members' saves (joining or changing their answers) in rooms.
RATELIMIT_TEAMS = env("RATELIMIT_TEAMS", default="10/h")
RATELIMIT_TEAM_ANSWERS = env("RATELIMIT_TEAM_ANSWERS", default="60/m")
RATELIMIT_VIEW = "guide.web.views.ratelimited"
RATELIMIT_USE_CACHE = "counters"  # apart from what is rendered (config/stores.py)
# How many proxies in front of the app append to X-Forwarded-For (0: clients connect directly).
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
RATELIMIT_IP_META_KEY = "config.clients.client_ip"
# An IPv6 client is counted by its /64, which is given to one home, office or server whole
# (nginx counts it the same way: deploy/clients.conf).
RATELIMIT_IPV6_MASK = 64
# While Redis is down the counts cannot be kept: let requests through rather than refuse
# everyone (config/cache.py).
RATELIMIT_FAIL_OPEN = True

# -- the rest ------------------------------------------------------------------------------------

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
#: The languages the guide speaks: its interface (locale/) and its knowledge
#: (questions.<language>.yaml). English is unprefixed; the others live under /<code>/.
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("pt-br", "Português (Brasil)"),
    ("zh-hans", "简体中文"),
]
GUIDE_LANGUAGES = [code for code, _ in LANGUAGES]
LOCALE_PATHS = [BASE_DIR / "locale"]
#: Dates and numbers follow the active language (Django's l10n); English dates read day first.
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

#: Everything the guide knows. A broken file fails `manage.py check` with the loader's message.
GUIDE_QUESTIONS_FILE = Path(env("GUIDE_QUESTIONS_FILE", default=str(BASE_DIR / "questions.yaml")))

# Structured logs: one JSON object a line on stdout, for whatever collects them.
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    # A client's mistake is one short line, a few a minute at most (config/logs.py).
    "filters": {"client_errors": {"()": "config.logs.ClientErrors"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["client_errors"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},  # one line per rendering step
        "fontTools": {"level": "WARNING"},  # a dozen lines per font subset in every PDF
        "axes.apps": {"level": "WARNING"},  # a banner at every start, in every command's output
    },
}
