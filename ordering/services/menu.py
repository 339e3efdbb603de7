"""Menu edits: whatever changes what guests see goes through `menu_changed`."""

from django.db.models import F

from ordering.models import Restaurant


def menu_changed(*, restaurant_id: int) -> None:
    """Record that a restaurant's menu changed, retiring every cached copy."""
    Restaurant.objects.filter(pk=restaurant_id).update(
        menu_version=F("menu_version") + 1
    )
