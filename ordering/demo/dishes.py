"""The seeded menu as the history sees it, and how a dish's choices are made.

Lines are priced by `ordering.pricing.price_line` at the moment they were
placed, so history snapshots are exactly what the live service would write.
"""

import datetime
import random

from ordering.demo import menu
from ordering.models import MenuItem, Restaurant
from ordering.pricing import PricedLine, price_line
from ordering.selectors import menu_items_for_pricing

LUNCH, DINNER = "lunch", "dinner"

# Where a meal's main dish comes from, weighted per meal time.
MAIN_CATEGORIES = {
    LUNCH: {"lunch": 3, "soups": 2, "mains": 1},
    DINNER: {"mains": 3, "soups": 1},
}

# How much more often Helsinki diners pick a dish than an unknown one (2).
POPULARITY = {
    "salmon_soup": 6,
    "fried_herring": 5,
    "burger": 5,
    "reindeer": 4,
    "meatballs": 4,
    "pea_soup": 4,
    "sirloin": 3,
    "pikeperch": 3,
    "cabbage_casserole": 3,
    "salmon_bake": 3,
    "chanterelle_soup": 3,
    "sweet_potato_soup": 1,
    "cauliflower": 1,
    "blueberry_pie": 4,
    "squeaky_cheese": 3,
    "chocolate_cake": 3,
    "sorbet": 1,
    "karelian_pies": 3,
    "gravlax": 3,
    "toast_skagen": 3,
}

# A diner's usual pick in each required choice group, weighted.
REQUIRED_TASTES = {
    "size": {"regular": 85, "small": 15},
    "side": {"mash": 50, "fries": 30, "salad": 20},
    "doneness": {"rare": 10, "medium_rare": 35, "medium": 40, "well_done": 15},
    "wine_serving": {"12cl": 50, "16cl": 42, "bottle": 8},
    "beer_size": {"04": 60, "05": 40},
}
# What a diner adds when they add something to an optional group, weighted.
OPTIONAL_TASTES = {
    "extras": {"cheese": 40, "bacon": 35, "egg": 15, "mushrooms": 10},
    "dessert_addons": {"ice_cream": 60, "whipped_cream": 40},
    "milk": {"cow": 50, "lactose_free": 25, "oat": 25},
}


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class DemoMenu:
    """The seeded menu by `menu`'s keys, loaded the way pricing needs it."""

    def __init__(self, *, restaurant: Restaurant):
        ids = list(
            MenuItem.objects.filter(restaurant=restaurant).values_list("pk", flat=True)
        )
        loaded = menu_items_for_pricing(restaurant_id=restaurant.pk, item_ids=ids)
        by_name = {item.name_fi: item for item in loaded.values()}
        rows = menu.menu_items()
        self.items: dict[str, MenuItem] = {
            row["key"]: by_name[row["name"]["fi"]] for row in rows
        }
        self.category: dict[str, str] = {row["key"]: row["category"] for row in rows}
        group_keys = {g["name"]["fi"]: g["key"] for g in menu.MODIFIER_GROUPS}
        modifier_keys = {
            (g["key"], m["name"]["fi"]): m["key"]
            for g in menu.MODIFIER_GROUPS
            for m in g["modifiers"]
        }
        # dish key -> [(group key, group, {modifier key: modifier})], menu order;
        # sold-out choices are left out.
        self.groups = {
            key: [
                (
                    group_keys[group.name_fi],
                    group,
                    {
                        modifier_keys[(group_keys[group.name_fi], m.name_fi)]: m
                        for m in group.modifiers.all()
                        if m.is_available
                    },
                )
                for group in item.modifier_groups.all()
            ]
            for key, item in self.items.items()
        }

    def keys_in(self, category: str) -> list[str]:
        return [key for key, cat in self.category.items() if cat == category]

    def orderable(self, key: str, local_time: datetime.time) -> bool:
        item = self.items[key]
        return (
            item.is_available
            and item.category.is_active
            and item.category.is_in_window(local_time)
            and item.is_in_window(local_time)
        )

    def is_fish(self, key: str) -> bool:
        return "fish" in self.items[key].allergens

    def is_vegetarian(self, key: str) -> bool:
        return "vegetarian" in self.items[key].diets

    def main_pool(self, *, slot: str, vegetarian: bool) -> dict[str, int]:
        """Return the mains a meal time offers, weighted by category and taste."""
        return {
            key: weight * POPULARITY.get(key, 2)
            for category, weight in MAIN_CATEGORIES[slot].items()
            for key in self.keys_in(category)
            if self.items[key].is_available
            and (not vegetarian or self.is_vegetarian(key))
        }

    def pick(
        self, rng: random.Random, keys: list[str], *, local_time: datetime.time
    ) -> str | None:
        """Return a popular-leaning choice among the keys orderable now."""
        weights = {
            k: POPULARITY.get(k, 2) for k in keys if self.orderable(k, local_time)
        }
        return weighted(rng, weights) if weights else None

    def any_main(self, *, local_time: datetime.time) -> str:
        for key in self.keys_in("mains"):
            if self.orderable(key, local_time):
                return key
        raise RuntimeError("The demo menu has no main course to order.")


def modifier_ids(
    rng: random.Random,
    dm: DemoMenu,
    key: str,
    *,
    tastes: dict[str, str],
    optional: dict[str, list[str]],
    party_size: int,
) -> list[int]:
    """Choose a dish's modifiers the way this diner usually does.

    Every required group gets a valid choice; a diner without a usual one
    (a walk-in passes empty dicts) picks by the general tastes.
    """
    ids = []
    for group_key, group, modifiers in dm.groups[key]:
        if group.min_choices:
            usual = tastes.get(group_key)
            if usual not in modifiers or rng.random() < 0.15:
                general = REQUIRED_TASTES.get(group_key, {})
                usual = weighted(rng, {k: general.get(k, 1) for k in modifiers})
            if usual == "bottle" and party_size < 2:
                usual = "16cl"
            picks = [usual] + [k for k in modifiers if k != usual]
            ids += [modifiers[k].pk for k in picks[: group.min_choices]]
            continue
        wanted = optional.get(group_key, [])
        if wanted and rng.random() < 0.8:
            picks = wanted
        elif rng.random() < 0.08:
            general = OPTIONAL_TASTES.get(group_key, dict.fromkeys(modifiers, 1))
            picks = [weighted(rng, general)]
        else:
            picks = []
        ids += [modifiers[k].pk for k in picks if k in modifiers][: group.max_choices]
    return ids


def price(
    rng: random.Random,
    dm: DemoMenu,
    wanted: list[tuple[str, int]],
    *,
    tastes: dict[str, str],
    optional: dict[str, list[str]],
    party_size: int,
    local_time: datetime.time,
) -> list[PricedLine]:
    """Price (dish key, quantity) pairs as the live service would at that time."""
    return [
        price_line(
            dm.items[key],
            modifier_ids=modifier_ids(
                rng,
                dm,
                key,
                tastes=tastes,
                optional=optional,
                party_size=party_size,
            ),
            quantity=quantity,
            local_time=local_time,
        )
        for key, quantity in wanted
    ]
