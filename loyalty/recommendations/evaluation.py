"""Offline evaluation protocols, and tuning on validation data only.

Next order: each customer with at least three orders has their last order
held out (test); tuning holds out their second-to-last order instead and
trains on the orders before it (validation), so the test orders are never
looked at until the tuned model is scored once.

Pairing: one random item of each multi-item order in the last 20 % of the
time span is hidden (test); tuning uses the slice before it, hiding every
item of each order in turn for more, less noisy, examples.
"""

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from loyalty.recommendations.baselines import (
    global_top,
    pair_popular,
    pair_together,
    personal_top,
    positions_of,
    tifu_knn,
)
from loyalty.recommendations.history import Baskets
from loyalty.recommendations.metrics import next_order_metrics, pairing_metrics
from loyalty.recommendations.offline import (
    HiddenItems,
    Split,
    split_hidden,
    split_last,
)
from loyalty.recommendations.pairing import PairingParams, pairing_fit, pairing_scores
from loyalty.recommendations.ranking import (
    Query,
    RankerModel,
    RankerParams,
    neighbours_of,
    query_from_baskets,
    rank_batch,
    ranker_fit,
)
from loyalty.recommendations.vectors import Neighbours

Say = Callable[[str], None]
K = 10

RANKER_GRID: dict[str, tuple[float | None, ...]] = {
    "repeat_weight": (0.5, 1.0, 2.0, 4.0),
    "repeat_smoothing": (None, 2.0, 5.0, 20.0, 50.0),  # None: estimated
    "new_smoothing": (1.0, 3.0, 10.0),
    "item_smoothing": (2.0, 10.0, 50.0),
    "neighbour_weight": (0.0, 0.3, 1.0),
    "neighbours": (100, 300),
    "similar_weight": (0.0, 0.3, 1.0),
    "popularity_half_life_days": (math.inf, 60.0, 14.0),
    "order_decay": (1.0, 0.95, 0.8),
    "half_life_days": (math.inf, 180.0, 60.0),
    "context_weight": (0.0, 0.5, 1.0),
}
PAIRING_GRID: dict[str, tuple[float, ...]] = {
    "smoothing": (5.0, 20.0, 50.0, 200.0),
    "popularity_damping": (0.0, 0.1, 0.25, 0.5),
    "context_weight": (0.0, 0.5, 1.0, 1.5),
    "context_smoothing": (20.0, 50.0, 200.0),
}
TIFU_GRID: dict[str, tuple[float, ...]] = {
    "group_size": (3, 7, 20),
    "within_decay": (0.9, 1.0),
    "group_decay": (0.7, 0.9, 1.0),
    "neighbours": (100, 300, 900),
    "alpha": (0.5, 0.7, 0.9),
}


@dataclass(frozen=True)
class TifuSettings:
    group_size: int = 3
    within_decay: float = 1.0
    group_decay: float = 1.0
    neighbours: int = 300
    alpha: float = 0.7


@dataclass(frozen=True)
class Report:
    rows: dict[str, dict[str, float]]  # model name -> metric -> value
    chosen: dict[str, Any]  # hyper-parameters used for "ours"
    evaluated: int  # customers or hidden items scored


def next_order_evaluate(
    *,
    baskets: Baskets,
    params: RankerParams,
    tune: bool,
    say: Say,
    min_orders: int = 3,
) -> Report:
    """Score ours and the baselines on the test split (last orders)."""
    validation, test = split_last(baskets=baskets, min_orders=min_orders)
    say(
        f"{len(test.customers)} customers with >= {min_orders} orders; "
        f"{test.train.n_orders} training orders"
    )
    tifu_settings = TifuSettings()
    if tune:
        params = coordinate_search(
            start=params,
            grid=RANKER_GRID,
            score=_RankerScorer(split=validation, say=say).ndcg,
            say=say,
        )
        tifu_settings = _tifu_tune(split=validation, say=say)
    say("scoring the test split")
    scorer = _RankerScorer(split=test, say=say)
    rows = {
        "G-TopFreq (popularity)": _baseline_metrics(test, "global"),
        "P-TopFreq (personal)": _baseline_metrics(test, "personal"),
        "P-TopFreq + backfill": _baseline_metrics(test, "backfill"),
        "TIFU-KNN (re-implemented)": next_order_metrics(
            ranked=tifu_knn(
                baskets=test.train,
                customers=test.customers,
                k=K,
                **dataclasses.asdict(tifu_settings),
            ),
            targets=test.targets,
        ),
        "Tableside ranker": scorer.metrics(params),
    }
    chosen = dataclasses.asdict(params) | {
        f"tifu_{name}": value
        for name, value in dataclasses.asdict(tifu_settings).items()
    }
    return Report(rows=rows, chosen=chosen, evaluated=len(test.customers))


