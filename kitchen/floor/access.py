"""Who may look at a restaurant's floor: its owners, managers and waiters,
signed in with their own login."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kitchen.services.access import FLOOR_ROLES, MANAGER_ROLES
from ordering.exceptions import NotFoundError, PermissionDeniedError
from ordering.models import Restaurant, StaffMember, TableSession
from ordering.services.staff import staff_require


@dataclass(frozen=True)
class FloorAccess:
    restaurant: Restaurant
    user_id: int
    roles: frozenset[str]

    @property
    def is_manager(self) -> bool:
        return bool(self.roles & MANAGER_ROLES)


def floor_restaurants(*, user) -> QuerySet[Restaurant]:
    """Return the active restaurants where the user works in a floor role."""
    if not user or not user.is_authenticated or not user.is_active:
        return Restaurant.objects.none()
    return Restaurant.objects.filter(
        is_active=True,
        staff__user=user,
        staff__is_active=True,
        staff__role__in=FLOOR_ROLES,
    ).distinct()


def floor_access(*, user, restaurant_slug: str = "") -> FloorAccess | None:
    """Return what the user may see of a restaurant's floor, or None.

    Without a slug, a user who works on one floor only gets that one.
    """
    restaurants = list(floor_restaurants(user=user))
    if restaurant_slug:
        restaurants = [r for r in restaurants if r.slug == restaurant_slug]
    if len(restaurants) != 1:
        return None
    restaurant = restaurants[0]
    roles = frozenset(
        StaffMember.objects.filter(
            user=user, restaurant=restaurant, is_active=True
        ).values_list("role", flat=True)
    )
    return FloorAccess(restaurant=restaurant, user_id=user.pk, roles=roles)


def floor_access_require(*, user, restaurant_slug: str) -> FloorAccess:
    """Return the user's access to the named floor; raise if there is none."""
    access = floor_access(user=user, restaurant_slug=restaurant_slug)
    if access is None:
        raise PermissionDeniedError(
            _("You do not work on the floor of this restaurant.")
            if restaurant_slug
            else _("Name the restaurant whose floor to show.")
        )
    return access


def floor_session_require(*, user, table_session_id: int) -> TableSession:
    """Return a table session the user may see on the floor; raise otherwise."""
    session = TableSession.objects.filter(pk=table_session_id).first()
    if session is None:
        raise NotFoundError()
    staff_require(user=user, restaurant_id=session.restaurant_id, roles=FLOOR_ROLES)
    return session
