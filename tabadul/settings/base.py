"""Settings shared by every environment; safe for production on their own.

Everything that differs between machines comes from the environment (django-environ). Security
values have no default here, so a production start without them fails loudly.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "portal",
    "curriculum",
    "lessons",
    "discussion",
    "search",
    "xapi",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "portal.middleware.AccessScopeMiddleware",
    # Security headers first, so that every response carries them, static files included.
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.security.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.security.sessions.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "portal.viewas.ViewAsMiddleware",
    "portal.security.middleware.SecondFactorMiddleware",
    "portal.middleware.SignInInsteadOfNotFoundMiddleware",
    # Wagtail's routing steps kept across requests (curriculum.routing); the access policy still
    # decides, when the page is served.
    "curriculum.routing.RouteAhead",
    # Last, so that it sees the sign-in failures of every view (axes' lockout page).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tabadul.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "curriculum.context_processors.navigation",
                "portal.context_processors.view_as",
            ],
        },
    },
]

WSGI_APPLICATION = "tabadul.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tabadul.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Connections kept between requests (seconds; 0 closes one after every request), checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several threads: write-ahead logging lets readers run during a
    # write, NORMAL sync skips an fsync per commit (safe with WAL), IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username/address before a password is checked.
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
LOGIN_REDIRECT_URL = "/dashboard/"
# A CSRF failure: the portal's page, or 403 JSON with the reason for the JSON API (portal.api).
CSRF_FAILURE_VIEW = "portal.security.views.csrf_failure"
LOGOUT_REDIRECT_URL = "/"

# Internationalisation: English is the source language, Arabic pages live under /ar/.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ar", "العربية")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "tabadul" / "static"]  # site-wide: the layout, the brand mark
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# A request body (form fields, JSON) past this is refused with 400; uploaded files are limited
# separately (WAGTAILDOCS_/WAGTAILIMAGES_MAX_UPLOAD_SIZE) and spill to disk past the file limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- security: sign-in, two-factor, sessions, headers (docs/operations.md "Security") ----------

# Sessions end after this long without a request (every request renews the cookie).
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
# Renewed (row and cookie) at most once a minute, not on every request: portal.security.sessions.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# django-axes: sign-in failures are counted per username *and* address together, so that a guesser
# is stopped without letting anyone lock another officer out from elsewhere. A success resets the
# count; a lockout ends by itself after the cool-off, or at once with `manage.py axes_reset`.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [
    [part.strip() for part in criterion.split("+")]
    for criterion in env.list("AXES_LOCKOUT_PARAMETERS", default=["username+ip_address"])
]
AXES_RESET_ON_SUCCESS = True
# A try during a lockout is refused and logged, but does not restart the cool-off.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "portal.security.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "portal.audit.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # sign-ins and sign-outs go to the portal's own access log
AXES_VERBOSE = False

# Two-factor authentication (django-otp): required for everyone who can reach the admin,
# optional for officers. See portal/security/two_factor.py.
OTP_TOTP_ISSUER = "Tabadul"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # Django admin never shows a device's secret key
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
TWO_FACTOR_RECOVERY_CODES = 10

# Content Security Policy (django-csp 4). Officer-facing pages: no inline script or style at all.
# The Wagtail admin ships inline scripts and styles of its own: it gets CONTENT_SECURITY_POLICY_ADMIN
# (portal.security.middleware.ContentSecurityPolicyMiddleware).
CONTENT_SECURITY_POLICY_REPORT_PATH = "/csp-report/"
CONTENT_SECURITY_POLICY_EMBED_ORIGINS = env.list(
    "CSP_EMBED_ORIGINS",
    default=["https://www.youtube.com", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "frame-src": ["'self'", *CONTENT_SECURITY_POLICY_EMBED_ORIGINS],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": [CONTENT_SECURITY_POLICY_REPORT_PATH],
    }
}
ADMIN_PATH_PREFIXES = ("/admin/", "/django-admin/")
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        # The page editor previews the page in a frame of its own origin.
        "frame-ancestors": ["'self'"],
    }
}
# Nothing in the admin calls a third party: no avatars from gravatar.com, no release check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Wagtail
WAGTAIL_SITE_NAME = "Tabadul"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
# The page editor's autosave: milliseconds from a change to its background save, 0 turns it off
# (Wagtail's own race when a new page is saved by hand during its first autosave: docs/authoring.md).
WAGTAIL_AUTOSAVE_INTERVAL = env.int("WAGTAIL_AUTOSAVE_INTERVAL", default=500)
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
    # The portal search's database engine (search.SearchDocument), indexed by the search app itself.
    # "simple": no stemming or stop words, like SQLite FTS5 and the Elasticsearch analyzers.
    "search": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": "simple",
        "AUTO_UPDATE": False,
    },
}
# Uploads: only these types, and only up to these sizes (Wagtail's forms say which and why).
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
# Documents go through Wagtail's serve view (and our before_serve_document hook), never straight
# from storage; images are served by portal.media. See docs/operations.md for X-Accel-Redirect.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
MEDIA_ACCEL_REDIRECT_PREFIX = env("MEDIA_ACCEL_REDIRECT_PREFIX", default="")
MEDIA_X_SENDFILE = env.bool("MEDIA_X_SENDFILE", default=False)
ACCESS_LOG_RETENTION_DAYS = env.int("ACCESS_LOG_RETENTION_DAYS", default=365)
ACCESS_LOG_TRUST_X_FORWARDED_FOR = env.bool("ACCESS_LOG_TRUST_X_FORWARDED_FOR", default=False)
WAGTAILDOCS_MAX_UPLOAD_SIZE = env.int("UPLOAD_MAX_DOCUMENT_MB", default=20) * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.int("UPLOAD_MAX_IMAGE_MB", default=10) * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000  # refuses decompression bombs
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# Django's task framework (django-tasks). Here, and so in development and `make run`, the immediate
# backend runs a task inside `enqueue()`, so nothing else needs to run; the production settings use
# the database backend (django-tasks-db) and its `db_worker` processes. TASKS_BACKEND overrides both.
TASKS_IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"
TASKS_DATABASE = "django_tasks_db.DatabaseBackend"
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default=TASKS_IMMEDIATE)}}

# Search (the search service reads these; see docs/search.md)
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
SEARCH_INDEX_PREFIX = env("SEARCH_INDEX_PREFIX", default="tabadul")
# Engines in the order they are asked; one that is not configured or cannot answer is skipped.
SEARCH_ENGINES = [
    "search.engines.elasticsearch.ElasticsearchEngine",
    "search.engines.database.DatabaseEngine",
]
SEARCH_DATABASE_BACKEND = "search"
SEARCH_PAGE_SIZE = 10
SEARCH_MAX_PAGES = 1000
SEARCH_SUGGESTIONS = 8
SEARCH_FACET_SIZE = 100
SEARCH_ELASTICSEARCH_TIMEOUT = env.float("SEARCH_ELASTICSEARCH_TIMEOUT", default=5.0)
SEARCH_INDEX_SHARDS = env.int("SEARCH_INDEX_SHARDS", default=1)
SEARCH_INDEX_REPLICAS = env.int("SEARCH_INDEX_REPLICAS", default=0)
# The outbox: retries back off from BASE to MAX seconds; processed rows are kept for the rebuild.
SEARCH_RETRY_BASE_SECONDS = 5
SEARCH_RETRY_MAX_SECONDS = 300
SEARCH_OUTBOX_RETENTION_HOURS = 24
# A drainer holds the rows it claimed this long; a drainer that dies (a killed worker) loses them to
# the next one once it expires, so it must outlast the slowest batch.
SEARCH_OUTBOX_LEASE_SECONDS = env.int("SEARCH_OUTBOX_LEASE_SECONDS", default=120)
SEARCH_DRAIN_BATCH_SIZE = env.int("SEARCH_DRAIN_BATCH_SIZE", default=500)
SEARCH_REBUILD_MARGIN_SECONDS = 60
# More pending changes than this and Elasticsearch is not trusted: the database engine answers.
SEARCH_MAX_PENDING_CHANGES = 1000
SEARCH_CATCH_UP_SECONDS = 30

# xAPI learning records (docs/xapi.md): off (nothing recorded) while XAPI_LRS_URL is unset.
XAPI_LRS_URL = env("XAPI_LRS_URL", default="")
XAPI_LRS_USERNAME = env("XAPI_LRS_USERNAME", default="")
XAPI_LRS_PASSWORD = env("XAPI_LRS_PASSWORD", default="")
# The actor's account homePage and the root of activity ids; empty = WAGTAILADMIN_BASE_URL.
XAPI_BASE_URL = env("XAPI_BASE_URL", default="")
XAPI_LRS_TIMEOUT = env.float("XAPI_LRS_TIMEOUT", default=10.0)
XAPI_BATCH_SIZE = env.int("XAPI_BATCH_SIZE", default=100)
XAPI_RETRY_BASE_SECONDS = 10
XAPI_RETRY_MAX_SECONDS = 3600
XAPI_OUTBOX_LEASE_SECONDS = env.int("XAPI_OUTBOX_LEASE_SECONDS", default=120)
# Sent statements are kept this long, for `manage.py xapi_resend`.
XAPI_OUTBOX_RETENTION_DAYS = env.int("XAPI_OUTBOX_RETENTION_DAYS", default=90)

# Certificates of completion (docs/certificates.md). The address a certificate prints and encodes
# in its QR code starts with CERTIFICATES_BASE_URL (empty: the address the PDF was downloaded from).
# The public verification page answers so many look-ups per client address in each window, then 429;
# the count is kept in the default cache, which must be shared for the limit to hold across processes.
CERTIFICATES_BASE_URL = env("CERTIFICATES_BASE_URL", default="")
CERTIFICATES_VERIFY_RATE_LIMIT = env.int("CERTIFICATES_VERIFY_RATE_LIMIT", default=20)
CERTIFICATES_VERIFY_RATE_WINDOW_SECONDS = env.int("CERTIFICATES_VERIFY_RATE_WINDOW_SECONDS", default=60)

# The curriculum bundle schema shipped with the project.
CURRICULUM_BUNDLE_SCHEMA = BASE_DIR / "curriculum" / "bundle" / "curriculum-bundle.schema.json"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
