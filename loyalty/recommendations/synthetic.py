"""A synthetic restaurant's order history, for benchmarks and tests.

One year of a restaurant with breakfast, lunch and dinner: customers with a
usual daypart, favourite dishes and drinks they mostly repeat, dishes that
go with each other, and a menu that changes (some dishes retire mid-year and
a successor takes their fans). Sizes follow `lines`, so the same generator
makes a tiny test file and the 1M-line benchmark.
"""

import csv
import datetime
from dataclasses import dataclass
from pathlib import Path

import numpy as np

START = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
DAYS = 365
# Opening hours per daypart (local, fractional hours) and each one's share.
SERVICES = ((7.0, 11.0), (11.5, 14.5), (18.0, 22.0))
SERVICE_SHARES = (0.2, 0.4, 0.4)
KINDS = ("breakfast", "starter", "main", "dessert", "drink")
KIND_COUNTS = (20, 20, 40, 15, 25)
# Which kinds each service sells.
SERVED = (
    ("breakfast", "drink"),
    ("starter", "main", "dessert", "drink"),
    ("starter", "main", "dessert", "drink"),
)
ORDER_SIZES = (1, 2, 3, 4, 5)
ORDER_SIZE_SHARES = (0.15, 0.35, 0.3, 0.15, 0.05)


@dataclass(frozen=True)
class Menu:
    kind: np.ndarray  # index into KINDS
    weight: np.ndarray  # popularity
    start: np.ndarray  # first day on the menu
    stop: np.ndarray  # first day off the menu
    successor: np.ndarray  # dish that replaced it, or -1
    partner: np.ndarray  # a dish often ordered with it


def menu_make(*, generator: np.random.Generator) -> Menu:
    kind = np.repeat(np.arange(len(KINDS)), KIND_COUNTS)
    n = len(kind)
    weight = generator.lognormal(0.0, 0.8, n)
    start = np.zeros(n, dtype=np.int64)
    stop = np.full(n, DAYS + 1, dtype=np.int64)
    successor = np.full(n, -1, dtype=np.int64)
    # About one dish in seven (never a drink) retires and gets a successor.
    retiring = np.flatnonzero(
        (kind != KINDS.index("drink")) & (generator.random(n) < 0.15)
    )
    day = generator.integers(90, 300, len(retiring))
    new = n + np.arange(len(retiring))
    stop[retiring] = day
    successor[retiring] = new
    kind = np.concatenate([kind, kind[retiring]])
    weight = np.concatenate(
        [weight, weight[retiring] * generator.uniform(0.8, 1.2, len(retiring))]
    )
    start = np.concatenate([start, day])
    stop = np.concatenate([stop, np.full(len(retiring), DAYS + 1)])
    successor = np.concatenate([successor, np.full(len(retiring), -1)])
    partner = np.empty(len(kind), dtype=np.int64)
    for dish in range(len(kind)):
        # Mains pair with a starter or dessert, everything else with a drink.
        wanted = ("starter", "dessert") if KINDS[kind[dish]] == "main" else ("drink",)
        options = np.flatnonzero(np.isin(kind, [KINDS.index(w) for w in wanted]))
        partner[dish] = generator.choice(options)
    return Menu(
        kind=kind,
        weight=weight,
        start=start,
        stop=stop,
        successor=successor,
        partner=partner,
    )


def synthetic_orders_write(
    *, path: Path, lines: int, seed: int = 1, ids_path: Path | None = None
) -> int:
    """Write about `lines` order lines (exactly, unless tiny); return customers.

    Columns: customer_id,order_id,ordered_at,item_id. With `ids_path`, every
    customer's id is written there too, one a line.
    """
    generator = np.random.default_rng(seed)
    menu = menu_make(generator=generator)
    written = 0
    customer = 0
    order_id = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer_id", "order_id", "ordered_at", "item_id"])
        while written < lines:
            customer += 1
            rows = _customer_orders(generator=generator, menu=menu)
            for day, hour, items in rows:
                order_id += 1
                at = START + datetime.timedelta(days=int(day), hours=float(hour))
                stamp = at.strftime("%Y-%m-%dT%H:%M:%S")
                for item in items[: lines - written]:
                    writer.writerow([customer, order_id, stamp, f"dish-{item}"])
                    written += 1
                if written >= lines:
                    break
    if ids_path is not None:
        ids_path.write_text(
            "".join(f"{c}\n" for c in range(1, customer + 1)), encoding="utf-8"
        )
    return customer


def _customer_orders(
    *, generator: np.random.Generator, menu: Menu
) -> list[tuple[int, float, list[int]]]:
    visits = 1 + min(int(generator.geometric(0.15)) - 1, 150)
    home = int(generator.choice(len(SERVICES), p=SERVICE_SHARES))
    loyalty = generator.beta(4.0, 2.0)
    favourites = {
        service: _pick(generator, menu, service, day=0, size=3)
        for service in range(len(SERVICES))
    }
    days = np.sort(generator.integers(0, DAYS, visits))
    orders = []
    for day in days:
        service = (
            home if generator.random() < 0.8 else int(generator.integers(len(SERVICES)))
        )
        low, high = SERVICES[service]
        hour = generator.uniform(low, high)
        size = int(generator.choice(ORDER_SIZES, p=ORDER_SIZE_SHARES))
        items: list[int] = []
        for favourite in favourites[service]:
            if len(items) < size and generator.random() < loyalty:
                items.append(_current(menu, favourite, int(day)))
        while len(items) < size:
            if items and generator.random() < 0.35:
                dish = _current(menu, int(menu.partner[items[-1]]), int(day))
                if not _on_menu(menu, dish, int(day)):
                    dish = int(_pick(generator, menu, service, day=int(day), size=1)[0])
            else:
                dish = int(_pick(generator, menu, service, day=int(day), size=1)[0])
            if dish in items:
                dish = int(_pick(generator, menu, service, day=int(day), size=1)[0])
            if dish not in items:
                items.append(dish)
            elif generator.random() < 0.5:
                break
        orders.append((int(day), float(hour), items))
    return orders


def _pick(
    generator: np.random.Generator, menu: Menu, service: int, *, day: int, size: int
) -> np.ndarray:
    served = [KINDS.index(kind) for kind in SERVED[service]]
    options = np.flatnonzero(
        np.isin(menu.kind, served) & (menu.start <= day) & (menu.stop > day)
    )
    weight = menu.weight[options]
    return generator.choice(options, size=size, replace=False, p=weight / weight.sum())


def _on_menu(menu: Menu, dish: int, day: int) -> bool:
    return bool(menu.start[dish] <= day < menu.stop[dish])


def _current(menu: Menu, dish: int, day: int) -> int:
    """Follow successors until the dish (or its heir) is on the menu."""
    while menu.stop[dish] <= day and menu.successor[dish] >= 0:
        dish = int(menu.successor[dish])
    return dish
