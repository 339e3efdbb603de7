"""Plain order histories, and the array form every model is fitted from.

Time is a float of *local days*: wall-clock days since 1970-01-01 in the
restaurant's own time zone. Local, because "lunch" means noon where the
restaurant is; floats, because recency decay and context are arithmetic on
them. Callers convert aware datetimes to the restaurant's zone first.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

# Meal periods by local hour. "night" wraps past midnight.
DAYPARTS = ("night", "breakfast", "lunch", "afternoon", "dinner")
_DAYPART_OF_HOUR = np.array(
    [0] * 6 + [1] * 5 + [2] * 4 + [3] * 3 + [4] * 4 + [0] * 2, dtype=np.int8
)
CONTEXTS = len(DAYPARTS) * 2  # each daypart on weekdays and on weekends


@dataclass(frozen=True, slots=True)
class PastOrder:
    """One earlier order: when, and which items (ids, repeats ignored)."""

    at: datetime.datetime
    item_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CustomerHistory:
    customer_id: int
    orders: tuple[PastOrder, ...]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A ranked item and why: `reason["kind"]` is the machine-readable code.

    The other reason keys are numbers (or item ids) a sentence can be built
    from later, e.g. {"kind": "repeat", "times": 4, "of_last": 5}.
    """

    item_id: int
    score: float
    reason: dict[str, int | float | str] = field(default_factory=dict)


@dataclass(frozen=True)
class Baskets:
    """Orders as arrays: order `o` holds `items[ptr[o]:ptr[o + 1]]`.

    Orders are sorted by customer, then time, so one customer's orders are a
    contiguous block. Items and customers are column/row indices into
    `item_ids` / `customer_ids`, which hold the caller's ids.
    """

    customer: np.ndarray  # int32, per order
    time: np.ndarray  # float64 local days, per order
    ptr: np.ndarray  # int64, n_orders + 1
    items: np.ndarray  # int32, per line, unique within an order
    customer_ids: np.ndarray  # int64
    item_ids: np.ndarray  # int64

    @property
    def n_orders(self) -> int:
        return len(self.time)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def n_customers(self) -> int:
        return len(self.customer_ids)

    def order_matrix(self) -> sparse.csr_matrix:
        """Return the binary orders x items matrix."""
        data = np.ones(len(self.items), dtype=np.float32)
        return sparse.csr_matrix(
            (data, self.items, self.ptr), shape=(self.n_orders, self.n_items)
        )

    def sizes(self) -> np.ndarray:
        return np.diff(self.ptr)

    def customer_bounds(self) -> np.ndarray:
        """Return first-order positions per customer, plus the end (n + 1)."""
        return np.searchsorted(
            self.customer, np.arange(self.n_customers + 1), side="left"
        )

    def select(self, keep: np.ndarray) -> "Baskets":
        """Return only the orders where the boolean `keep` is true."""
        sizes = self.sizes()[keep]
        line_keep = np.repeat(keep, self.sizes())
        ptr = np.zeros(len(sizes) + 1, dtype=np.int64)
        np.cumsum(sizes, out=ptr[1:])
        return Baskets(
            customer=self.customer[keep],
            time=self.time[keep],
            ptr=ptr,
            items=self.items[line_keep],
            customer_ids=self.customer_ids,
            item_ids=self.item_ids,
        )


def local_days(at: datetime.datetime) -> float:
    """Return the wall-clock time of `at` as days since 1970-01-01.

    The zone's offset is dropped on purpose: `at` is expected in the
    restaurant's zone already (Django: `timezone.localtime(at, zone)`).
    """
    wall = at.replace(tzinfo=datetime.UTC)
    return (wall - EPOCH).total_seconds() / 86400.0


