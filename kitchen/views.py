"""Kitchen pages: the display itself, pairing a screen, and the manager's
list of screens. Thin: services do the work, the display's script talks to
the REST API and the websocket."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kitchen.access import access_for
from kitchen.apis import set_screen_cookie
from kitchen.exceptions import PairingError
from kitchen.models import Screen, Station
from kitchen.selectors import live_station_ids
from kitchen.services.access import MANAGER_ROLES
from kitchen.services.screens import (
    screen_pair,
    screen_pairing_create,
    screen_revoke,
)
from ordering.exceptions import DomainError
from ordering.models import StaffRole
from ordering.selectors import staff_restaurants, staff_roles
from ordering.services.staff import staff_require


def _strings() -> dict[str, str]:
    return {
        "start": _("Start"),
        "bump": _("Ready"),
        "recall": _("Recall"),
        "unstart": _("Undo"),
        "serve": _("Served"),
        "fire": _("Fire course %(course)s"),
        "held": _("Held: course %(course)s"),
        "course": _("Course %(course)s"),
        "table": _("Table %(label)s"),
        "order": _("#%(number)s"),
        "all_day": _("All day"),
        "sold_out": _("Sold out"),
        "left": _("%(count)s left"),
        "available": _("Available"),
        "eighty_six": _("Sold out?"),
        "save": _("Save"),
        "expo": _("Expo"),
        "ready_to_serve": _("Ready to serve"),
        "waiting_for": _("Waiting for %(stations)s"),
        "no_tickets": _("No tickets. New orders appear here at once."),
        "live": _("Live"),
        "reconnecting": _("Reconnecting…"),
        "resyncing": _("Catching up…"),
        "tap_to_start": _("Tap to start the kitchen screen"),
        "unpaired": _("This screen was unpaired by a manager."),
        "alert_ticket": _("Table %(table)s #%(number)s not confirmed by a screen"),
        "alert_station": _("No live screen at %(station)s"),
        "allergens": _("Allergens"),
        "note": _("Note"),
        "error": _("That did not go through. Check the connection and try again."),
        "close": _("Close"),
        "portions": _("Portions left"),
        "status_received": _("New"),
        "status_preparing": _("Preparing"),
        "status_ready": _("Ready"),
        "new_ticket": _("New ticket"),
    }


@never_cache
def display(request):
    access = access_for(
        cookies=request.COOKIES,
        user=request.user,
        restaurant_slug=request.GET.get("restaurant", ""),
        station_code=request.GET.get("station", ""),
    )
    if access is None:
        if not request.user.is_authenticated:
            return redirect("kitchen-pair")
        return _choose(request)
    query = {}
    if access.screen is None:
        query = {"restaurant": access.restaurant.slug}
        if access.station:
            query["station"] = access.station.code
    station = access.station
    boot = {
        "restaurant": {"id": access.restaurant.pk, "name": access.restaurant.name},
        "station": (
            {"id": station.pk, "code": station.code, "name": station.name}
            if station
            else None
        ),
        "screen": access.screen.pk if access.screen else None,
        "query": urlencode(query),
        "lang": (get_language() or "fi")[:2],
        "menu_lang": access.restaurant.default_language,
        "strings": _strings(),
    }
    return render(
        request,
        "kitchen/display.html",
        {
            "boot": boot,
            "access": access,
            "title": station.name if station else _("Expo"),
        },
    )


def _choose(request):
    """Let staff pick which restaurant's kitchen and station to open."""
    restaurants = []
    for restaurant in staff_restaurants(user=request.user):
        base = reverse("kitchen-display")
        links = [(_("Expo"), f"{base}?{urlencode({'restaurant': restaurant.slug})}")]
        for station in Station.objects.filter(restaurant=restaurant, is_active=True):
            query = urlencode({"restaurant": restaurant.slug, "station": station.code})
            links.append((station.name, f"{base}?{query}"))
        restaurants.append((restaurant, links))
    return render(
        request,
        "kitchen/choose.html",
        {"restaurants": restaurants},
        status=200 if restaurants else 403,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def pair(request):
    error = None
    if request.method == "POST":
        try:
            _screen, token = screen_pair(
                code=request.POST.get("code", ""),
                client_key=request.META.get("REMOTE_ADDR", "unknown"),
            )
        except PairingError as exc:
            error = exc.message
        else:
            response = redirect("kitchen-display")
            set_screen_cookie(response, token)
            return response
    return render(
        request, "kitchen/pair.html", {"error": error}, status=400 if error else 200
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def screens(request):
    """The manager's page: pair a new screen, see which are live, revoke."""
    managed = [
        r
        for r in staff_restaurants(user=request.user)
        if staff_roles(user=request.user, restaurant_id=r.pk) & MANAGER_ROLES
    ]
    restaurant = next(
        (r for r in managed if r.slug == request.GET.get("restaurant")),
        managed[0] if managed else None,
    )
    if restaurant is None:
        return render(
            request,
            "guest/problem.html",
            {
                "message": _("Only managers can pair kitchen screens."),
                "code": "forbidden",
            },
            status=403,
        )
    staff_require(
        user=request.user,
        restaurant_id=restaurant.pk,
        roles={StaffRole.OWNER, StaffRole.MANAGER},
    )
    pairing, error = None, None
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                screen_revoke(screen_id=int(request.POST["revoke"]), user=request.user)
            else:
                station = request.POST.get("station") or None
                pairing = screen_pairing_create(
                    restaurant_id=restaurant.pk,
                    name=request.POST.get("name", ""),
                    station_id=int(station) if station else None,
                    user=request.user,
                )
        except (DomainError, ValueError) as exc:
            error = getattr(exc, "message", str(exc))
    live, expo_live = live_station_ids(restaurant_id=restaurant.pk)
    return render(
        request,
        "kitchen/screens.html",
        {
            "restaurant": restaurant,
            "managed": managed,
            "stations": Station.objects.filter(restaurant=restaurant, is_active=True),
            "screens": Screen.objects.filter(restaurant=restaurant).select_related(
                "station"
            ),
            "live_stations": live,
            "expo_live": expo_live,
            "pairing": pairing,
            "error": error,
        },
    )
