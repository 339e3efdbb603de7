"""Suggest what goes with the items already in an order.

A candidate `c` for an order holding items `B` at a daypart scores

    mean over b in B of P(c | b)  *  P(c) ** -popularity_damping
                                  *  lift(c, daypart) ** context_weight

where P(c | b) is the share of orders with `b` that also held `c`, pulled
towards P(c) by `smoothing` pseudo-orders so that one shared ticket proves
nothing. Plain co-occurrence counts let the most ordered basket item (coffee)
outvote the telling one (soup); averaging conditionals gives every item of
the order one vote, and the damping stops best-sellers from winning every
slot. Tuned on the café orders, context (breakfast pastries, lunch soups)
adds as much as the pairs themselves.
"""

import datetime
from collections.abc import Sequence, Set
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from loyalty.recommendations.history import (
    Baskets,
    Suggestion,
    context_name,
    context_of,
    local_days,
)
from loyalty.recommendations.items import NOTABLE_LIFT, context_lift


@dataclass(frozen=True)
class PairingParams:
    """Hyper-parameters; defaults tuned on the café orders' validation slice."""

    smoothing: float = 5.0  # pseudo-orders pulling P(c | b) towards P(c)
    popularity_damping: float = 0.1  # 0: conditional probability; 1: lift
    context_weight: float = 0.5  # exponent on the daypart lift
    context_smoothing: float = 20.0


@dataclass(frozen=True)
class PairingModel:
    params: PairingParams
    item_ids: np.ndarray
    orders: int
    counts: np.ndarray  # orders holding each item
    together: sparse.csr_matrix  # orders holding both items
    lift: np.ndarray  # items x context cells
    item_index: dict[int, int] = field(repr=False)


def pairing_fit(*, baskets: Baskets, params: PairingParams) -> PairingModel:
    """Count items and pairs over all orders (customers do not matter here)."""
    lines = baskets.order_matrix()
    together = (lines.T @ lines).tocsr()
    together.setdiag(0)
    together.eliminate_zeros()
    return PairingModel(
        params=params,
        item_ids=baskets.item_ids,
        orders=baskets.n_orders,
        counts=np.bincount(baskets.items, minlength=baskets.n_items).astype(float),
        together=together,
        lift=context_lift(baskets=baskets, smoothing=params.context_smoothing),
        item_index={int(item): index for index, item in enumerate(baskets.item_ids)},
    )


def pairing_scores(
    *, model: PairingModel, items: np.ndarray, now: float
) -> tuple[np.ndarray, np.ndarray]:
    """Score every item as a companion to `items` (indices) at `now`.

    Return the scores (-inf for the order's own items and never-sold ones)
    and P(candidate | basket item) as basket items x candidates.
    """
    params = model.params
    base = model.counts / max(model.orders, 1)
    sold = base > 0
    conditional = _conditionals(model=model, items=items, base=base)
    votes = conditional.mean(axis=0) if len(items) else base
    cell = int(context_of(np.array([now]))[0])
    scores = np.full(len(base), -np.inf)
    scores[sold] = (
        votes[sold]
        * base[sold] ** -params.popularity_damping
        * model.lift[sold, cell] ** params.context_weight
    )
    scores[items] = -np.inf
    return scores, conditional


def pairings_for(
    *,
    model: PairingModel,
    item_ids: Sequence[int],
    now: datetime.datetime,
    k: int,
    allowed: Set[int] | None = None,
) -> list[Suggestion]:
    """Suggest `k` items to go with an order's `item_ids` at `now`.

    `now` is read on the wall clock (pass it in the restaurant's zone).
    Items the model never saw are ignored; only `allowed` items (None: all)
    are suggested.
    """
    days = local_days(now)
    items = np.array(
        sorted({model.item_index[i] for i in item_ids if i in model.item_index}),
        dtype=np.int64,
    )
    scores, conditional = pairing_scores(model=model, items=items, now=days)
    if allowed is not None:
        mask = np.zeros(len(scores), dtype=bool)
        mask[[model.item_index[i] for i in allowed if i in model.item_index]] = True
        scores[~mask] = -np.inf
    base = model.counts / max(model.orders, 1)
    cell = int(context_of(np.array([days]))[0])
    suggestions = []
    for candidate in np.lexsort((np.arange(len(scores)), -scores))[:k]:
        if not np.isfinite(scores[candidate]):
            break
        reason: dict[str, int | float | str]
        lifts = conditional[:, candidate] / base[candidate]
        if len(items) and lifts.max() > 1.0:
            best = int(np.argmax(lifts))
            partner = int(items[best])
            reason = {
                "kind": "pairing",
                "with_item": int(model.item_ids[partner]),
                "lift": round(float(lifts[best]), 2),
                "together": int(model.together[partner, candidate]),
            }
        else:
            reason = {"kind": "popular", "share": round(float(base[candidate]), 4)}
        lift = float(model.lift[candidate, cell]) ** model.params.context_weight
        if lift >= NOTABLE_LIFT:
            reason |= {"daypart": context_name(cell), "daypart_lift": round(lift, 2)}
        suggestions.append(
            Suggestion(
                item_id=int(model.item_ids[candidate]),
                score=float(scores[candidate]),
                reason=reason,
            )
        )
    return suggestions


def _conditionals(
    *, model: PairingModel, items: np.ndarray, base: np.ndarray
) -> np.ndarray:
    smoothing = model.params.smoothing
    pairs = model.together[items].toarray()
    return (pairs + smoothing * base[np.newaxis, :]) / (
        model.counts[items][:, np.newaxis] + smoothing
    )