def context_of(days: np.ndarray) -> np.ndarray:
    """Return each time's context cell: daypart, plus 5 on weekends."""
    days = np.asarray(days, dtype=np.float64)
    whole = np.floor(days)
    hour = np.minimum(((days - whole) * 24).astype(np.int64), 23)
    weekday = (whole.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    return _DAYPART_OF_HOUR[hour] + len(DAYPARTS) * (weekday >= 5)


def context_name(cell: int) -> str:
    part = DAYPARTS[cell % len(DAYPARTS)]
    return f"weekend_{part}" if cell >= len(DAYPARTS) else part


def baskets_from_lines(
    *,
    customer: np.ndarray,
    order: np.ndarray,
    time: np.ndarray,
    item: np.ndarray,
    customer_ids: np.ndarray,
    item_ids: np.ndarray,
) -> Baskets:
    """Group order lines (index arrays, one entry per line) into Baskets.

    An order's time and customer are taken from its first line; duplicate
    items within an order count once.
    """
    order = np.asarray(order, dtype=np.int64)
    item = np.asarray(item, dtype=np.int64)
    by_order = np.lexsort((item, order))
    order, item = order[by_order], item[by_order]
    first_line = by_order
    unique = np.ones(len(order), dtype=bool)
    unique[1:] = (order[1:] != order[:-1]) | (item[1:] != item[:-1])
    order, item, first_line = order[unique], item[unique], first_line[unique]
    starts = np.flatnonzero(np.r_[len(order) > 0, order[1:] != order[:-1]])
    sizes = np.diff(np.r_[starts, len(order)])
    order_customer = np.asarray(customer)[first_line[starts]]
    order_time = np.asarray(time, dtype=np.float64)[first_line[starts]]
    order_key = order[starts]
    # Customer, then time, then the caller's order key for equal times.
    by_time = np.lexsort((order_key, order_time, order_customer))
    line_order = np.repeat(np.arange(len(starts)), sizes)
    rank = np.empty_like(by_time)
    rank[by_time] = np.arange(len(by_time))
    line_by_time = np.lexsort((item, rank[line_order]))
    ptr = np.zeros(len(starts) + 1, dtype=np.int64)
    np.cumsum(sizes[by_time], out=ptr[1:])
    return Baskets(
        customer=order_customer[by_time].astype(np.int32),
        time=order_time[by_time],
        ptr=ptr,
        items=item[line_by_time].astype(np.int32),
        customer_ids=np.asarray(customer_ids, dtype=np.int64),
        item_ids=np.asarray(item_ids, dtype=np.int64),
    )


def baskets_from_histories(
    *,
    histories: Iterable[CustomerHistory],
    item_ids: Sequence[int] | np.ndarray | None = None,
) -> Baskets:
    """Build Baskets from plain histories (the live service's input).

    `item_ids` fixes the item columns (e.g. a fitted model's); items not in
    it are dropped. Without it, every item seen becomes a column.
    """
    column: dict[int, int] = {}
    if item_ids is not None:
        column = {int(item_id): index for index, item_id in enumerate(item_ids)}
    customers: list[int] = []
    order_customer: list[int] = []
    order_time: list[float] = []
    line_order: list[int] = []
    line_item: list[int] = []
    for history in histories:
        customers.append(history.customer_id)
        for past in history.orders:
            for item_id in past.item_ids:
                if item_id not in column:
                    if item_ids is not None:
                        continue
                    column[item_id] = len(column)
                line_order.append(len(order_time))
                line_item.append(column[item_id])
            order_customer.append(len(customers) - 1)
            order_time.append(local_days(past.at))
    orders = np.asarray(line_order, dtype=np.int64)
    return baskets_from_lines(
        customer=np.asarray(order_customer, dtype=np.int64)[orders],
        order=orders,
        time=np.asarray(order_time, dtype=np.float64)[orders],
        item=np.asarray(line_item, dtype=np.int64),
        customer_ids=np.asarray(customers, dtype=np.int64),
        item_ids=np.asarray(list(column), dtype=np.int64),
    )
