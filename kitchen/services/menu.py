"""86 from the kitchen: a screen or the kitchen staff mark dishes sold out."""

from kitchen.services.access import KITCHEN_ROLES, Actor, kitchen_require
from ordering.exceptions import NotFoundError
from ordering.models import MenuItem
from ordering.services.menu import menu_item_availability_set


def item_availability_set(
    *, item_id: int, is_available: bool, stock: int | None, by: Actor
) -> MenuItem:
    """Mark a dish sold out, back on, or with a number of portions left."""
    restaurant_id = (
        MenuItem.objects.filter(pk=item_id)
        .values_list("restaurant_id", flat=True)
        .first()
    )
    if restaurant_id is None:
        raise NotFoundError()
    kitchen_require(by=by, restaurant_id=restaurant_id, roles=KITCHEN_ROLES)
    return menu_item_availability_set(
        item_id=item_id,
        restaurant_id=restaurant_id,
        is_available=is_available,
        stock=stock,
    )
