"""Next-order suggestions and pairings from plain order histories (no ORM).

Fit per restaurant from every member's history, then rank per visit:

    model = ranker_fit(
        baskets=baskets_from_histories(histories=histories), params=RankerParams()
    )
    rank_for_customer(model=model, history=member, now=now, k=5, allowed=on_menu)

Pairings are fitted on all orders, members or not, the same way
(`pairing_fit`, `pairings_for`). `offline` reads CSV exports and
`evaluation` scores both models against baselines.
"""

from loyalty.recommendations.history import (
    CustomerHistory,
    PastOrder,
    Suggestion,
    baskets_from_histories,
    local_days,
)
from loyalty.recommendations.pairing import (
    PairingModel,
    PairingParams,
    pairing_fit,
    pairings_for,
)
from loyalty.recommendations.ranking import (
    RankerModel,
    RankerParams,
    rank_for_customer,
    ranker_fit,
)

__all__ = [
    "CustomerHistory",
    "PairingModel",
    "PairingParams",
    "PastOrder",
    "RankerModel",
    "RankerParams",
    "Suggestion",
    "baskets_from_histories",
    "local_days",
    "pairing_fit",
    "pairings_for",
    "rank_for_customer",
    "ranker_fit",
]
