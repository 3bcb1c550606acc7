"""Settings for the parts marketplace, read only from environment variables.

With no variables set the project runs on the embedded default: a SQLite file, Celery in
eager mode and the database search backend. `.env.example` documents every variable.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
EMBEDDED = "DATABASE_URL" not in env.ENVIRON


def _secret_key() -> str:
    """The configured secret, or in embedded mode a key kept in var/ so sessions survive restarts.

    A deployment (any DATABASE_URL) must set DJANGO_SECRET_KEY: there is no default to forget.
    """
    configured = env.str("DJANGO_SECRET_KEY", default="")
    if configured:
        return configured
    if not EMBEDDED:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DATABASE_URL is set")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "marketplace",
    "catalog",
    "certification",
    "orders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the switch (a cookie) or else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "marketplace.context_processors.roles",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation pays off on long analytical queries; on a search it adds 100-200 ms of
    # compiling to a statement that runs in 10 (measured with `make bench BENCH=search`).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "marketplace.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
# The catalogs are committed compiled (`make messages` rebuilds them), so no step of `make run`
# needs gettext.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "static")
# The project's own CSS; no page loads anything from another site.
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
# Behind a real deployment media comes from object storage or the web server; the embedded
# default serves it from Django so `make run` shows listing photos.
SERVE_MEDIA = env.bool("DJANGO_SERVE_MEDIA", default=EMBEDDED)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "marketplace.api.pagination.CappedPageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "marketplace.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "auth": env.str("AUTH_THROTTLE_RATE", default="30/min"),
        # Public lookups anyone may make (certificate verification): per client address.
        "anon": env.str("ANON_THROTTLE_RATE", default="60/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Parts marketplace API",
    "DESCRIPTION": "Recycled, refurbished and remanufactured vehicle parts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "OrganisationStatusEnum": "marketplace.models.OrganisationStatus",
        "ListingStatusEnum": "catalog.models.listings.ListingStatus",
        "FeedImportStatusEnum": "catalog.models.feeds.FeedImportStatus",
        "OrderStatusEnum": "orders.models.choices.OrderStatus",
        "PaymentStatusEnum": "orders.models.choices.PaymentStatus",
        "PaymentMethodEnum": "orders.models.choices.PaymentMethod",
        "ChannelEnum": "orders.models.choices.Channel",
        "DeliveryKindEnum": "orders.models.choices.DeliveryKind",
        "PayoutStatusEnum": "orders.models.choices.PayoutStatus",
        "CertificateStatusEnum": "certification.models.schemes.CertificateStatus",
        "BadgeSubjectEnum": "catalog.models.badges.BadgeSubject",
        "ClaimStatusEnum": "certification.models.warranty.ClaimStatus",
        "ClaimPayoutStatusEnum": "certification.models.warranty.ClaimPayoutStatus",
    },
}

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://")
    if "CACHE_URL" in env.ENVIRON
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    # The sweep behind the on-commit indexing: picks up whatever a lost task left dirty.
    "search-index-dirty": {
        "task": "catalog.tasks.search_index_dirty_task",
        "schedule": env.float("SEARCH_INDEX_INTERVAL_SECONDS", default=30.0),
    },
    # Monday night: last week's payable seller nets become payouts.
    "payouts-weekly": {
        "task": "orders.tasks.payouts_create_task",
        "schedule": crontab(minute=0, hour=2, day_of_week=1),
    },
    # Deadlines live in order columns; this sweep acts on the ones that have passed.
    "orders-sweep": {
        "task": "orders.tasks.orders_sweep_task",
        "schedule": env.float("ORDERS_SWEEP_INTERVAL_SECONDS", default=60.0),
    },
    # Approved warranty claims paid back to the buyer's card.
    "warranty-claims-settle": {
        "task": "orders.tasks.claim_payouts_settle_task",
        "schedule": env.float("ORDERS_SWEEP_INTERVAL_SECONDS", default=60.0),
    },
    # Validity follows the date; this only records certificates past it as expired.
    "certificates-expire": {
        "task": "certification.tasks.certificates_expire_task",
        "schedule": crontab(minute=10, hour=0),
    },
}

ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
SEARCH_BACKEND = "elasticsearch" if ELASTICSEARCH_URL else "database"
# Database backend on PostgreSQL: above this many matches (estimated from a sample of about
# SEARCH_SAMPLE_ROWS rows), the total and facets are estimates and relevance is newest first.
SEARCH_EXACT_COUNT_LIMIT = env.int("SEARCH_EXACT_COUNT_LIMIT", default=10_000)
SEARCH_SAMPLE_ROWS = env.int("SEARCH_SAMPLE_ROWS", default=10_000)

# Ordering. Sellers answer an order within ORDERS_SELLER_ACCEPT_HOURS (its stock is held that
# long); outlet pickups wait ORDERS_PICKUP_DAYS; C2C money is released to the seller
# ORDERS_C2C_RELEASE_DAYS after delivery unless the buyer confirms receipt first.
ORDERS_SELLER_ACCEPT_HOURS = env.int("ORDERS_SELLER_ACCEPT_HOURS", default=48)
ORDERS_PICKUP_DAYS = env.int("ORDERS_PICKUP_DAYS", default=7)
ORDERS_C2C_RELEASE_DAYS = env.int("ORDERS_C2C_RELEASE_DAYS", default=3)
# A card order still unauthorised this long after checkout is cancelled by the sweep.
ORDERS_CARD_AUTHORISATION_MINUTES = env.int("ORDERS_CARD_AUTHORISATION_MINUTES", default=15)
# The platform's commission per channel where the operator has set no rate in the admin.
ORDERS_DEFAULT_COMMISSION_RATES = {"b2b": "0.08", "b2c": "0.10", "c2c": "0.12", "o2o": "0.10"}
ORDERS_PICKUP_MAX_FAILURES = env.int("ORDERS_PICKUP_MAX_FAILURES", default=5)
ORDERS_PICKUP_FAILURE_WINDOW = timedelta(
    minutes=env.int("ORDERS_PICKUP_FAILURE_MINUTES", default=15)
)
ORDERS_PICKUP_LOCKOUT = timedelta(minutes=env.int("ORDERS_PICKUP_LOCKOUT_MINUTES", default=30))
# Part returns (RMA): B2C buyers may return a part they no longer want within this many days
# of delivery or collection (the statutory withdrawal period), whatever the seller's policy says.
ORDERS_STATUTORY_RETURN_DAYS = env.int("ORDERS_STATUTORY_RETURN_DAYS", default=14)

# smtp+tls://user:password@host:587 in production; printed to the console when unset.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="orders@partsmarket.example")

STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")

VPIC_DB_PATH = env.path("VPIC_DB_PATH", default=VAR_DIR / "vpic" / "vpic.lite.db")
VEHICLE_REFERENCE_CSV = env.path(
    "VEHICLE_REFERENCE_CSV", default=BASE_DIR.parent / "shared" / "data" / "vpic_ymm_1981_2026.csv"
)

# Feeds up to this many bytes are imported in the request's worker through the task queue
# all the same; the limit only refuses files nobody should upload through the API.
FEED_MAX_BYTES = env.int("FEED_MAX_BYTES", default=50 * 1024 * 1024)
LISTING_PHOTO_MAX_BYTES = env.int("LISTING_PHOTO_MAX_BYTES", default=5 * 1024 * 1024)
# Uploads to certification: a claim's photos and garage reports, a certificate's test reports.
CLAIM_DOCUMENT_MAX_BYTES = env.int("CLAIM_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
CERTIFICATE_EVIDENCE_MAX_BYTES = env.int("CERTIFICATE_EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # The stripe client logs every request at INFO; failures are logged by our services.
    "loggers": {"stripe": {"level": "WARNING"}},
}

if not DEBUG and not EMBEDDED:
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Cores and returns (issue 6): name their status enums in the API schema.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "ReturnStatusEnum": "orders.models.returns.ReturnStatus",
        "ReturnKindEnum": "orders.models.returns.ReturnKind",
        "CoreStatusEnum": "orders.models.returns.CoreStatus",
    }
)
