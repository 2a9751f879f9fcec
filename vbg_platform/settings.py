"""Settings for the Veilig Buitengebied portal, read from the environment.

With nothing set the portal runs embedded (SQLite, in-memory channel layer, database cache and
search, console mail). Production differs only in environment values; see `.env.example`.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# The embedded defaults (SQLite database, queue file, media) live here.
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Production mode is everything that is not explicitly development (DEBUG) or a test run.
TESTING = env.bool("VBG_TESTING", default=False)
PRODUCTION = not DEBUG and not TESTING

if PRODUCTION:
    try:
        SECRET_KEY = env.str("SECRET_KEY")
        ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(
            "Production mode needs SECRET_KEY and ALLOWED_HOSTS in the environment "
            "(or DEBUG=true for local development)."
        ) from exc
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS may not be empty in production mode.")
    # The referral register is encrypted with its own keys (Fernet, newest first), never with SECRET_KEY.
    FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[]) or env.list(
        "FIELD_ENCRYPTION_KEY", default=[]
    )
    if not FIELD_ENCRYPTION_KEYS:
        raise ImproperlyConfigured(
            "Production mode needs FIELD_ENCRYPTION_KEYS (Fernet keys, comma-separated, newest first) for the "
            "referral register."
        )
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
    # A fixed, public development key: development and test data are fictitious.
    FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[]) or env.list(
        "FIELD_ENCRYPTION_KEY", default=["ZGV2LW9ubHktcmVmZXJyYWwta2V5LW5vdC1zZWNyZXQ="]
    )
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Part of every key of rendered pages in the cache (core/build.py): empty = a digest of the source files.
BUILD_ID = env.str("BUILD_ID", default="")

INSTALLED_APPS = [
    "daphne",
    # The top layer first: its templates (base.html, error pages, admin overrides) win, as DIRS did.
    "vbg_platform",
    # Project apps first so their templates override the packages'.
    "core",
    "accounts",
    "stakeholders",
    "knowledgebase",
    "meetings",
    "search",
    "notifications",
    "referrals",
    "trainings",
    "evenings",
    "monitoring",
    "surveys",
    "accounts.apps.WagtailUsersConfig",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "crispy_forms",
    "crispy_bootstrap5",
    "channels",
    "huey.contrib.djhuey",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.page_cache.PageCacheMiddleware",
    "core.middleware.IdleSessionMiddleware",
    "core.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.MFARequiredMiddleware",
    "core.middleware.AdminDoorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "referrals.middleware.ReferralIdleTimeoutMiddleware",
]
REFERRAL_IDLE_TIMEOUT = env.int("REFERRAL_IDLE_TIMEOUT", default=15 * 60)

ROOT_URLCONF = "vbg_platform.urls"
ASGI_APPLICATION = "vbg_platform.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vbg_platform.context_processors.portal",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# On PostgreSQL each worker process keeps a pool of connections. Under ASGI, CONN_MAX_AGE does not reuse
# connections (each request may run in another thread), so without a pool every request connects anew, and
# with CONN_MAX_AGE > 0 connections pile up until PostgreSQL refuses more. Checked before each use, so a
# restarted PostgreSQL costs no request. DB_POOL_MAX_SIZE=0 switches the pool off (tests run without one).
DB_POOL_MAX_SIZE = env.int("DB_POOL_MAX_SIZE", default=0 if TESTING else 10)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_POOL_MAX_SIZE > 0:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # with a pool: psycopg checks each connection it lends
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": 10,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web server write without "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            # Writers queue at BEGIN instead of failing when two upgrade a read lock (the access-log chain).
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
CHANNEL_CAPACITY = env.int("CHANNEL_CAPACITY", default=2000)
if REDIS_URL:
    from core.channel_layers import redis_channel_layer

    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # Redis down means no caching, never an error page: reads miss, writes are dropped, each
                # failure is logged, and /health/ names the cache (its round trip fails).
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 2,
            },
            "KEY_PREFIX": "vbg",
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    CHANNEL_LAYERS = {"default": redis_channel_layer(REDIS_URL)}
else:
    # A database cache is shared by the web server and the worker (login throttling survives restarts).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "vbg_cache",
            # Django's default of 300 entries would cull the anonymous pages and the kept page parts
            # (core.page_cache) of a busy site almost at once.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": CHANNEL_CAPACITY}}
    }

# --- Background work (huey): SQLite file embedded, Redis at scale -----------------------------
HUEY_IMMEDIATE = env.bool("HUEY_IMMEDIATE", default=False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "vbg",
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "vbg",
        "filename": str(VAR_DIR / "queue.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread"},
    }
# A worker that has not written a heartbeat for this long is reported as down on /health/.
WORKER_HEARTBEAT_MAX_AGE = timedelta(seconds=env.int("WORKER_HEARTBEAT_MAX_AGE", default=180))

# --- Search -----------------------------------------------------------------------------------
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
# The alias the portal searches; a rebuild fills a new index behind it and swaps.
ELASTICSEARCH_INDEX = env.str("ELASTICSEARCH_INDEX", default="vbg-portal")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)  # also invitations

# Sessions expire when idle: core.middleware.IdleSessionMiddleware renews a session in use at most once per
# SESSION_RENEW_INTERVAL seconds (not on every request: that was a database write per page view).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_RENEW_INTERVAL = env.int("SESSION_RENEW_INTERVAL", default=60)
SESSION_SAVE_EVERY_REQUEST = False
# With Redis, sessions are read from the cache (the database stays the record, so a Redis restart logs
# nobody out); without it the database cache would gain nothing over the session table itself.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login throttling: after LOGIN_THROTTLE_FREE_ATTEMPTS failures for one account from one client
# address, each further failure doubles the wait, starting at LOGIN_THROTTLE_BASE_SECONDS.
LOGIN_THROTTLE_FREE_ATTEMPTS = env.int("LOGIN_THROTTLE_FREE_ATTEMPTS", default=5)
LOGIN_THROTTLE_BASE_SECONDS = env.int("LOGIN_THROTTLE_BASE_SECONDS", default=30)
LOGIN_THROTTLE_MAX_SECONDS = env.int("LOGIN_THROTTLE_MAX_SECONDS", default=3600)
# Addresses (or networks) of reverse proxies whose X-Forwarded-For may be believed.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

OTP_TOTP_ISSUER = "Veilig Buitengebied"
OTP_TOTP_THROTTLE_FACTOR = 1
MFA_RECOVERY_CODE_COUNT = 10

# --- Wagtail ----------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Veilig Buitengebied"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILADMIN_LOGIN_URL = "accounts:login"
WAGTAIL_FRONTEND_LOGIN_URL = "/account/inloggen/"
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Nobody sets another person's password: people choose their own through the invitation or reset mail.
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No Gravatar: it would send a hash of each admin user's e-mail address to a third party (and the admin's CSP
# blocks it anyway); Wagtail shows its own default avatar instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "csv", "txt"]
# Documents are checked by their bytes, not only their extension.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "core.forms.SafeDocumentForm"
# Raster only: an SVG can carry script.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_IMAGE_FORM_BASE = "core.forms.SafeImageForm"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Virus scanning of every upload before it is stored (core/scanning.py): "" (off), "clamd" or "clamscan".
UPLOAD_SCANNER = env.str("UPLOAD_SCANNER", default="")
if UPLOAD_SCANNER not in ("", "clamd", "clamscan"):
    raise ImproperlyConfigured("UPLOAD_SCANNER must be empty (off), 'clamd' or 'clamscan'.")
CLAMD_ADDRESS = env.str("CLAMD_ADDRESS", default="/var/run/clamav/clamd.ctl")  # a socket path or host:port
UPLOAD_SCANNER_COMMAND = env.str("UPLOAD_SCANNER_COMMAND", default="clamscan --no-summary --stdout -")
UPLOAD_SCANNER_TIMEOUT = env.int("UPLOAD_SCANNER_TIMEOUT", default=60)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("Engels"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    # FileSystemStorage that writes a file whole before it gets its name (a full disk never leaves half a file).
    "default": {"BACKEND": "core.storage.AtomicFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

FORMS_URLFIELD_ASSUME_HTTPS = True  # the Django 6 default, already now
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Mail -------------------------------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Veilig Buitengebied <noreply@veiligbuitengebied.nl>")

# --- Security ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Exempt the health check so a load balancer can call it over plain HTTP internally.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# --- Retention (stated in the privacy statement) ----------------------------------------------
RETENTION = {
    "access_logs_days": env.int("RETENTION_ACCESS_LOGS_DAYS", default=180),
    "audit_log_years": env.int("RETENTION_AUDIT_LOG_YEARS", default=7),
    "notifications_days": env.int("RETENTION_NOTIFICATIONS_DAYS", default=365),
    "inactive_contact_years": env.int("RETENTION_INACTIVE_CONTACT_YEARS", default=2),
    "referral_years_after_close": env.int("RETENTION_REFERRAL_YEARS", default=2),
    # Uploaded spreadsheet rows of an import preview nobody confirmed or cancelled (stakeholders.tasks).
    "import_preview_hours": env.int("RETENTION_IMPORT_PREVIEW_HOURS", default=24),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # Wagtail logs every page created or published at INFO; its audit log keeps them already.
        "wagtail": {"level": env.str("WAGTAIL_LOG_LEVEL", default="WARNING")},
    },
}
