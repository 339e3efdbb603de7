"""Settings shared by every environment, read from environment variables.

The defaults give the embedded setup (SQLite, in-memory channel layer, local
cache) so the demo runs with no configuration at all.
"""

from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from config.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# A fixed key is fine for the embedded demo; production.py refuses to start
# without a real one.
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_tasks_db",
    "ordering",
    "kitchen",
    "loyalty",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages travel compressed to phones on slow networks. CSRF tokens are
    # masked per response, which defeats BREACH-style guessing.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", "sqlite:///db.sqlite3"), base_dir=BASE_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
# One Redis can serve several deployments (or test runs): keys get this prefix.
REDIS_PREFIX = env_str("REDIS_PREFIX", "tableside")

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{REDIS_PREFIX}:asgi"},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast when Redis is away; the cache is only a shortcut.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / ".static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / ".media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Hashed file names never change content, so phones may cache them for a year.
WHITENOISE_MAX_AGE = 365 * 24 * 3600

SESSION_COOKIE_AGE = 12 * 3600  # a meal, not a month: guest sessions are per visit
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the guest pages' script sends it back as a header

SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "STRIPE_ORIGIN"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "https://*.stripe.com"],
    "connect-src": ["'self'", "STRIPE_ORIGIN", "https://api.stripe.com"],
    "frame-src": ["STRIPE_ORIGIN", "https://js.stripe.com", "https://hooks.stripe.com"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Tableside API",
    "DESCRIPTION": "Guest ordering, table sessions and staff operations.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Product rules that operators may tune.
TABLESIDE: dict[str, Any] = {
    # Most orders a table session may place per window; a double-tap or a
    # script cannot flood the kitchen.
    "ORDER_RATE_LIMIT": env_int("TABLESIDE_ORDER_RATE_LIMIT", 6),
    "ORDER_RATE_WINDOW_SECONDS": env_int("TABLESIDE_ORDER_RATE_WINDOW", 60),
    "MAX_LINE_QUANTITY": 50,
    "MAX_CART_LINES": 60,
    # A table session with no activity for this long is closed by the
    # background job, so the next party starts fresh.
    "IDLE_SESSION_HOURS": env_int("TABLESIDE_IDLE_SESSION_HOURS", 6),
    # A ticket no kitchen screen has confirmed this long raises an alert.
    "TICKET_ACK_SECONDS": env_int("TABLESIDE_TICKET_ACK_SECONDS", 20),
    "PUBLIC_URL": env_str("PUBLIC_URL", "http://127.0.0.1:8000"),
    # Routes bench/kitchen_latency.py's probe; never on in production.
    "BENCH_ENDPOINTS": env_bool("TABLESIDE_BENCH_ENDPOINTS", False),
}

# Payments. Without Stripe keys the demo runs the `localstripe` server on
# loopback and sets these for it (ordering/management/commands/demo.py).
STRIPE_API_VERSION = "2026-10-28.endive"  # pinned: webhooks must match it
_STRIPE_API_BASE = env_str("STRIPE_API_BASE")  # set only for localstripe
PAYMENTS: dict[str, Any] = {
    "GATEWAY": env_str("PAYMENT_GATEWAY", "ordering.payments.StripeGateway"),
    "STRIPE_SECRET_KEY": env_str("STRIPE_SECRET_KEY"),
    "STRIPE_PUBLISHABLE_KEY": env_str("STRIPE_PUBLISHABLE_KEY"),
    "STRIPE_WEBHOOK_SECRET": env_str("STRIPE_WEBHOOK_SECRET"),
    "STRIPE_API_BASE": _STRIPE_API_BASE,
    "STRIPE_API_VERSION": STRIPE_API_VERSION,
    "STRIPE_JS_URL": env_str(
        "STRIPE_JS_URL",
        f"{_STRIPE_API_BASE}/js.stripe.com/v3/"
        if _STRIPE_API_BASE
        else "https://js.stripe.com/v3/",
    ),
    # localstripe's Stripe.js offers only the card Element, and its events
    # carry an old API version; real Stripe gets the Payment Element.
    "CARD_ELEMENT": bool(_STRIPE_API_BASE),
    "WEBHOOK_API_VERSIONS": [STRIPE_API_VERSION]
    + (["2017-08-15"] if _STRIPE_API_BASE else []),
    # A card payment the guest does not finish lets go of its lines after this.
    "PENDING_MINUTES": env_int("TABLESIDE_PAYMENT_PENDING_MINUTES", 15),
}
_STRIPE_ORIGIN = (
    _STRIPE_API_BASE.rstrip("/") if _STRIPE_API_BASE else "https://js.stripe.com"
)

# Email (receipts, loyalty messages): an SMTP server when EMAIL_HOST is set,
# otherwise messages are written to the console, which suits the demo.
_EMAIL_HOST = env_str("EMAIL_HOST")
MAILERS: dict[str, dict[str, Any]] = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": env_int("EMAIL_TIMEOUT", 10),
            },
        }
        if _EMAIL_HOST
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Tableside <noreply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        # A line per periodic task every few seconds would drown the rest.
        "django.tasks": {"level": "WARNING"},
    },
}

# Stripe's origin is known only now; the policy above names it symbolically.
SECURE_CSP = {
    directive: [
        _STRIPE_ORIGIN if value == "STRIPE_ORIGIN" else value for value in values
    ]
    for directive, values in SECURE_CSP.items()
}
