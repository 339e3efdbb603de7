"""Order CSVs in and out, and the leave-last-order-out splits.

Offline work needs no database: anyone can evaluate the models on an export
of their own orders. Ids in the files are strings; they become row/column
indices here and go back to strings only when predictions are written.
"""

import csv
import dataclasses
import datetime
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from loyalty.recommendations.history import EPOCH, Baskets, baskets_from_lines
from loyalty.recommendations.ranking import (
    RankerParams,
    neighbours_of,
    query_from_baskets,
    rank_batch,
    ranker_fit,
)

ORDER_COLUMNS = ("order_id", "ordered_at", "item_id")
_OFFSET = re.compile(r"(Z|[+-]\d{2}(:?\d{2})?)$")


class OrdersFileError(ValueError):
    """The orders file lacks a column or holds a value that cannot be read."""


@dataclass(frozen=True)
class OrdersFile:
    baskets: Baskets  # customer_ids/item_ids are indices into the names below
    customer_names: list[str]
    item_names: list[str]
    lines: int


def orders_read(*, path: Path, with_customers: bool = True) -> OrdersFile:
    """Read an orders CSV: one line per ordered item, a header naming columns.

    Needs `order_id,ordered_at,item_id` (plus `customer_id` when
    `with_customers`); other columns are ignored. `ordered_at` is an ISO date
    or date-time (its wall clock is used) or a number of days.
    """
    needed = (("customer_id",) if with_customers else ()) + ORDER_COLUMNS
    customers: dict[str, int] = {}
    orders: dict[str, int] = {}
    items: dict[str, int] = {}
    times: dict[str, int] = {}
    line_customer: list[int] = []
    line_order: list[int] = []
    line_time: list[int] = []
    line_item: list[int] = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise OrdersFileError(f"{path} is empty")
        names = [name.strip() for name in header]
        missing = [column for column in needed if column not in names]
        if missing:
            raise OrdersFileError(f"{path} lacks column(s): {', '.join(missing)}")
        at = [names.index(column) for column in ORDER_COLUMNS]
        customer_at = names.index("customer_id") if with_customers else -1
        # Each distinct string is looked up once: 1M lines stay a few seconds.
        order_add = orders.setdefault
        item_add = items.setdefault
        time_add = times.setdefault
        customer_add = customers.setdefault
        for row in reader:
            if not row:
                continue
            line_order.append(order_add(row[at[0]], len(orders)))
            line_time.append(time_add(row[at[1]], len(times)))
            line_item.append(item_add(row[at[2]], len(items)))
            if with_customers:
                line_customer.append(customer_add(row[customer_at], len(customers)))
    if not with_customers:
        customers = {"": 0}
        line_customer = [0] * len(line_order)
    time_values = times_parse(list(times))
    baskets = baskets_from_lines(
        customer=np.asarray(line_customer, dtype=np.int64),
        order=np.asarray(line_order, dtype=np.int64),
        time=time_values[np.asarray(line_time, dtype=np.int64)],
        item=np.asarray(line_item, dtype=np.int64),
        customer_ids=np.arange(len(customers)),
        item_ids=np.arange(len(items)),
    )
    return OrdersFile(
        baskets=baskets,
        customer_names=list(customers),
        item_names=list(items),
        lines=len(line_order),
    )


def times_parse(values: Sequence[str]) -> np.ndarray:
    """Return local days for ISO date-times (wall clock) or numbers of days."""
    try:
        return np.array([float(value) for value in values], dtype=np.float64)
    except ValueError:
        pass
    # numpy would convert offsets to UTC (and warn); those take the slow path.
    if not any(_OFFSET.search(value[10:]) for value in values):
        try:
            stamps = np.array(values, dtype="datetime64[s]")
            return stamps.astype(np.int64) / 86400.0
        except ValueError:
            pass
    # Offsets such as "+02:00": numpy refuses them, the standard library reads
    # them; the wall clock is kept, as for naive times.
    out = np.empty(len(values))
    for index, value in enumerate(values):
        try:
            parsed = datetime.datetime.fromisoformat(value.strip())
        except ValueError as error:
            raise OrdersFileError(f"cannot read time {value!r}") from error
        wall = parsed.replace(tzinfo=datetime.UTC)
        out[index] = (wall - EPOCH).total_seconds() / 86400.0
    return out


