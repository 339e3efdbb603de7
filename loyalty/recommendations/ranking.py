"""Rank items for a customer's next order.

Every score is an estimated probability that the item is in the next order,
so habits and discoveries compete on one scale:

- repeat: for items the customer has had, their own repeat rate, shrunk
  towards the item's repeat rate over all customers (see `repeat`);
- explore: for items new to them, their expected number of new items per
  order, shared out by a blend of what their nearest customers order
  (TIFU-KNN's neighbours, Hu et al. 2020), items similar to theirs, and what
  sells lately (which also fills every free slot).

A regular at a restaurant repeats most of an order and gets their usuals; a
grocery shopper who mostly tries new things gets mostly explore. TIFU-KNN
instead mixes the two with one fixed weight for everyone. Scores are then
scaled by how much likelier each item is at this daypart, and items not
allowed now hand their repeat chance to their nearest allowed item, so a
retired dish's fans see its successor.
"""

import datetime
import math
from collections.abc import Callable, Set
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from loyalty.recommendations.history import (
    Baskets,
    CustomerHistory,
    Suggestion,
    baskets_from_histories,
    context_name,
    context_of,
    local_days,
)
from loyalty.recommendations.items import (
    NOTABLE_LIFT,
    Trend,
    context_lift,
    item_similarity,
    nearest_allowed,
    trend_at,
    trend_fit,
)
from loyalty.recommendations.repeat import (
    RepeatRates,
    habits_of,
    new_item_rate,
    repeat_chance,
    repeat_rates_fit,
)
from loyalty.recommendations.vectors import (
    Neighbours,
    Tastes,
    nearest_customers,
    order_weights,
    tastes_of,
)

# Query rows scored at once; bounds the dense queries x items arrays.
SCORE_CELLS = 8_000_000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RankerParams:
    """Hyper-parameters; defaults tuned on completejourney's validation split."""

    order_decay: float = 1.0  # weight of a visit relative to the next one
    half_life_days: float = math.inf  # own orders' decay in time
    # Pseudo-chances pulling a customer's own rate to the item's; None:
    # estimated from the data (empirical Bayes, see `repeat`).
    repeat_smoothing: float | None = None
    item_smoothing: float = 50.0  # pseudo-chances: item's rate -> overall
    new_smoothing: float = 10.0  # pseudo-orders: own new-item rate -> overall
    repeat_weight: float = 1.0  # calibration of repeat against explore
    neighbours: int = 300
    neighbour_weight: float = 0.0
    similar_weight: float = 0.0
    popularity_weight: float = 1.0
    popularity_half_life_days: float = math.inf
    context_weight: float = 0.5  # exponent on the daypart lift
    similar_items: int = 50  # similar items kept per item
    similarity_shrink: float = 5.0
    context_smoothing: float = 50.0


@dataclass(frozen=True)
class RankerModel:
    params: RankerParams
    item_ids: np.ndarray
    customer_ids: np.ndarray
    tastes: Tastes  # stored customers, for neighbours
    rates: RepeatRates
    similarity: sparse.csr_matrix
    trend: Trend
    lift: np.ndarray  # items x context cells
    item_index: dict[int, int] = field(repr=False)
    customer_index: dict[int, int] = field(repr=False)


@dataclass(frozen=True)
class Query:
    """Customers to rank for, as rows in the model's item columns."""

    taste: sparse.csr_matrix  # average order, for neighbours and similar items
    repeat: sparse.csr_matrix  # P(in next order) of items they have had
    new_items: np.ndarray  # expected first-time items in their next order
    now: np.ndarray
    own_row: np.ndarray  # the customer's stored row, -1 if not stored
    counts: sparse.csr_matrix  # orders that held each item
    orders: np.ndarray


@dataclass(frozen=True)
class Ranked:
    items: np.ndarray  # queries x k item indices, -1 where nothing is left
    scores: np.ndarray
    parts: dict[str, np.ndarray]  # each part's share of the chosen items' scores
    replaced: np.ndarray  # the disallowed item whose chance moved here, or -1
    neighbours: Neighbours


