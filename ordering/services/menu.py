"""Menu edits: whatever changes what guests see goes through here."""

from django.db import transaction
from django.db.models import F

from kitchen.events import KITCHEN, publish_on_commit, publish_on_stream
from kitchen.groups import kitchen_group, menu_group
from ordering.exceptions import NotFoundError
from ordering.models import MenuItem, Restaurant


def menu_changed(*, restaurant_id: int) -> None:
    """Record that a restaurant's menu changed, retiring every cached copy."""
    Restaurant.objects.filter(pk=restaurant_id).update(
        menu_version=F("menu_version") + 1
    )


def _availability(item: MenuItem) -> dict:
    return {
        "id": item.pk,
        "is_available": item.is_available,
        "stock": item.stock,
        "sold_out": not item.is_available or item.stock == 0,
    }


def menu_items_changed(*, restaurant_id: int, item_ids: list[int]) -> None:
    """Tell every open guest menu and kitchen screen about items' availability.

    Call inside the transaction that changed them.
    """
    menu_changed(restaurant_id=restaurant_id)
    items = MenuItem.objects.filter(restaurant_id=restaurant_id, pk__in=item_ids)
    data = {"items": [_availability(item) for item in items.order_by("pk")]}
    version = Restaurant.objects.values_list("menu_version", flat=True).get(
        pk=restaurant_id
    )
    publish_on_commit(
        groups=[menu_group(restaurant_id)],
        event="menu.items_changed",
        version=version,
        data=data,
    )
    publish_on_stream(
        restaurant_id=restaurant_id,
        stream=KITCHEN,
        group=kitchen_group(restaurant_id),
        event="menu.items_changed",
        version=version,
        data=data,
    )


@transaction.atomic
def menu_item_availability_set(
    *, item_id: int, restaurant_id: int, is_available: bool, stock: int | None
) -> MenuItem:
    """Mark a dish sold out or back, or set how many portions are left.

    The caller has checked that whoever asks may do this.
    """
    item = (
        MenuItem.objects.select_for_update()
        .filter(pk=item_id, restaurant_id=restaurant_id)
        .first()
    )
    if item is None:
        raise NotFoundError()
    item.is_available = is_available
    item.stock = stock
    item.full_clean()
    item.save(update_fields=["is_available", "stock", "updated_at"])
    menu_items_changed(restaurant_id=restaurant_id, item_ids=[item.pk])
    return item
