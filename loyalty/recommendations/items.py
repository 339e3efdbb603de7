"""What is known about items on their own: similar items, trend, context.

Similar items are those the same customers order (cosine over customers, not
over single orders), so a new dish that a retired dish's fans moved to counts
as similar even though the two were never on one ticket.
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from loyalty.recommendations.history import CONTEXTS, Baskets, context_of

# A daypart is named in a reason only when it lifts the item this much.
NOTABLE_LIFT = 1.25


def item_similarity(
    *, customer_items: sparse.csr_matrix, keep: int, shrink: float
) -> sparse.csr_matrix:
    """Return items x items cosine similarity, top `keep` per row, no diagonal.

    `customer_items` holds who ordered what (any positive value counts once).
    `shrink` is added to the denominator so that two items shared by a single
    customer do not look identical.
    """
    binary = customer_items.copy().tocsr()
    binary.data = np.ones_like(binary.data, dtype=np.float32)
    together = (binary.T @ binary).tocsr()
    together.setdiag(0)
    together.eliminate_zeros()
    fans = np.asarray(binary.sum(axis=0)).ravel()
    coo = together.tocoo()
    cosine = coo.data / (np.sqrt(fans[coo.row] * fans[coo.col]) + shrink)
    return _top_per_row(
        sparse.csr_matrix((cosine, (coo.row, coo.col)), shape=together.shape), keep
    )


def nearest_allowed(
    *, similarity: sparse.csr_matrix, items: np.ndarray, allowed: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return, for each of `items`, its most similar allowed item and how similar.

    -1 (and 0.0) where no allowed item is similar at all.
    """
    rows = similarity[items].tocsr()
    rows = sparse.csr_matrix(rows.multiply(allowed[np.newaxis, :].astype(np.float32)))
    best = np.full(len(items), -1, dtype=np.int64)
    value = np.zeros(len(items))
    for position in range(len(items)):
        start, stop = rows.indptr[position], rows.indptr[position + 1]
        if stop > start:
            top = start + int(np.argmax(rows.data[start:stop]))
            if rows.data[top] > 0:
                best[position], value[position] = rows.indices[top], rows.data[top]
    return best, value


@dataclass(frozen=True)
class Trend:
    """Orders per item per day, to estimate what sells around a given time."""

    first_day: int
    daily: sparse.csr_matrix  # days x items: orders holding the item
    orders: np.ndarray  # orders per day


def trend_fit(*, baskets: Baskets) -> Trend:
    if baskets.n_orders == 0:
        return Trend(
            first_day=0,
            daily=sparse.csr_matrix((1, baskets.n_items), dtype=np.float64),
            orders=np.zeros(1),
        )
    day = np.floor(baskets.time).astype(np.int64)
    first = int(day.min())
    n_days = int(day.max()) - first + 1
    line_day = np.repeat(day - first, baskets.sizes())
    daily = sparse.csr_matrix(
        (np.ones(len(baskets.items)), (line_day, baskets.items)),
        shape=(n_days, baskets.n_items),
    )
    orders = np.bincount(day - first, minlength=n_days).astype(np.float64)
    return Trend(first_day=first, daily=daily, orders=orders)


def trend_at(*, trend: Trend, times: np.ndarray, half_life_days: float) -> np.ndarray:
    """Return each item's share of orders before each time (times x items).

    Only whole days before the time's own day count, so an evaluation never
    sees the day it predicts; recent days weigh more with a finite half-life.
    """
    times = np.asarray(times, dtype=np.float64)[:, np.newaxis]
    days = (np.arange(len(trend.orders)) + trend.first_day)[np.newaxis, :]
    weights = np.where(days < np.floor(times), 1.0, 0.0)
    if math.isfinite(half_life_days):
        weights *= np.exp2(-np.clip(times - days - 0.5, 0.0, None) / half_life_days)
    # A time before any data gets the overall share rather than nothing.
    empty = (weights @ trend.orders) <= 0
    weights[empty] = 1.0
    sold = np.asarray((trend.daily.T @ weights.T).T)
    served = weights @ trend.orders
    share = sold / np.maximum(served, 1e-12)[:, np.newaxis]
    return share.astype(np.float32)


def context_lift(*, baskets: Baskets, smoothing: float) -> np.ndarray:
    """Return items x context cells: how much likelier an item is in that cell.

    Smoothed towards 1 by `smoothing` pseudo-orders, so a dish sold twice at
    breakfast is not declared a breakfast dish.
    """
    cell = context_of(baskets.time)
    line_cell = np.repeat(cell, baskets.sizes())
    counts = np.zeros((baskets.n_items, CONTEXTS))
    np.add.at(counts, (baskets.items, line_cell), 1.0)
    cell_share = np.bincount(cell, minlength=CONTEXTS) / max(baskets.n_orders, 1)
    per_item = counts.sum(axis=1, keepdims=True)
    expected = (counts + smoothing * cell_share) / (per_item + smoothing)
    lift = np.ones_like(expected)
    np.divide(expected, cell_share, out=lift, where=cell_share > 0)
    return lift


def _top_per_row(matrix: sparse.csr_matrix, keep: int) -> sparse.csr_matrix:
    matrix = matrix.tocsr()
    matrix.sum_duplicates()
    rows, columns, values = [], [], []
    for row in range(matrix.shape[0]):
        start, stop = matrix.indptr[row], matrix.indptr[row + 1]
        if stop == start:
            continue
        data = matrix.data[start:stop]
        chosen = np.argsort(-data, kind="stable")[:keep]
        rows.append(np.full(len(chosen), row))
        columns.append(matrix.indices[start:stop][chosen])
        values.append(data[chosen])
    if not rows:
        return sparse.csr_matrix(matrix.shape, dtype=np.float32)
    return sparse.csr_matrix(
        (np.concatenate(values), (np.concatenate(rows), np.concatenate(columns))),
        shape=matrix.shape,
        dtype=np.float32,
    )
