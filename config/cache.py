"""A Redis cache that keeps serving when Redis is away.

Everything Tableside caches can be rebuilt from the database: built menus,
rendered menu fragments, rate-limit counters. If Redis restarts or stalls,
requests go on without the cache (and without rate limits: counts start over)
instead of failing a guest's order; the failures are logged.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)
_UNAVAILABLE = (ConnectionError, TimeoutError, OSError)
_last_warning = 0.0


def _warn(operation: str, error: Exception) -> None:
    # One line every ten seconds is enough to notice; one per request floods.
    global _last_warning
    if time.monotonic() - _last_warning > 10:
        _last_warning = time.monotonic()
        logger.warning("cache unavailable (%s): %s", operation, error)


class _ResilientClient(RedisCacheClient):
    def get(self, key, default):
        try:
            return super().get(key, default)
        except _UNAVAILABLE as error:
            _warn("get", error)
            return default

    def get_many(self, keys):
        try:
            return super().get_many(keys)
        except _UNAVAILABLE as error:
            _warn("get_many", error)
            return {}

    def set(self, key, value, timeout):
        try:
            super().set(key, value, timeout)
        except _UNAVAILABLE as error:
            _warn("set", error)

    def set_many(self, data, timeout):
        try:
            return super().set_many(data, timeout)
        except _UNAVAILABLE as error:
            _warn("set_many", error)
            return list(data)

    def add(self, key, value, timeout):
        try:
            return super().add(key, value, timeout)
        except _UNAVAILABLE as error:
            _warn("add", error)
            return False

    def incr(self, key, delta):
        try:
            return super().incr(key, delta)
        except _UNAVAILABLE as error:
            _warn("incr", error)
            return delta  # a fresh count: limits fail open

    def delete(self, key):
        try:
            return super().delete(key)
        except _UNAVAILABLE as error:
            _warn("delete", error)
            return False

    def touch(self, key, timeout):
        try:
            return super().touch(key, timeout)
        except _UNAVAILABLE as error:
            _warn("touch", error)
            return False


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ResilientClient
