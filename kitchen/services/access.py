"""Who may act on a restaurant's kitchen: its paired screens, and its staff
in the right roles."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from kitchen.models import Screen
from ordering.exceptions import PermissionDeniedError
from ordering.models import StaffRole
from ordering.services.staff import staff_require

KITCHEN_ROLES: set[str] = {StaffRole.OWNER, StaffRole.MANAGER, StaffRole.KITCHEN}
# Waiters fire courses and mark food served; they don't cook.
FLOOR_ROLES: set[str] = {StaffRole.OWNER, StaffRole.MANAGER, StaffRole.WAITER}
MANAGER_ROLES: set[str] = {StaffRole.OWNER, StaffRole.MANAGER}

Actor = Screen | object  # a paired Screen, or a Django user


def kitchen_require(*, by: Actor, restaurant_id: int, roles: Iterable[str]) -> None:
    """Raise unless `by` is a live screen of the restaurant or staff in `roles`."""
    if isinstance(by, Screen):
        if by.restaurant_id != restaurant_id or not by.is_active:
            raise PermissionDeniedError(
                _("This screen is not paired with this restaurant any more.")
            )
        return
    staff_require(user=by, restaurant_id=restaurant_id, roles=roles)
