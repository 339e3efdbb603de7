"""Fixtures for the floor: a restaurant with two areas, its staff, and a
second restaurant whose staff must see nothing of the first."""

from dataclasses import dataclass

import pytest

from ordering.models import Area, Restaurant, Table
from tests.factories import AreaFactory, RestaurantFactory, StaffFactory, TableFactory


@dataclass
class Floor:
    hall: Area
    terrace: Area
    t7: Table  # the `table` fixture, in the hall
    t8: Table
    t9: Table  # on the terrace


@pytest.fixture
def floor(restaurant, table) -> Floor:
    hall = AreaFactory(restaurant=restaurant, name="Sali", position=0)
    terrace = AreaFactory(restaurant=restaurant, name="Terassi", position=1)
    table.area = hall
    table.position = 0
    table.save(update_fields=["area", "position"])
    return Floor(
        hall=hall,
        terrace=terrace,
        t7=table,
        t8=TableFactory(restaurant=restaurant, label="8", area=hall, position=1),
        t9=TableFactory(restaurant=restaurant, label="9", area=terrace, position=2),
    )


@pytest.fixture
def waiter(staff):
    return staff("waiter")


@pytest.fixture
def manager(staff):
    return staff("manager")


@pytest.fixture
def elsewhere(db) -> Restaurant:
    """Another restaurant, with a table and a waiter of its own."""
    other = RestaurantFactory(name="Toinen", slug="toinen")
    TableFactory(restaurant=other, label="1")
    return other


@pytest.fixture
def outsider(elsewhere):
    """A manager of the other restaurant: staff, but not here."""
    return StaffFactory(restaurant=elsewhere, role="manager").user


def floor_events(sent) -> list[tuple[str, int]]:
    """Return (event, seq) of what went to a floor group."""
    return [
        (env["event"], env["seq"]) for group, env in sent if group.startswith("floor.")
    ]


def events_to(sent, prefix: str) -> list[str]:
    return [env["event"] for group, env in sent if group.startswith(prefix)]


class Clock:
    """A settable `timezone.now()` for tests that measure durations."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **delta) -> None:
        import datetime

        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    import datetime

    from django.utils import timezone

    ticking = Clock(datetime.datetime(2026, 11, 20, 17, 0, tzinfo=datetime.UTC))
    monkeypatch.setattr(timezone, "now", ticking)
    return ticking
