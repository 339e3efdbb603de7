"""Who is looking at a kitchen screen: a paired screen (by its cookie) or a
signed-in staff member (by their session), and what they may see."""

from dataclasses import dataclass

from rest_framework import authentication, exceptions

from kitchen.models import Screen, Station
from kitchen.selectors import screen_get_by_token
from kitchen.services.access import FLOOR_ROLES, KITCHEN_ROLES
from kitchen.services.tickets import station_for_code
from ordering.models import Restaurant
from ordering.selectors import restaurant_get, staff_roles

SCREEN_COOKIE = "tableside_screen"
# A paired screen stays paired for a year of daily use; revoking ends it.
SCREEN_COOKIE_MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class KitchenAccess:
    restaurant: Restaurant
    station: Station | None  # None: the expo view of every station
    screen: Screen | None = None
    user_id: int | None = None


def access_for(*, cookies, user, restaurant_slug: str, station_code: str):
    """Return what a request or websocket may see of a kitchen, or None.

    A paired screen sees its restaurant and station. Staff choose both by
    name and need a kitchen or floor role there.
    """
    screen = screen_get_by_token(token=(cookies or {}).get(SCREEN_COOKIE))
    if screen is not None:
        return KitchenAccess(
            restaurant=screen.restaurant, station=screen.station, screen=screen
        )
    if user is None or not user.is_authenticated:
        return None
    restaurant = restaurant_get(slug=restaurant_slug) if restaurant_slug else None
    if restaurant is None:
        return None
    if not staff_roles(user=user, restaurant_id=restaurant.pk) & (
        KITCHEN_ROLES | FLOOR_ROLES
    ):
        return None
    station = None
    if station_code:
        station = Station.objects.filter(
            restaurant=restaurant, code=station_code, is_active=True
        ).first()
        if (
            station is None
            and restaurant.menu_items.filter(station=station_code).exists()
        ):
            # The menu names the station, but no order has reached it yet.
            station = station_for_code(restaurant_id=restaurant.pk, code=station_code)
        if station is None:
            return None
    return KitchenAccess(restaurant=restaurant, station=station, user_id=user.pk)


class ScreenAuthentication(authentication.SessionAuthentication):
    """Authenticate a paired kitchen screen by its cookie (with CSRF)."""

    def authenticate(self, request):
        token = request._request.COOKIES.get(SCREEN_COOKIE)
        if not token:
            return None
        screen = screen_get_by_token(token=token)
        if screen is None:
            raise exceptions.AuthenticationFailed(
                "This screen is not paired any more. Pair it again."
            )
        self.enforce_csrf(request)
        return (request._request.user, screen)