def ranker_fit(*, baskets: Baskets, params: RankerParams) -> RankerModel:
    """Fit the item and customer structures from all known orders."""
    tastes = tastes_of(
        baskets=baskets,
        order_decay=params.order_decay,
        half_life_days=params.half_life_days,
    )
    return RankerModel(
        params=params,
        item_ids=baskets.item_ids,
        customer_ids=baskets.customer_ids,
        tastes=tastes,
        rates=repeat_rates_fit(baskets=baskets, smoothing=params.item_smoothing),
        similarity=item_similarity(
            customer_items=tastes.counts,
            keep=params.similar_items,
            shrink=params.similarity_shrink,
        ),
        trend=trend_fit(baskets=baskets),
        lift=context_lift(baskets=baskets, smoothing=params.context_smoothing),
        item_index={int(item): index for index, item in enumerate(baskets.item_ids)},
        customer_index={
            int(customer): index for index, customer in enumerate(baskets.customer_ids)
        },
    )


def query_from_baskets(
    *, model: RankerModel, baskets: Baskets, rows: np.ndarray, now: np.ndarray
) -> Query:
    """Build queries for `rows` of `baskets` (same item columns as the model).

    Their stored row is matched by customer id, so that they are not their
    own neighbour.
    """
    params = model.params
    rows = np.asarray(rows, dtype=np.int64)
    weights = order_weights(
        baskets=baskets,
        order_decay=params.order_decay,
        half_life_days=params.half_life_days,
    )
    habits = habits_of(baskets=baskets, weights=weights)
    tastes = tastes_of(
        baskets=baskets,
        order_decay=params.order_decay,
        half_life_days=params.half_life_days,
    )
    own = np.array(
        [model.customer_index.get(int(c), -1) for c in baskets.customer_ids[rows]],
        dtype=np.int64,
    )
    return Query(
        taste=tastes.average[rows],
        repeat=repeat_chance(
            habits=habits, rates=model.rates, smoothing=params.repeat_smoothing
        )[rows],
        new_items=new_item_rate(
            habits=habits, rates=model.rates, smoothing=params.new_smoothing
        )[rows],
        now=np.asarray(now, dtype=np.float64),
        own_row=own,
        counts=tastes.counts[rows],
        orders=tastes.orders[rows],
    )


def neighbours_of(
    *, model: RankerModel, query: Query, k: int, progress: Progress | None = None
) -> Neighbours:
    return nearest_customers(
        queries=query.taste,
        stored=model.tastes.average,
        k=k,
        exclude=query.own_row,
        progress=progress,
    )


