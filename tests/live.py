"""Real server processes for tests: Daphne serving the test database.

Used by browser tests, and by anything that must cross a process boundary the
way production does (a websocket on one process, a request on another).
"""

from urllib.parse import quote

from django.conf import settings
from django.db import connection

from kitchen.processes import DaphneServer as _Daphne
from kitchen.processes import RedisServer, free_port

__all__ = ["DaphneServer", "RedisServer", "database_url_for_tests", "free_port"]


def database_url_for_tests() -> str:
    """Return a DATABASE_URL naming the database this test run created."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    user = quote(config["USER"] or "")
    password = f":{quote(config['PASSWORD'])}" if config["PASSWORD"] else ""
    host = config["HOST"] or "127.0.0.1"
    port = f":{config['PORT']}" if config["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{config['NAME']}"


class DaphneServer(_Daphne):
    """A Daphne process on this test run's database and Redis."""

    def __init__(self, *, extra_env: dict | None = None, port: int | None = None):
        env = {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url_for_tests(),
        }
        if settings.REDIS_URL:
            env["REDIS_URL"] = settings.REDIS_URL
        env.update(extra_env or {})
        super().__init__(env=env, port=port)
