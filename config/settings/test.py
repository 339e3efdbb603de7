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
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory: live-server tests run Daphne in another process
    # that must see the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}

if REDIS_URL:
    # Each run gets its own key space so parallel or aborted runs never mix;
    # server processes a test starts inherit the run id and share it.
    _RUN = os.environ.setdefault("TABLESIDE_TEST_RUN", str(os.getpid()))
    _RUN_PREFIX = f"{REDIS_PREFIX}:test:{_RUN}"
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{_RUN_PREFIX}:asgi"},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _RUN_PREFIX,
        }
    }
