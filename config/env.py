"""Read configuration from environment variables.

Settings modules call these helpers so every knob has one spelling and one parser.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {raw!r}"
        ) from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


_ENGINES = {
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "sqlite": "django.db.backends.sqlite3",
}


def database_from_url(url: str, *, base_dir: Path) -> dict:
    """Turn `postgres://user:pass@host:port/name?opt=v` or `sqlite:///path` into
    a Django DATABASES entry."""
    parts = urlsplit(url)
    engine = _ENGINES.get(parts.scheme)
    if engine is None:
        raise ImproperlyConfigured(
            f"DATABASE_URL scheme {parts.scheme!r} is not supported; "
            "use postgres:// or sqlite:///"
        )
    if engine.endswith("sqlite3"):
        # sqlite:///relative/path or sqlite:////absolute/path
        path = unquote(url.split(":///", 1)[1].split("?", 1)[0])
        name = Path(path) if Path(path).is_absolute() else base_dir / path
        return {
            "ENGINE": engine,
            "NAME": name,
            # One connection per server thread, kept: opening SQLite costs
            # more than most requests.
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                # Readers never wait for the writer, and a write transaction
                # takes its lock up front instead of failing half-way with
                # "database is locked" when the worker writes at the same time.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    return {
        "ENGINE": engine,
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        # psycopg's pool keeps connections warm across requests; Django's own
        # persistent connections do not suit ASGI's threads.
        "CONN_MAX_AGE": 0,
        "OPTIONS": {
            # A few connections serve a worker's request thread and its
            # websocket thread; more wait at most `timeout` seconds for one.
            "pool": {"min_size": 1, "max_size": 10, "timeout": 10},
            **dict(parse_qsl(parts.query)),
        },
    }
