"""Test settings: fast and isolated, with PostgreSQL/Redis when the environment
names them (CI runs the suite both ways)."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, REDIS_PREFIX, REDIS_URL, STORAGES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Fast unit tests use the in-memory gateway; tests/ordering/test_gateway.py
# and the payment tests run the real SDK against a localstripe process.
PAYMENTS = {  # noqa: F405
    **PAYMENTS,  # noqa: F405
    "GATEWAY": os.environ.get("PAYMENT_GATEWAY", "ordering.payments.FakeGateway"),
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# One id per test run, inherited by the server processes a test starts: runs
# side by side never share a database file or Redis keys.
_RUN = os.environ.setdefault("TABLESIDE_TEST_RUN", str(os.getpid()))

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory: live-server tests run Daphne in another process
    # that must see the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{_RUN}.sqlite3")}

if REDIS_URL:
    _RUN_PREFIX = f"{REDIS_PREFIX}:test:{_RUN}"
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{_RUN_PREFIX}:asgi"},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast when Redis is away; the cache is only a shortcut.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
            "KEY_PREFIX": _RUN_PREFIX,
        }
    }
