"""A fixed-window counter in the shared cache (Redis in production), so every
Daphne worker sees the same count."""

import time

from django.core.cache import cache


def hit(key: str, *, limit: int, window_seconds: int) -> tuple[bool, int]:
    """Count one hit; return (allowed, seconds until the window resets)."""
    now = int(time.time())
    window_start = now - now % window_seconds
    bucket = f"ratelimit:{key}:{window_start}"
    # add() is atomic: only the first caller in a window creates the counter.
    cache.add(bucket, 0, timeout=window_seconds + 1)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add() and incr()
        cache.add(bucket, 1, timeout=window_seconds + 1)
        count = 1
    retry_after = window_start + window_seconds - now
    return count <= limit, max(retry_after, 1)
