"""How likely a customer is to order again what they ordered before.

For each customer and each item they have had, two numbers are counted over
the orders *after* their first time with it: how many held it again, and how
many there were. Their ratio is the customer's own repeat rate for the item;
it is shrunk towards the item's repeat rate across all customers, which is
what makes "milk again" likelier than "birthday candles again" even for a
customer seen twice. The rate of new items per order is estimated the same
way, so repeat and explore scores are both probabilities and can be ranked
together.
"""

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from loyalty.recommendations.history import Baskets


@dataclass(frozen=True)
class Habits:
    """Per (customer, item) pair ever ordered: repeats after the first time.

    Pairs are sorted by customer, then item.
    """

    customer: np.ndarray
    item: np.ndarray
    repeats: np.ndarray  # (decayed) later orders that held the item
    chances: np.ndarray  # (decayed) later orders, held it or not
    new_items: np.ndarray  # per customer: first-time items after order one
    later_orders: np.ndarray  # per customer: orders after the first
    shape: tuple[int, int]


@dataclass(frozen=True)
class RepeatRates:
    """Population rates the personal ones are shrunk towards."""

    item: np.ndarray  # per item: P(in next order | had before), smoothed
    new_per_order: float  # first-time items per order after a first order
    # How many chances of evidence a personal rate needs to count as much as
    # the item's rate, estimated from how much personal rates really vary.
    personal_smoothing: float


def habits_of(*, baskets: Baskets, weights: np.ndarray) -> Habits:
    """Count repeat chances per customer and item, orders weighted by `weights`.

    Orders must be sorted by customer then time (as Baskets are).
    """
    n_customers, n_items = baskets.n_customers, baskets.n_items
    sizes = baskets.sizes()
    line_order = np.repeat(np.arange(baskets.n_orders), sizes)
    line_customer = baskets.customer.astype(np.int64)[line_order]
    key = line_customer * n_items + baskets.items
    # Lines run in order of (customer, time), so a key's first line is the
    # customer's first order of that item.
    unique_key, first_line = np.unique(key, return_index=True)
    pair_customer = unique_key // n_items
    pair_item = unique_key % n_items
    first_order = line_order[first_line]
    # Weight of every order after a given one, within the same customer.
    bounds = baskets.customer_bounds()
    suffix = np.cumsum(weights[::-1])[::-1]
    end = bounds[baskets.customer.astype(np.int64) + 1]
    after_end = np.where(
        end < baskets.n_orders, suffix[np.minimum(end, len(suffix) - 1)], 0.0
    )
    after = suffix - weights - after_end  # strictly later orders of the customer
    chances = after[first_order]
    held = np.bincount(
        np.searchsorted(unique_key, key),
        weights=weights[line_order],
        minlength=len(unique_key),
    )
    repeats = held - weights[first_order]
    first_of_customer = bounds[:-1]
    has_orders = np.diff(bounds) > 0
    first_sizes = np.zeros(n_customers)
    first_sizes[has_orders] = sizes[first_of_customer[has_orders]]
    distinct = np.bincount(pair_customer, minlength=n_customers)
    return Habits(
        customer=pair_customer,
        item=pair_item,
        repeats=repeats,
        chances=chances,
        new_items=np.maximum(distinct - first_sizes, 0.0),
        later_orders=np.maximum(np.diff(bounds) - 1, 0).astype(np.float64),
        shape=(n_customers, n_items),
    )


def repeat_rates_fit(*, baskets: Baskets, smoothing: float) -> RepeatRates:
    """Estimate each item's population repeat rate from plain counts.

    Items with few chances are pulled towards the overall rate by
    `smoothing` pseudo-chances.
    """
    habits = habits_of(baskets=baskets, weights=np.ones(baskets.n_orders))
    n_items = baskets.n_items
    repeats = np.bincount(habits.item, weights=habits.repeats, minlength=n_items)
    chances = np.bincount(habits.item, weights=habits.chances, minlength=n_items)
    overall = repeats.sum() / max(chances.sum(), 1e-12)
    item = (repeats + smoothing * overall) / (chances + smoothing)
    later = habits.later_orders.sum()
    return RepeatRates(
        item=item,
        new_per_order=float(habits.new_items.sum() / later) if later else 0.0,
        personal_smoothing=_personal_smoothing(habits=habits, item=item),
    )


def _personal_smoothing(*, habits: Habits, item: np.ndarray) -> float:
    """Estimate the beta prior's strength around item rates (empirical Bayes).

    With personal rates r/n spread around the item's rate g, the spread is
    g(1 - g) * (rho + (1 - rho) / n) when the prior has strength 1/rho - 1;
    the method of moments over every (customer, item) pair gives rho. Where
    everyone repeats alike (groceries) the prior is strong; where each
    customer has their own usuals (restaurants) it is weak.
    """
    seen = habits.chances >= 1
    if not seen.any():
        return 1.0
    chances = habits.chances[seen]
    rate = item[habits.item[seen]]
    spread = rate * (1.0 - rate)
    deviation = (habits.repeats[seen] / chances - rate) ** 2
    denominator = np.sum(spread * (1.0 - 1.0 / chances))
    if denominator <= 0:
        return 1.0
    rho = float(np.sum(deviation - spread / chances) / denominator)
    # Clipped: rho near 0 means personal rates say nothing, near 1 everything.
    rho = min(max(rho, 1e-4), 1.0 - 1e-4)
    return 1.0 / rho - 1.0


def repeat_chance(
    *, habits: Habits, rates: RepeatRates, smoothing: float | None
) -> sparse.csr_matrix:
    """Return P(item in next order) for every item each customer has had.

    The customer's own rate, shrunk towards the item's population rate by
    `smoothing` pseudo-chances (None: the strength estimated from the data).
    """
    if smoothing is None:
        smoothing = rates.personal_smoothing
    prior = rates.item[habits.item]
    chance = (habits.repeats + smoothing * prior) / (habits.chances + smoothing)
    return sparse.csr_matrix(
        (chance, (habits.customer, habits.item)), shape=habits.shape
    )


def new_item_rate(
    *, habits: Habits, rates: RepeatRates, smoothing: float
) -> np.ndarray:
    """Return each customer's expected number of first-time items next order."""
    return (habits.new_items + smoothing * rates.new_per_order) / (
        habits.later_orders + smoothing
    )
