"""The menu as guests read it: one language, availability as of now.

Building it from the database is the expensive part of a guest's first
request, so the built menu is cached per restaurant, menu version and
language. Every menu edit bumps `Restaurant.menu_version`
(`services.menu.menu_changed`), which retires the cached copies at once; only
the time-of-day availability is worked out on each request.
"""

import datetime
import hashlib

from django.core.cache import cache
from django.utils import timezone

from ordering.models import MenuCategory, MenuItem, ModifierGroup, Restaurant
from ordering.models.menu import time_in_window
from ordering.selectors import menu_categories
from ordering.translation import pick

CACHE_SECONDS = 3600


def _hhmm(value: datetime.time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def _window(obj: MenuCategory | MenuItem) -> list[str | None]:
    return [_hhmm(obj.available_from), _hhmm(obj.available_until)]


def _group(group: ModifierGroup, lang: str) -> dict:
    return {
        "id": group.pk,
        "name": group.tr("name", lang),
        "min": group.min_choices,
        "max": group.max_choices,
        "modifiers": [
            {
                "id": m.pk,
                "name": m.tr("name", lang),
                "price_delta_minor": m.price_delta_minor,
                "is_default": m.is_default,
                "is_available": m.is_available,
                "allergens": m.allergens,
            }
            for m in group.modifiers.all()
        ],
    }


def _item(item: MenuItem, lang: str) -> dict:
    return {
        "id": item.pk,
        "name": item.tr("name", lang),
        "description": pick(item.texts("description"), lang),
        "price_minor": item.price_minor,
        "vat_rate_bp": item.vat_rate_bp,
        "allergens": item.allergens,
        "diets": item.diets,
        "photo": item.photo.url if item.photo else None,
        "course": item.course,
        "is_available": item.is_available,
        "stock": item.stock,
        "modifier_groups": [g.pk for g in item.modifier_groups.all()],
        "_window": _window(item),
    }


def _build(restaurant: Restaurant, lang: str) -> dict:
    """Read the menu from the database, without time-of-day availability."""
    groups: dict[int, dict] = {}
    categories: list[dict] = []
    for category in menu_categories(restaurant=restaurant):
        items = []
        for item in category.items.all():
            for group in item.modifier_groups.all():
                groups.setdefault(group.pk, _group(group, lang))
            items.append(_item(item, lang))
        if items:
            categories.append(
                {
                    "id": category.pk,
                    "name": category.tr("name", lang),
                    "items": items,
                    "_window": _window(category),
                }
            )
    return {
        "restaurant": {
            "slug": restaurant.slug,
            "name": restaurant.name,
            "currency": restaurant.currency,
            "languages": restaurant.languages,
        },
        "language": lang,
        "categories": categories,
        "modifier_groups": list(groups.values()),
    }


def _open(window: list[str | None], local: datetime.time) -> bool:
    start, end = (datetime.time.fromisoformat(t) if t else None for t in window)
    return time_in_window(local, start, end)


def _label(window: list[str | None]) -> str | None:
    return f"{window[0]}–{window[1]}" if window[0] and window[1] else None


def _at(menu: dict, local: datetime.time) -> dict:
    """Return a copy of a built menu with availability as of `local` time."""
    categories = []
    for category in menu["categories"]:
        category_open = _open(category["_window"], local)
        category_label = _label(category["_window"])
        items = []
        for item in category["items"]:
            shown = {key: value for key, value in item.items() if key != "_window"}
            shown["sold_out"] = not item["is_available"] or item["stock"] == 0
            shown["orderable_now"] = (
                not shown["sold_out"]
                and category_open
                and _open(item["_window"], local)
            )
            shown["window"] = _label(item["_window"]) or category_label
            items.append(shown)
        # What can be ordered now comes first; sold-out and out-of-hours
        # dishes stay visible (guests look for them) but below.
        items.sort(key=lambda entry: not entry["orderable_now"])
        categories.append(
            {
                "id": category["id"],
                "name": category["name"],
                "window": category_label,
                "items": items,
            }
        )
    categories.sort(
        key=lambda entry: not any(item["orderable_now"] for item in entry["items"])
    )
    return {**menu, "categories": categories}


def menu_data(
    *, restaurant: Restaurant, lang: str, now: datetime.datetime | None = None
) -> dict:
    """Return the restaurant's visible menu in `lang` as plain values."""
    key = f"menu:{restaurant.pk}:v{restaurant.menu_version}:{lang}"
    built = cache.get(key)
    if built is None:
        built = _build(restaurant, lang)
        cache.set(key, built, CACHE_SECONDS)
    local = (now or timezone.now()).astimezone(restaurant.tzinfo).time()
    return _at(built, local)


def availability_key(menu: dict) -> str:
    """Return a short fingerprint of what is orderable, for caching rendered HTML."""
    flags = "".join(
        "1" if item["orderable_now"] else "0"
        for category in menu["categories"]
        for item in category["items"]
    )
    return hashlib.blake2s(flags.encode(), digest_size=6).hexdigest()


def menu_language(restaurant: Restaurant, requested: str | None) -> str:
    """Return the requested language if the restaurant offers it, else its default."""
    requested = (requested or "")[:2]
    return (
        requested if requested in restaurant.languages else restaurant.default_language
    )
