"""The menu as guests read it: one language, availability as of now."""

import datetime

from django.utils import timezone

from ordering.models import MenuCategory, MenuItem, ModifierGroup, Restaurant
from ordering.selectors import menu_categories
from ordering.translation import pick


def _window(obj) -> str | None:
    if obj.available_from is None or obj.available_until is None:
        return None
    return f"{obj.available_from:%H:%M}–{obj.available_until:%H:%M}"


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


def _item(
    item: MenuItem, category: MenuCategory, lang: str, local: datetime.time
) -> dict:
    in_window = category.is_in_window(local) and item.is_in_window(local)
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
        "orderable_now": item.is_available and in_window,
        "window": _window(item) or _window(category),
        "modifier_groups": [g.pk for g in item.modifier_groups.all()],
    }


def menu_data(
    *, restaurant: Restaurant, lang: str, now: datetime.datetime | None = None
) -> dict:
    """Return the restaurant's visible menu in `lang` as plain values."""
    local = (now or timezone.now()).astimezone(restaurant.tzinfo).time()
    groups: dict[int, dict] = {}
    categories: list[dict] = []
    for category in menu_categories(restaurant=restaurant):
        items: list[dict] = []
        for item in category.items.all():
            for group in item.modifier_groups.all():
                groups.setdefault(group.pk, _group(group, lang))
            items.append(_item(item, category, lang, local))
        # What can be ordered now comes first; sold-out and out-of-hours dishes
        # stay visible (guests look for them) but below.
        items.sort(key=lambda entry: not entry["orderable_now"])
        if items:
            categories.append(
                {
                    "id": category.pk,
                    "name": category.tr("name", lang),
                    "window": _window(category),
                    "items": items,
                }
            )
    categories.sort(
        key=lambda entry: not any(item["orderable_now"] for item in entry["items"])
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


def menu_language(restaurant: Restaurant, requested: str | None) -> str:
    """Return the requested language if the restaurant offers it, else its default."""
    requested = (requested or "")[:2]
    return (
        requested if requested in restaurant.languages else restaurant.default_language
    )
