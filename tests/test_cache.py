"""With Redis away, the cache answers "nothing cached" instead of failing."""

from config.cache import ResilientRedisCache
from tests.live import free_port


def _unreachable():
    return ResilientRedisCache(
        f"redis://127.0.0.1:{free_port()}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
    )


def test_an_unreachable_redis_is_a_cache_miss():
    cache = _unreachable()
    cache.set("menu", {"x": 1})
    assert cache.get("menu", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("counter", 0) is False


def test_rate_limit_counts_fail_open():
    assert _unreachable().incr("ratelimit:x", 1) == 1
