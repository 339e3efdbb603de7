"""The simple models every recommender has to beat.

G-TopFreq (most ordered items), P-TopFreq (the customer's own most ordered
items) and P-TopFreq backfilled with G-TopFreq, as defined in Li et al., "A
Next Basket Recommendation Reality Check" (TOIS 2023); and, for pairings,
most popular and plain co-occurrence counts.
"""

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from loyalty.recommendations.history import Baskets


def popularity(*, baskets: Baskets) -> np.ndarray:
    """Return how many orders held each item."""
    return np.bincount(baskets.items, minlength=baskets.n_items).astype(np.float64)


def global_top(*, baskets: Baskets, customers: np.ndarray, k: int) -> np.ndarray:
    """G-TopFreq: the same `k` most ordered items for everyone."""
    counts = popularity(baskets=baskets)
    top = np.lexsort((np.arange(len(counts)), -counts))[:k]
    return np.tile(_pad(top, k), (len(customers), 1))


def personal_top(
    *, baskets: Baskets, customers: np.ndarray, k: int, backfill: bool
) -> np.ndarray:
    """P-TopFreq: each customer's most ordered items (ties: most recent).

    With `backfill`, free slots take the most ordered items overall.
    """
    counts = popularity(baskets=baskets)
    fallback = np.lexsort((np.arange(len(counts)), -counts))
    bounds = baskets.customer_bounds()
    ranked = np.full((len(customers), k), -1, dtype=np.int64)
    for row, customer in enumerate(customers):
        start, stop = bounds[customer], bounds[customer + 1]
        items = baskets.items[baskets.ptr[start] : baskets.ptr[stop]]
        own = _own_top(items=items, ptr=baskets.ptr[start : stop + 1], k=k)
        if backfill and len(own) < k:
            extra = fallback[~np.isin(fallback, own)][: k - len(own)]
            own = np.concatenate([own, extra])
        ranked[row] = _pad(own, k)
    return ranked


def pair_popular(*, baskets: Baskets, rest: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Most popular: every order gets the popularity order, minus its items."""
    counts = popularity(baskets=baskets)
    return [_exclude(counts.copy(), items) for items in rest]


def pair_together(*, baskets: Baskets, rest: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Plain co-occurrence: orders that held a candidate and an order's item.

    Summed over the order's items; equal counts go to the more popular item.
    """
    counts = popularity(baskets=baskets)
    lines = baskets.order_matrix()
    together = (lines.T @ lines).tocsr()
    tie_break = counts / (counts.max() + 1.0)
    scores = []
    for items in rest:
        summed = np.asarray(together[items].sum(axis=0)).ravel()
        scores.append(_exclude(summed + tie_break, items))
    return scores


def _own_top(*, items: np.ndarray, ptr: np.ndarray, k: int) -> np.ndarray:
    if not len(items):
        return np.empty(0, dtype=np.int64)
    order_of_line = np.repeat(np.arange(len(ptr) - 1), np.diff(ptr))
    unique, counts = np.unique(items, return_counts=True)
    latest = np.zeros(len(unique), dtype=np.int64)
    np.maximum.at(latest, np.searchsorted(unique, items), order_of_line)
    return unique[np.lexsort((unique, -latest, -counts))][:k]


def _exclude(scores: np.ndarray, items: np.ndarray) -> np.ndarray:
    scores[items] = -np.inf
    return scores


def _pad(items: np.ndarray, k: int) -> np.ndarray:
    padded = np.full(k, -1, dtype=np.int64)
    padded[: min(k, len(items))] = items[:k]
    return padded


def positions_of(*, scores: Sequence[np.ndarray], hidden: np.ndarray) -> np.ndarray:
    """Return each hidden item's 1-based rank in its scores (0: unrankable).

    Ties are counted pessimistically: an equal score ranks ahead.
    """
    positions = np.zeros(len(hidden), dtype=np.int64)
    for row, (values, item) in enumerate(zip(scores, hidden, strict=True)):
        if item < 0 or item >= len(values) or not np.isfinite(values[item]):
            continue
        positions[row] = int((values >= values[item]).sum())
    return positions


def tifu_knn(
    *,
    baskets: Baskets,
    customers: np.ndarray,
    k: int,
    group_size: int,
    within_decay: float,
    group_decay: float,
    neighbours: int,
    alpha: float,
) -> np.ndarray:
    """TIFU-KNN (Hu et al., SIGIR 2020), re-implemented from the paper.

    A customer's vector averages their order vectors in groups of
    `group_size` (newest group first), decayed within and across groups; the
    prediction is alpha * own vector + (1 - alpha) * the mean vector of the
    `neighbours` nearest customers by Euclidean distance. Equal scores go to
    the more popular item.
    """
    vectors = _tifu_vectors(
        baskets=baskets,
        group_size=group_size,
        within_decay=within_decay,
        group_decay=group_decay,
    )
    counts = popularity(baskets=baskets)
    tie_break = 1e-9 * counts / max(counts.max(), 1.0)
    squared = np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel()
    ranked = np.full((len(customers), k), -1, dtype=np.int64)
    n_stored = vectors.shape[0]
    n_neighbours = min(neighbours, n_stored - 1)
    for start in range(0, len(customers), 256):
        rows = customers[start : start + 256]
        own = vectors[rows]
        distance = (
            squared[rows][:, np.newaxis]
            + squared[np.newaxis, :]
            - 2.0 * (own @ vectors.T).toarray()
        )
        distance[np.arange(len(rows)), rows] = np.inf
        nearest = np.argpartition(distance, n_neighbours - 1, axis=1)[:, :n_neighbours]
        averaging = sparse.csr_matrix(
            (
                np.full(nearest.size, 1.0 / n_neighbours),
                nearest.ravel(),
                np.arange(0, nearest.size + 1, n_neighbours),
            ),
            shape=(len(rows), n_stored),
        )
        mean = (averaging @ vectors).toarray()
        scores = alpha * own.toarray() + (1.0 - alpha) * mean + tie_break
        top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        ranked[start : start + len(rows)] = top
    return ranked


def _tifu_vectors(
    *, baskets: Baskets, group_size: int, within_decay: float, group_decay: float
) -> sparse.csr_matrix:
    bounds = baskets.customer_bounds()
    customer = baskets.customer.astype(np.int64)
    last = bounds[customer + 1] - 1
    later = last - np.arange(baskets.n_orders)
    group = later // group_size  # 0: the newest group
    per_customer = np.diff(bounds)[customer]
    groups = -(-per_customer // group_size)
    size = np.minimum(group_size, per_customer - group * group_size)
    weights = (
        within_decay ** (later - group * group_size)
        / size
        * group_decay**group
        / groups
    )
    per_order = sparse.csr_matrix(
        (weights, (customer, np.arange(baskets.n_orders))),
        shape=(baskets.n_customers, baskets.n_orders),
    )
    return sparse.csr_matrix(per_order @ baskets.order_matrix())
