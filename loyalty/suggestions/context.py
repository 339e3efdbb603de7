"""One request's context: daypart, what is orderable now, popular dishes; a pick."""

import datetime
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone

from loyalty.recommendations import PairingParams
from loyalty.recommendations.history import context_of, local_days
from loyalty.recommendations.items import NOTABLE_LIFT
from loyalty.suggestions.diets import DietRule
from loyalty.suggestions.menu import (
    _AVAILABILITY,
    Dish,
    _fit,
    _menu_dishes,
    _orderable_now,
)
from loyalty.suggestions_fit import FitArrays
from ordering.models import Restaurant
from ordering.translation import pick


@dataclass(frozen=True)
class Pick:
    """One dish chosen for a screen, with what the recorder needs."""

    item_id: int
    name: str
    reason: str
    reason_kind: str
    allergens: list[str]
    placement: str


@dataclass
class _Context:
    restaurant: Restaurant
    lang: str | None
    local: datetime.datetime
    cell: int
    dishes: dict[int, Dish]
    orderable: set[int]
    fit: FitArrays | None
    popular: list[tuple[int, bool]] = field(default_factory=list)

    def daypart_lift(self, position: int) -> float:
        """Return how much likelier a dish is now than at other times."""
        assert self.fit is not None
        lift = float(self.fit.pairing.lift[position, self.cell])
        return lift ** PairingParams().context_weight

    def name(self, item_id: int) -> str:
        dish = self.dishes.get(item_id)
        return pick(dish.names, self.lang) if dish else ""

    def is_safe(self, item_id: int, rules: tuple[DietRule, ...]) -> bool:
        if item_id not in self.orderable:
            return False
        dish = self.dishes[item_id]
        return all(rule.allows(dish.allergens, dish.diets) for rule in rules)

    def pick(self, item_id: int, *, reason: str, kind: str, placement: str) -> Pick:
        return Pick(
            item_id=item_id,
            name=self.name(item_id),
            reason=reason,
            reason_kind=kind,
            allergens=sorted(self.dishes[item_id].allergens),
            placement=placement,
        )


def _context(
    restaurant: Restaurant,
    *,
    lang: str | None,
    now: datetime.datetime | None,
    availability: list[tuple] | None = None,
) -> _Context:
    local = timezone.localtime(now or timezone.now(), restaurant.tzinfo)
    cell = int(context_of(np.array([local_days(local)]))[0])
    context = _Context(
        restaurant=restaurant,
        lang=lang,
        local=local,
        cell=cell,
        dishes=_menu_dishes(restaurant),
        orderable=_orderable_now(
            restaurant,
            local.time(),
            _AVAILABILITY.rows(restaurant.pk) if availability is None else availability,
        ),
        fit=_fit(restaurant.pk),
    )
    context.popular = _popular(context)
    return context


def _popular(context: _Context) -> list[tuple[int, bool]]:
    """Return orderable dishes by recent popularity at this daypart, best
    first, each with whether the daypart itself makes it popular."""
    fit = context.fit
    if fit is None or not len(fit.item_ids):
        return []  # no history yet: nothing can honestly be called popular
    lift = np.power(fit.pairing.lift[:, context.cell], PairingParams().context_weight)
    scores = fit.share * lift
    ranked = []
    for index in np.lexsort((fit.item_ids, -scores)):
        item_id = int(fit.item_ids[index])
        if item_id in context.orderable and scores[index] > 0:
            ranked.append((item_id, bool(lift[index] >= NOTABLE_LIFT)))
    return ranked