def pairing_evaluate(
    *, baskets: Baskets, params: PairingParams, tune: bool, say: Say, seed: int = 0
) -> Report:
    """Score ours and the baselines on hidden items of the last 20 % of time."""
    test = split_hidden(baskets=baskets, start=0.8, stop=1.0, seed=seed)
    say(f"{len(test.hidden)} test orders; {test.train.n_orders} training orders")
    if tune:
        validation = split_hidden(
            baskets=test.train, start=0.8, stop=1.0, seed=seed, every_item=True
        )
        say(f"tuning on {len(validation.hidden)} hidden items before the test slice")
        params = coordinate_search(
            start=params,
            grid=PAIRING_GRID,
            score=lambda candidate: pairing_metrics(
                positions=_pairing_positions(hidden=validation, params=candidate)
            )["MRR"],
            say=say,
        )
    rows = {
        "Most popular": pairing_metrics(
            positions=positions_of(
                scores=pair_popular(baskets=test.train, rest=test.rest),
                hidden=test.hidden,
            )
        ),
        "Co-occurrence counts": pairing_metrics(
            positions=positions_of(
                scores=pair_together(baskets=test.train, rest=test.rest),
                hidden=test.hidden,
            )
        ),
        "Tableside pairing": pairing_metrics(
            positions=_pairing_positions(hidden=test, params=params)
        ),
    }
    return Report(
        rows=rows, chosen=dataclasses.asdict(params), evaluated=len(test.hidden)
    )


def coordinate_search[P](
    *,
    start: P,
    grid: Mapping[str, Sequence[float | None]],
    score: Callable[[P], float],
    say: Say,
    passes: int = 2,
) -> P:
    """Improve one hyper-parameter at a time over `grid`; return the best.

    A change is kept only if it beats the current score, so ties keep the
    starting value. Stops after `passes` sweeps or a sweep without change.
    """
    best, best_score = start, score(start)
    say(f"start: {best_score:.5f}")
    for sweep in range(passes):
        changed = False
        for name, values in grid.items():
            for value in values:
                if getattr(best, name) == value:
                    continue
                candidate = replace(best, **{name: value})  # type: ignore[type-var]
                value_score = score(candidate)
                say(f"pass {sweep + 1}: {name}={value} -> {value_score:.5f}")
                if value_score > best_score + 1e-9:
                    best, best_score, changed = candidate, value_score, True
            say(f"pass {sweep + 1}: keep {name}={getattr(best, name)}")
        if not changed:
            break
    say(f"tuned: {best_score:.5f}")
    return best


class _RankerScorer:
    """Scores ranker settings on one split, reusing fits and neighbour searches."""

    def __init__(self, *, split: Split, say: Say) -> None:
        self.split = split
        self.say = say
        self.models: dict[tuple[float, ...], RankerModel] = {}
        self.queries: dict[tuple[float | None, ...], Query] = {}
        self.neighbours: dict[tuple[float, ...], Neighbours] = {}

    def metrics(self, params: RankerParams) -> dict[str, float]:
        fit_key = (
            params.order_decay,
            params.half_life_days,
            params.item_smoothing,
            params.similar_items,
            params.similarity_shrink,
            params.context_smoothing,
        )
        if fit_key not in self.models:
            self.models[fit_key] = ranker_fit(baskets=self.split.train, params=params)
        model = replace(self.models[fit_key], params=params)
        query_key = (*fit_key, params.repeat_smoothing, params.new_smoothing)
        if query_key not in self.queries:
            self.queries[query_key] = query_from_baskets(
                model=model,
                baskets=self.split.train,
                rows=self.split.customers,
                now=self.split.times,
            )
        query = self.queries[query_key]
        neighbour_key = (*fit_key, float(params.neighbours))
        if neighbour_key not in self.neighbours:
            self.neighbours[neighbour_key] = neighbours_of(
                model=model, query=query, k=params.neighbours
            )
        ranked = rank_batch(
            model=model,
            query=query,
            k=K,
            neighbours=self.neighbours[neighbour_key],
        )
        return next_order_metrics(ranked=ranked.items, targets=self.split.targets)

    def ndcg(self, params: RankerParams) -> float:
        return self.metrics(params)["NDCG@10"]


def _tifu_tune(*, split: Split, say: Say) -> TifuSettings:
    say("tuning TIFU-KNN the same way")

    def score(settings: TifuSettings) -> float:
        ranked = tifu_knn(
            baskets=split.train,
            customers=split.customers,
            k=K,
            **dataclasses.asdict(settings),
        )
        return next_order_metrics(ranked=ranked, targets=split.targets)["NDCG@10"]

    return coordinate_search(start=TifuSettings(), grid=TIFU_GRID, score=score, say=say)


def _baseline_metrics(split: Split, kind: str) -> dict[str, float]:
    if kind == "global":
        ranked = global_top(baskets=split.train, customers=split.customers, k=K)
    else:
        ranked = personal_top(
            baskets=split.train,
            customers=split.customers,
            k=K,
            backfill=kind == "backfill",
        )
    return next_order_metrics(ranked=ranked, targets=split.targets)


def _pairing_positions(*, hidden: HiddenItems, params: PairingParams) -> np.ndarray:
    model = pairing_fit(baskets=hidden.train, params=params)
    scores = [
        pairing_scores(model=model, items=rest, now=float(now))[0]
        for rest, now in zip(hidden.rest, hidden.times, strict=True)
    ]
    return positions_of(scores=scores, hidden=hidden.hidden)