def rank_batch(
    *,
    model: RankerModel,
    query: Query,
    k: int,
    allowed: np.ndarray | None = None,
    neighbours: Neighbours | None = None,
    progress: Progress | None = None,
) -> Ranked:
    """Rank the top `k` items for every query.

    `allowed` is a boolean mask over the model's items (None: all). Pass
    `neighbours` (at least `params.neighbours` per query) to reuse a search.
    """
    params = model.params
    n_queries, n_items = query.taste.shape[0], len(model.item_ids)
    if neighbours is None:
        neighbours = neighbours_of(
            model=model,
            query=query,
            k=params.neighbours if params.neighbour_weight > 0 else 0,
            progress=progress,
        )
    neighbours = neighbours.first(params.neighbours)
    mix = _Mix(model=model, allowed=allowed)
    items = np.full((n_queries, k), -1, dtype=np.int64)
    scores = np.zeros((n_queries, k), dtype=np.float32)
    replaced = np.full((n_queries, k), -1, dtype=np.int64)
    parts = {name: np.zeros((n_queries, k), dtype=np.float32) for name in _PARTS}
    chunk = max(1, SCORE_CELLS // max(n_items, 1))
    for start in range(0, n_queries, chunk):
        span = slice(start, min(start + chunk, n_queries))
        chunk_parts, chunk_replaced = mix.parts(
            query=query, span=span, neighbours=neighbours
        )
        total = np.zeros_like(chunk_parts["repeat"])
        for values in chunk_parts.values():
            total += values
        if allowed is not None:
            total[:, ~allowed] = -np.inf
        top = _top(total, k)
        valid = np.take_along_axis(total, top, axis=1) > -np.inf
        items[span] = np.where(valid, top, -1)
        scores[span] = np.where(valid, np.take_along_axis(total, top, axis=1), 0.0)
        replaced[span] = np.where(
            valid, np.take_along_axis(chunk_replaced, top, axis=1), -1
        )
        for name, values in chunk_parts.items():
            parts[name][span] = np.take_along_axis(values, top, axis=1)
    return Ranked(
        items=items,
        scores=scores,
        parts=parts,
        replaced=replaced,
        neighbours=neighbours,
    )


def rank_for_customer(
    *,
    model: RankerModel,
    history: CustomerHistory,
    now: datetime.datetime,
    k: int,
    allowed: Set[int] | None = None,
) -> list[Suggestion]:
    """Rank the top `k` items for one customer, each with its reason.

    `now` and the history's times are read on the wall clock: pass them in
    the restaurant's zone. Only items in `allowed` (on the menu, not sold
    out, no allergy conflict) are suggested; None allows every item the
    model knows. Items newer than the model are unknown to it until refit.
    """
    baskets = baskets_from_histories(histories=[history], item_ids=model.item_ids)
    query = query_from_baskets(
        model=model,
        baskets=baskets,
        rows=np.array([0]),
        now=np.array([local_days(now)]),
    )
    mask = None
    if allowed is not None:
        mask = np.zeros(len(model.item_ids), dtype=bool)
        mask[[model.item_index[i] for i in allowed if i in model.item_index]] = True
    ranked = rank_batch(model=model, query=query, k=k, allowed=mask)
    return suggestions_of(model=model, query=query, ranked=ranked, row=0)


def suggestions_of(
    *, model: RankerModel, query: Query, ranked: Ranked, row: int
) -> list[Suggestion]:
    """Turn one ranked row into Suggestions with reason codes."""
    cell = int(context_of(query.now[row : row + 1])[0])
    counts = query.counts[row].toarray().ravel()
    neighbour_rows = ranked.neighbours.rows[row][ranked.neighbours.similarity[row] > 0]
    taste = query.taste[row].toarray().ravel()
    suggestions = []
    for position, item in enumerate(ranked.items[row]):
        if item < 0:
            break
        shares = {name: float(ranked.parts[name][row, position]) for name in _PARTS}
        reason = _reason(
            model=model,
            kind=max(shares, key=lambda name: shares[name]),
            item=int(item),
            replaced=int(ranked.replaced[row, position]),
            counts=counts,
            orders=int(query.orders[row]),
            taste=taste,
            neighbour_rows=neighbour_rows,
            now=float(query.now[row]),
        )
        lift = float(model.lift[item, cell]) ** model.params.context_weight
        if lift >= NOTABLE_LIFT:
            reason |= {"daypart": context_name(cell), "daypart_lift": round(lift, 2)}
        suggestions.append(
            Suggestion(
                item_id=int(model.item_ids[item]),
                score=float(ranked.scores[row, position]),
                reason=reason,
            )
        )
    return suggestions


_PARTS = ("repeat", "neighbours", "similar", "popular")


class _Mix:
    """Computes each part's contribution to the final score, per chunk."""

    def __init__(self, *, model: RankerModel, allowed: np.ndarray | None) -> None:
        self.model = model
        self.params = model.params
        # Disallowed items pass their repeat chance to the nearest allowed one.
        self.moves: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        if allowed is not None and not allowed.all():
            gone = np.flatnonzero(~allowed)
            target, similarity = nearest_allowed(
                similarity=model.similarity, items=gone, allowed=allowed
            )
            found = target >= 0
            self.moves = (gone[found], target[found], similarity[found])

    def parts(
        self, *, query: Query, span: slice, neighbours: Neighbours
    ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        params, model = self.params, self.model
        repeat = query.repeat[span].toarray()
        new = repeat <= 0  # explore covers only items new to the customer
        replaced = np.full(repeat.shape, -1, dtype=np.int64)
        if self.moves is not None:
            gone, target, similarity = self.moves
            moved = repeat[:, gone] * similarity[np.newaxis, :]
            for column in range(len(gone)):
                wins = moved[:, column] > repeat[:, target[column]]
                replaced[wins, target[column]] = gone[column]
            np.add.at(repeat.T, target, moved.T)
            repeat[:, gone] = 0.0
        sources = {
            name: (
                weight,
                self._source(name, query=query, span=span, neighbours=neighbours),
            )
            for name, weight in (
                ("neighbours", params.neighbour_weight),
                ("similar", params.similar_weight),
                ("popular", params.popularity_weight),
            )
            if weight > 0
        }
        # Each source becomes a distribution over new items; a source with
        # nothing to say (no neighbours) leaves its weight to the others.
        shares, weights = {}, {}
        for name, (weight, values) in sources.items():
            values = np.where(new, values, 0.0)
            total = values.sum(axis=1, keepdims=True)
            shares[name] = values / np.maximum(total, 1e-30)
            weights[name] = weight * (total > 0)
        weight_sum = np.maximum(sum(weights.values(), np.zeros(1)), 1e-30)
        lift = model.lift[:, context_of(query.now[span])].T
        factor = np.power(lift, params.context_weight)
        explore = query.new_items[span][:, np.newaxis] * factor / weight_sum
        parts = {"repeat": params.repeat_weight * repeat * factor}
        for name in _PARTS[1:]:
            if name in sources:
                parts[name] = explore * weights[name] * shares[name]
            else:
                parts[name] = np.zeros_like(repeat)
        return {
            name: value.astype(np.float32) for name, value in parts.items()
        }, replaced

    def _source(
        self, name: str, *, query: Query, span: slice, neighbours: Neighbours
    ) -> np.ndarray:
        """Return one explore source's raw scores for the chunk's queries."""
        model = self.model
        if name == "neighbours":
            weights = Neighbours(
                rows=neighbours.rows[span], similarity=neighbours.similarity[span]
            ).weights(model.tastes.average.shape[0])
            return (weights @ model.tastes.average).toarray()
        if name == "similar":
            return (query.taste[span] @ model.similarity).toarray()
        return trend_at(
            trend=model.trend,
            times=query.now[span],
            half_life_days=self.params.popularity_half_life_days,
        )


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    k = min(k, scores.shape[1])
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    chosen = np.take_along_axis(scores, top, axis=1)
    # Best first; equal scores by item index, so results are reproducible.
    order = np.lexsort((top, -chosen), axis=1)
    return np.take_along_axis(top, order, axis=1)


def _reason(
    *,
    model: RankerModel,
    kind: str,
    item: int,
    replaced: int,
    counts: np.ndarray,
    orders: int,
    taste: np.ndarray,
    neighbour_rows: np.ndarray,
    now: float,
) -> dict[str, int | float | str]:
    if kind == "repeat" and replaced >= 0:
        return {
            "kind": "instead_of",
            "item_id": int(model.item_ids[replaced]),
            "times": int(counts[replaced]),
            "of_last": orders,
            "similarity": round(float(model.similarity[replaced, item]), 3),
        }
    if kind == "repeat":
        return {"kind": "repeat", "times": int(counts[item]), "of_last": orders}
    if kind == "neighbours":
        fans = model.tastes.counts[neighbour_rows][:, item].toarray().ravel() > 0
        return {
            "kind": "neighbours",
            "fans": int(fans.sum()),
            "of_neighbours": len(neighbour_rows),
        }
    if kind == "similar":
        links = taste * model.similarity[:, item].toarray().ravel()
        source = int(np.argmax(links))
        return {
            "kind": "similar",
            "to_item": int(model.item_ids[source]),
            "similarity": round(float(model.similarity[source, item]), 3),
        }
    share = trend_at(
        trend=model.trend,
        times=np.array([now]),
        half_life_days=model.params.popularity_half_life_days,
    )[0, item]
    return {"kind": "popular", "share": round(float(share), 4)}
