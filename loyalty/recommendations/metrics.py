"""Ranking metrics, per query then averaged, as in next-basket studies.

Relevance is binary: an item is either in the held-out order or not.
Padding (-1) in a ranked row never matches.
"""

from collections.abc import Sequence

import numpy as np


def recall_at(*, ranked: np.ndarray, targets: Sequence[np.ndarray], k: int) -> float:
    """Mean share of each target order's items found in the top `k`."""
    values = [
        np.isin(target, row[:k]).sum() / len(target)
        for row, target in zip(ranked, targets, strict=True)
        if len(target)
    ]
    return float(np.mean(values)) if values else 0.0


def hit_rate_at(*, ranked: np.ndarray, targets: Sequence[np.ndarray], k: int) -> float:
    """Mean of 1 when any target item is in the top `k`, else 0."""
    values = [
        bool(np.isin(row[:k], target).any())
        for row, target in zip(ranked, targets, strict=True)
        if len(target)
    ]
    return float(np.mean(values)) if values else 0.0


def ndcg_at(*, ranked: np.ndarray, targets: Sequence[np.ndarray], k: int) -> float:
    """Mean normalised discounted cumulative gain of the top `k`."""
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    values = []
    for row, target in zip(ranked, targets, strict=True):
        if not len(target):
            continue
        gains = np.isin(row[:k], target).astype(np.float64)
        ideal = discounts[: min(len(target), k)].sum()
        values.append(float(gains @ discounts[: len(gains)]) / ideal)
    return float(np.mean(values)) if values else 0.0


def mrr(*, positions: np.ndarray) -> float:
    """Mean reciprocal rank of 1-based positions; 0 (not found) scores 0."""
    positions = np.asarray(positions, dtype=np.float64)
    reciprocal = np.zeros_like(positions)
    np.divide(1.0, positions, out=reciprocal, where=positions > 0)
    return float(reciprocal.mean()) if len(positions) else 0.0


def next_order_metrics(
    *, ranked: np.ndarray, targets: Sequence[np.ndarray]
) -> dict[str, float]:
    """Return Recall@5, Recall@10, NDCG@10 and HitRate@5 of ranked rows."""
    return {
        "Recall@5": recall_at(ranked=ranked, targets=targets, k=5),
        "Recall@10": recall_at(ranked=ranked, targets=targets, k=10),
        "NDCG@10": ndcg_at(ranked=ranked, targets=targets, k=10),
        "HitRate@5": hit_rate_at(ranked=ranked, targets=targets, k=5),
    }


def pairing_metrics(*, positions: np.ndarray) -> dict[str, float]:
    """Return HitRate@3 and MRR from each hidden item's 1-based position."""
    positions = np.asarray(positions)
    hits = (positions >= 1) & (positions <= 3)
    return {
        "HitRate@3": float(hits.mean()) if len(positions) else 0.0,
        "MRR": mrr(positions=positions),
    }
