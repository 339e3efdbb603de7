import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, env_bool

BASE = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("_case", "url", "expected"),
    [
        (
            "postgres with everything",
            "postgres://app:s%40cret@db.internal:6543/tableside?sslmode=require",
            {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "tableside",
                "USER": "app",
                "PASSWORD": "s@cret",
                "HOST": "db.internal",
                "PORT": "6543",
                "CONN_MAX_AGE": 0,
                "OPTIONS": {
                    "pool": {"min_size": 1, "max_size": 10, "timeout": 10},
                    "sslmode": "require",
                },
            },
        ),
        (
            "relative sqlite",
            "sqlite:///db.sqlite3",
            {"ENGINE": "django.db.backends.sqlite3", "NAME": Path("/base/db.sqlite3")},
        ),
        (
            "absolute sqlite",
            "sqlite:////var/lib/t.db",
            {"ENGINE": "django.db.backends.sqlite3", "NAME": Path("/var/lib/t.db")},
        ),
    ],
)
def test_database_from_url(_case, url, expected):
    # when
    config = database_from_url(url, base_dir=Path("/base"))
    # then
    assert {key: config[key] for key in expected} == expected


def test_sqlite_is_tuned_for_a_server_and_a_worker_at_once():
    config = database_from_url("sqlite:///db.sqlite3", base_dir=Path("/base"))
    assert config["CONN_MAX_AGE"] == 600
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_database_url_with_unknown_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        database_from_url("mysql://x/y", base_dir=Path("/base"))


def test_env_bool_refuses_nonsense(monkeypatch):
    # given
    monkeypatch.setenv("DEBUG", "maybe")
    # when / then
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        env_bool("DEBUG")


def _import_production(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        cwd=BASE,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_refuse_to_start_without_a_secret():
    # when
    result = _import_production({})
    # then
    assert result.returncode == 1
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_start_with_a_secret():
    # when
    result = _import_production({"SECRET_KEY": "x" * 64})
    # then
    assert result.returncode == 0, result.stderr
