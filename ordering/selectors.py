"""Reads: querysets with the joins each screen needs, and nothing that writes."""

import hashlib
from collections import OrderedDict

from django.db.models import Prefetch, QuerySet

from ordering.models import (
    PLACED_STATUSES,
    Guest,
    MenuCategory,
    MenuItem,
    Modifier,
    ModifierGroup,
    Order,
    OrderLine,
    OrderStatus,
    Restaurant,
    StaffMember,
    Table,
    TableSession,
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def restaurant_get(*, slug: str) -> Restaurant | None:
    return Restaurant.objects.filter(slug=slug, is_active=True).first()


def guest_get_by_token(*, token: str | None) -> Guest | None:
    """Return the guest a phone's token belongs to, with its table and restaurant."""
    if not token:
        return None
    return (
        Guest.objects.select_related(
            "table_session__table__area", "table_session__restaurant"
        )
        .filter(token_hash=token_hash(token))
        .first()
    )


def menu_items_for_pricing(
    *, restaurant_id: int, item_ids: list[int] | None
) -> dict[int, MenuItem]:
    """Return menu items (all when `item_ids` is None) with their category and
    choices, keyed by id."""
    items = MenuItem.objects.filter(restaurant_id=restaurant_id)
    if item_ids is not None:
        items = items.filter(pk__in=item_ids)
    items = items.select_related("category").prefetch_related(
        Prefetch(
            "modifier_groups",
            queryset=ModifierGroup.objects.prefetch_related("modifiers"),
        )
    )
    return {item.pk: item for item in items}


# (restaurant id, menu version) -> items. In process memory, not the shared
# cache: unpickling a menu's objects costs as much as querying them. The key
# holds the version read from the database, so every process sees an edit.
_PRICING: OrderedDict[tuple[int, int], dict[int, MenuItem]] = OrderedDict()
_PRICING_SIZE = 64


def menu_for_pricing_forget() -> None:
    """Drop every kept menu (tests: ids are reused after a rollback)."""
    _PRICING.clear()


def menu_for_pricing(*, restaurant: Restaurant) -> dict[int, MenuItem]:
    """Return every menu item with its category and choices, keyed by id.

    Kept per menu version: each cart line and placed order prices against
    it, and any menu edit bumps the version (`ordering.signals`). Portions
    left are checked again under a row lock when an order is placed. The
    objects are shared between requests: read them, never change them.
    """
    key = (restaurant.pk, restaurant.menu_version)
    items = _PRICING.get(key)
    if items is None:
        items = menu_items_for_pricing(restaurant_id=restaurant.pk, item_ids=None)
        _PRICING[key] = items
        while len(_PRICING) > _PRICING_SIZE:
            _PRICING.popitem(last=False)
    return items


def menu_categories(*, restaurant: Restaurant) -> list[MenuCategory]:
    """Return the visible categories with items and their choices prefetched."""
    items = MenuItem.objects.order_by("position", "id").prefetch_related(
        Prefetch(
            "modifier_groups",
            queryset=ModifierGroup.objects.prefetch_related(
                Prefetch(
                    "modifiers", queryset=Modifier.objects.order_by("position", "id")
                )
            ),
        )
    )
    return list(
        MenuCategory.objects.filter(restaurant=restaurant, is_active=True)
        .order_by("position", "id")
        .prefetch_related(Prefetch("items", queryset=items))
    )


def _lines() -> Prefetch:
    return Prefetch("lines", queryset=OrderLine.objects.order_by("id"))


def cart_get(*, guest: Guest) -> Order | None:
    return (
        Order.objects.filter(guest=guest, status=OrderStatus.DRAFT)
        .prefetch_related(_lines())
        .first()
    )


def table_session_orders(*, table_session_id: int) -> QuerySet[Order]:
    """Return a session's placed orders, oldest first, with their lines."""
    return (
        Order.objects.filter(
            table_session_id=table_session_id,
            status__in=[*PLACED_STATUSES, OrderStatus.CANCELLED],
        )
        .order_by("placed_at", "id")
        .prefetch_related(_lines())
    )


def order_get_for_session(*, table_session_id: int, order_id: int) -> Order | None:
    return (
        Order.objects.filter(pk=order_id, table_session_id=table_session_id)
        .exclude(status=OrderStatus.DRAFT)
        .prefetch_related(_lines())
        .first()
    )


def table_get(*, table_id: int) -> Table | None:
    return (
        Table.objects.select_related("restaurant", "area").filter(pk=table_id).first()
    )


def table_session_get(*, table_session_id: int) -> TableSession | None:
    return (
        TableSession.objects.select_related("table", "restaurant")
        .filter(pk=table_session_id)
        .first()
    )


def staff_roles(*, user, restaurant_id: int) -> set[str]:
    """Return the user's active roles at a restaurant (empty for outsiders)."""
    if not user or not user.is_authenticated or not user.is_active:
        return set()
    return set(
        StaffMember.objects.filter(
            user=user, restaurant_id=restaurant_id, is_active=True
        ).values_list("role", flat=True)
    )


def staff_restaurants(*, user) -> QuerySet[Restaurant]:
    return Restaurant.objects.filter(
        staff__user=user, staff__is_active=True, is_active=True
    ).distinct()


def table_session_snapshot(*, table_session_id: int) -> dict:
    """Return everything a phone at the table shows, as plain JSON values."""
    from ordering.serializers import order_data

    session = table_session_get(table_session_id=table_session_id)
    if session is None:
        return {"table_session": None, "orders": []}
    orders = table_session_orders(table_session_id=table_session_id).select_related(
        "restaurant"
    )
    return {
        "table_session": {
            "id": session.pk,
            "table": session.table.label,
            "status": session.status,
        },
        "orders": [order_data(order) for order in orders],
    }


def table_session_digest(*, table_session_id: int) -> dict:
    """Return the count and version total of a session's placed orders, and
    the menu's version.

    A phone compares them with what it shows; any missed update makes them
    differ.
    """
    versions = list(
        Order.objects.filter(table_session_id=table_session_id)
        .exclude(status=OrderStatus.DRAFT)
        .values_list("version", flat=True)
    )
    menu_version = (
        TableSession.objects.filter(pk=table_session_id)
        .values_list("restaurant__menu_version", flat=True)
        .first()
    )
    return {
        "orders": len(versions),
        "versions": sum(versions),
        "menu_version": menu_version,
    }