def customers_read(*, path: Path) -> tuple[list[str], list[float | None]]:
    """Read customer ids, one a line; an optional second field is the time.

    The time (ISO or days) is when the visit being predicted for happens:
    it drives recency and daypart. Without it the caller's default applies.
    """
    names: list[str] = []
    raw_times: list[str] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            if not row or not row[0].strip():
                continue
            names.append(row[0].strip())
            raw_times.append(row[1].strip() if len(row) > 1 else "")
    given = [value for value in raw_times if value]
    parsed = iter(times_parse(given)) if given else iter(())
    times = [float(next(parsed)) if value else None for value in raw_times]
    return names, times


def predictions_write(*, path: Path, rows: Iterable[tuple[str, Sequence[str]]]) -> int:
    """Write `customer_id,rank,item_id` lines (rank from 1); return the count."""
    written = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer_id", "rank", "item_id"])
        for customer, items in rows:
            for rank, item in enumerate(items, start=1):
                writer.writerow([customer, rank, item])
                written += 1
    return written


@dataclass(frozen=True)
class Split:
    """Training orders, and one held-out order per evaluated customer."""

    train: Baskets
    customers: np.ndarray  # evaluated customer rows
    targets: list[np.ndarray]  # their held-out items
    times: np.ndarray  # when each held-out order happened


def split_last(*, baskets: Baskets, min_orders: int = 3) -> tuple[Split, Split]:
    """Return (validation, test) leave-last-order-out splits.

    Test holds out each customer's last order (customers with at least
    `min_orders` orders). Validation holds out their second-to-last order
    and trains on what is left, so tuning never sees the test orders.
    """
    bounds = baskets.customer_bounds()
    per_customer = np.diff(bounds)
    customers = np.flatnonzero(per_customer >= min_orders)
    last = bounds[customers + 1] - 1
    keep = np.ones(baskets.n_orders, dtype=bool)
    keep[last] = False
    test = Split(
        train=baskets.select(keep),
        customers=customers,
        targets=[baskets.items[baskets.ptr[o] : baskets.ptr[o + 1]] for o in last],
        times=baskets.time[last],
    )
    keep[last - 1] = False
    validation = Split(
        train=baskets.select(keep),
        customers=customers,
        targets=[baskets.items[baskets.ptr[o] : baskets.ptr[o + 1]] for o in last - 1],
        times=baskets.time[last - 1],
    )
    return validation, test


@dataclass(frozen=True)
class HiddenItems:
    """Orders with one item hidden: rank candidates from the rest."""

    train: Baskets
    rest: list[np.ndarray]  # the order's other items
    hidden: np.ndarray  # the item to find
    times: np.ndarray


def split_hidden(
    *, baskets: Baskets, start: float, stop: float, seed: int, every_item: bool = False
) -> HiddenItems:
    """Hide one random item of each multi-item order with start <= time < stop.

    Training data is every order before `start`; the time span is given as
    fractions of the whole span (e.g. 0.8 and 1.0: the last 20 %). With
    `every_item`, each item of those orders is hidden in turn instead.
    """
    first, last = float(baskets.time.min()), float(baskets.time.max())
    span = last - first
    begin = first + start * span
    end = first + stop * span if stop < 1.0 else math.inf
    in_slice = (baskets.time >= begin) & (baskets.time < end)
    sizes = baskets.sizes()
    chosen = np.flatnonzero(in_slice & (sizes >= 2))
    generator = np.random.default_rng(seed)
    rest: list[np.ndarray] = []
    hidden: list[int] = []
    times: list[float] = []
    for order in chosen:
        items = baskets.items[baskets.ptr[order] : baskets.ptr[order + 1]]
        drops = range(len(items)) if every_item else [generator.integers(len(items))]
        for drop in drops:
            hidden.append(int(items[drop]))
            rest.append(np.delete(items, drop))
            times.append(float(baskets.time[order]))
    return HiddenItems(
        train=baskets.select(baskets.time < begin),
        rest=rest,
        hidden=np.array(hidden, dtype=np.int64),
        times=np.array(times, dtype=np.float64),
    )


