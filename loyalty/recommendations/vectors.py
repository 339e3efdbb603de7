"""Customer taste vectors and nearest customers.

A taste vector is a customer's average order: each item's weighted share of
their orders, recent orders weighing more (TIFU-KNN's idea, Hu et al. 2020,
with the decay in visits *and* in days). Neighbours are the customers whose
vectors point the same way (cosine).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from loyalty.recommendations.history import Baskets

# Similarities come from one dense product (fast BLAS) when the stored
# customers x items matrix is small and dense enough, as with a restaurant's
# menu; large sparse catalogues multiply sparse matrices instead.
DENSE_CELLS = 60_000_000
DENSE_SHARE = 0.01
# Similarity rows computed at once: bounds the chunk's memory (float32 cells).
CHUNK_CELLS = 24_000_000


@dataclass(frozen=True)
class Tastes:
    """Per-customer rows: average order, and how often each item was had."""

    average: sparse.csr_matrix  # customers x items, rows sum to basket size
    counts: sparse.csr_matrix  # orders that held each item
    orders: np.ndarray  # number of orders per customer


def order_weights(
    *, baskets: Baskets, order_decay: float, half_life_days: float
) -> np.ndarray:
    """Return each order's weight relative to its customer's newest order.

    Relative, so that old histories never underflow to zero: only the ratios
    between one customer's orders matter.
    """
    bounds = baskets.customer_bounds()
    last = bounds[baskets.customer.astype(np.int64) + 1] - 1
    later = last - np.arange(baskets.n_orders)
    weights = np.power(order_decay, later.astype(np.float64))
    if math.isfinite(half_life_days):
        age = baskets.time[last] - baskets.time
        weights *= np.exp2(-age / half_life_days)
    return weights


def tastes_of(*, baskets: Baskets, order_decay: float, half_life_days: float) -> Tastes:
    """Return every customer's taste vector from their orders."""
    weights = order_weights(
        baskets=baskets, order_decay=order_decay, half_life_days=half_life_days
    )
    n_customers, n_orders = baskets.n_customers, baskets.n_orders
    rows = baskets.customer.astype(np.int64)
    columns = np.arange(n_orders)
    per_order = sparse.csr_matrix(
        (weights, (rows, columns)), shape=(n_customers, n_orders)
    )
    binary = sparse.csr_matrix(
        (np.ones(n_orders), (rows, columns)), shape=(n_customers, n_orders)
    )
    lines = baskets.order_matrix()
    total = np.asarray(per_order.sum(axis=1)).ravel()
    average = sparse.diags(_safe_inverse(total)) @ (per_order @ lines)
    return Tastes(
        average=sparse.csr_matrix(average, dtype=np.float32),
        counts=sparse.csr_matrix(binary @ lines, dtype=np.float32),
        orders=np.bincount(rows, minlength=n_customers),
    )


def unit_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Return `matrix` with every non-empty row scaled to length 1."""
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    scaled = sparse.diags(_safe_inverse(norms)) @ matrix
    return sparse.csr_matrix(scaled, dtype=np.float32)


@dataclass(frozen=True)
class Neighbours:
    """The `k` most similar stored customers of each query, best first."""

    rows: np.ndarray  # queries x k, stored-customer indices
    similarity: np.ndarray  # queries x k, cosine; 0 where none was found

    def first(self, k: int) -> "Neighbours":
        return Neighbours(rows=self.rows[:, :k], similarity=self.similarity[:, :k])

    def weights(self, n_stored: int) -> sparse.csr_matrix:
        """Return queries x stored weights that sum to 1 per row (or 0)."""
        queries, k = self.rows.shape
        if k == 0:
            return sparse.csr_matrix((queries, n_stored))
        matrix = sparse.csr_matrix(
            (
                self.similarity.ravel().astype(np.float64),
                self.rows.ravel(),
                np.arange(0, queries * k + 1, k),
            ),
            shape=(queries, n_stored),
        )
        matrix.eliminate_zeros()
        return sparse.csr_matrix(
            sparse.diags(_safe_inverse(self.similarity.sum(1))) @ matrix
        )


def nearest_customers(
    *,
    queries: sparse.csr_matrix,
    stored: sparse.csr_matrix,
    k: int,
    exclude: np.ndarray,
    progress: Callable[[int, int], None] | None = None,
) -> Neighbours:
    """Find each query's `k` nearest stored customers by cosine similarity.

    `exclude[q]` is the query's own stored row (or -1): a customer is not
    their own neighbour. Rows are computed in chunks so memory stays bounded.
    """
    query_units = unit_rows(queries)
    stored_units = unit_rows(stored)
    n_queries, n_stored = queries.shape[0], stored.shape[0]
    k = max(0, min(k, n_stored - 1 if n_stored > 1 else 0))
    rows = np.zeros((n_queries, k), dtype=np.int32)
    similarity = np.zeros((n_queries, k), dtype=np.float32)
    if k == 0 or n_queries == 0:
        return Neighbours(rows=rows, similarity=similarity)
    cells = n_stored * stored.shape[1]
    dense = cells <= DENSE_CELLS and stored_units.nnz >= DENSE_SHARE * cells
    right = stored_units.T.toarray() if dense else stored_units.T.tocsr()
    chunk = max(1, CHUNK_CELLS // n_stored)
    for start in range(0, n_queries, chunk):
        stop = min(start + chunk, n_queries)
        part = query_units[start:stop]
        sims = part.toarray() @ right if dense else (part @ right).toarray()
        sims = np.asarray(sims, dtype=np.float32)
        own = exclude[start:stop]
        has_own = own >= 0
        sims[np.flatnonzero(has_own), own[has_own]] = -1.0
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        top_sims = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-top_sims, axis=1, kind="stable")
        rows[start:stop] = np.take_along_axis(top, order, axis=1)
        similarity[start:stop] = np.maximum(
            np.take_along_axis(top_sims, order, axis=1), 0.0
        )
        if progress is not None:
            progress(stop, n_queries)
    return Neighbours(rows=rows, similarity=similarity)


def _safe_inverse(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    out = np.zeros_like(values)
    np.divide(1.0, values, out=out, where=values > 0)
    return out
