"""The menu as suggestions need it, per process and menu version, and the latest fit."""

import datetime
import time
from dataclasses import dataclass

from django.db import connection

from loyalty.models import SuggestionFit
from loyalty.suggestions_fit import FitArrays, fit_arrays_decode
from ordering.models import MenuItem, Restaurant
from ordering.models.menu import time_in_window

# ---------------------------------------------------------------------------
# The menu as suggestions need it: kept per process and menu version.


@dataclass(frozen=True)
class Dish:
    id: int
    category_id: int
    names: dict[str, str]
    allergens: frozenset[str]
    diets: frozenset[str]
    window: tuple[datetime.time | None, datetime.time | None]
    category_window: tuple[datetime.time | None, datetime.time | None]
    is_on_menu: bool  # its section is shown; a hidden section is retired

    def is_in_window(self, local: datetime.time) -> bool:
        return time_in_window(local, *self.window) and time_in_window(
            local, *self.category_window
        )


class _Prepared:
    """An ORM query compiled once per process, then run with another id.

    Compiling these querysets costs more than running them (small, indexed
    reads), and a tablet asks every few seconds. The SQL still comes from
    the ORM: it is built once with a sentinel id that is swapped for the
    real one. Rows come back raw (no field conversions).
    """

    SENTINEL = -987_654_321

    def __init__(self, build) -> None:
        self.build = build
        self.compiled: dict[str, tuple[str, tuple]] = {}

    def statement(self, value: int) -> tuple[str, list]:
        vendor = connection.vendor
        if vendor not in self.compiled:
            sql, params = self.build(self.SENTINEL).query.sql_with_params()
            self.compiled[vendor] = (sql, tuple(params))
        sql, params = self.compiled[vendor]
        return sql, [value if param == self.SENTINEL else param for param in params]

    def rows(self, value: int) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(*self.statement(value))
            return cursor.fetchall()


def _rows_together(*jobs: tuple[_Prepared, int]) -> list[list[tuple]]:
    """Run several prepared reads; on PostgreSQL in one round trip.

    psycopg's pipeline mode sends them all before reading any answer: on a
    busy machine each round trip waits for two processes to be scheduled,
    and a table's suggestions need three reads.
    """
    if connection.vendor != "postgresql":
        return [prepared.rows(value) for prepared, value in jobs]
    connection.ensure_connection()
    raw = connection.connection
    cursors = []
    with raw.pipeline():
        for prepared, value in jobs:
            cursor = raw.cursor()
            cursor.execute(*prepared.statement(value))
            cursors.append(cursor)
    results = [cursor.fetchall() for cursor in cursors]
    for cursor in cursors:
        cursor.close()
    return results


_dishes: dict[tuple[int, int], dict[int, Dish]] = {}
# restaurant -> (fitted_at, arrays, when last checked on the monotonic clock)
_fits: dict[int, tuple[datetime.datetime, FitArrays, float]] = {}
FIT_CHECK_SECONDS = 60.0


def _menu_dishes(restaurant: Restaurant) -> dict[int, Dish]:
    """Return every dish of the restaurant, read once per menu version."""
    key = (restaurant.pk, restaurant.menu_version)
    dishes = _dishes.get(key)
    if dishes is not None:
        return dishes
    dishes = {}
    for item in MenuItem.objects.filter(restaurant_id=restaurant.pk).select_related(
        "category"
    ):
        dishes[item.pk] = Dish(
            id=item.pk,
            category_id=item.category_id,
            names=item.texts("name"),
            allergens=frozenset(item.allergens or []),
            diets=frozenset(item.diets or []),
            window=(item.available_from, item.available_until),
            category_window=(
                item.category.available_from,
                item.category.available_until,
            ),
            is_on_menu=item.category.is_active,
        )
    # Old versions are dead weight; a process serves few restaurants.
    for old in [k for k in _dishes if k[0] == restaurant.pk]:
        del _dishes[old]
    _dishes[key] = dishes
    return dishes


_AVAILABILITY = _Prepared(
    lambda restaurant_id: MenuItem.objects.filter(
        restaurant_id=restaurant_id
    ).values_list("id", "is_available", "stock")
)


def _orderable_now(
    restaurant: Restaurant, local: datetime.time, availability: list[tuple]
) -> set[int]:
    """Return the dishes a guest could order right now, from `_AVAILABILITY`'s
    rows.

    Stock changes do not bump the menu version, so availability is read
    live rather than from the per-version copy.
    """
    dishes = _menu_dishes(restaurant)
    orderable = set()
    for item_id, is_available, stock in availability:
        dish = dishes.get(item_id)
        if (
            dish is not None
            and is_available
            and stock != 0
            and dish.is_on_menu
            and dish.is_in_window(local)
        ):
            orderable.add(item_id)
    return orderable


def _fit(restaurant_id: int) -> FitArrays | None:
    """Return the restaurant's fitted arrays, decoded once per process and fit.

    Whether a newer fit exists is asked at most every `FIT_CHECK_SECONDS`:
    fits come nightly, and a tablet asks every few seconds.
    """
    clock = time.monotonic()
    cached = _fits.get(restaurant_id)
    if cached is not None and clock - cached[2] < FIT_CHECK_SECONDS:
        return cached[1]
    fitted_at = (
        SuggestionFit.objects.filter(restaurant_id=restaurant_id)
        .values_list("fitted_at", flat=True)
        .first()
    )
    if fitted_at is None:
        _fits.pop(restaurant_id, None)
        return None
    if cached is not None and cached[0] == fitted_at:
        _fits[restaurant_id] = (fitted_at, cached[1], clock)
        return cached[1]
    data = SuggestionFit.objects.filter(restaurant_id=restaurant_id).values_list(
        "data", flat=True
    )[0]
    arrays = fit_arrays_decode(bytes(data))
    _fits[restaurant_id] = (fitted_at, arrays, clock)
    return arrays