def recommend(
    *,
    orders: OrdersFile,
    customers: Sequence[str],
    times: Sequence[float | None],
    now: float | None,
    k: int,
    params: RankerParams,
    current_days: float,
    say: Callable[[str], None],
) -> list[tuple[str, list[str]]]:
    """Rank `k` items for each customer (by name) from the orders alone.

    A customer's time, else `now`, else one day after the latest order, is
    when their visit happens. With `current_days`, only items sold in that
    many days before the latest order count as on the menu; the others hand
    their fans to their nearest current item. Unknown customers get what
    sells.
    """
    baskets = orders.baskets
    latest = float(baskets.time.max()) if baskets.n_orders else 0.0
    default_now = latest + 1.0 if now is None else now
    row_of = {name: row for row, name in enumerate(orders.customer_names)}
    unknown = [name for name in dict.fromkeys(customers) if name not in row_of]
    for name in unknown:
        row_of[name] = len(row_of)
    if unknown:
        say(f"{len(unknown)} customers have no orders: they get what sells")
        baskets = dataclasses.replace(
            baskets, customer_ids=np.arange(len(row_of), dtype=np.int64)
        )
    model = ranker_fit(baskets=orders.baskets, params=params)
    say(f"fitted on {baskets.n_orders} orders, {baskets.n_items} items")
    rows = np.array([row_of[name] for name in customers], dtype=np.int64)
    when = np.array(
        [default_now if time is None else time for time in times], dtype=np.float64
    )
    allowed = None
    if current_days > 0:
        recent = baskets.select(baskets.time >= latest - current_days)
        allowed = np.zeros(baskets.n_items, dtype=bool)
        allowed[recent.items] = True
        say(f"{int(allowed.sum())} of {baskets.n_items} items are current")
    query = query_from_baskets(model=model, baskets=baskets, rows=rows, now=when)
    neighbours = None
    if params.neighbour_weight > 0:
        say("finding neighbours")
        neighbours = neighbours_of(
            model=model, query=query, k=params.neighbours, progress=_progress(say)
        )
    say("ranking")
    ranked = rank_batch(
        model=model, query=query, k=k, allowed=allowed, neighbours=neighbours
    )
    names = orders.item_names
    return [
        (customer, [names[item] for item in row if item >= 0])
        for customer, row in zip(customers, ranked.items, strict=True)
    ]


def _progress(say: Callable[[str], None]) -> Callable[[int, int], None]:
    step = {"next": 0.0}

    def report(done: int, total: int) -> None:
        if done >= step["next"] * total or done == total:
            say(f"  {done}/{total}")
            step["next"] += 0.25

    return report


def params_with[P](params: P, *, overrides: Sequence[str]) -> P:
    """Return `params` (a dataclass) with NAME=VALUE overrides applied.

    Raises ValueError for an unknown name or a value of the wrong type.
    """
    fields = {field.name: field for field in dataclasses.fields(params)}  # type: ignore[arg-type]
    changes: dict[str, int | float | None] = {}
    for override in overrides:
        name, _, value = override.partition("=")
        name = name.strip().replace("-", "_")
        if name not in fields:
            raise ValueError(f"unknown parameter {name!r}; known: {', '.join(fields)}")
        kind = str(fields[name].type)
        if value.strip().lower() in ("none", "auto") and "None" in kind:
            changes[name] = None
        else:
            changes[name] = int(value) if kind in ("int", str(int)) else float(value)
    return dataclasses.replace(params, **changes)  # type: ignore[type-var]
