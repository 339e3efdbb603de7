"""Guest pages. Server-rendered for a fast first paint on a slow phone; the
page script then talks to the REST API and the table's websocket."""

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ordering.dietary import ALLERGENS, DIETS
from ordering.exceptions import DomainError, TableClosedError
from ordering.guest_auth import guest_from_request, remember_guest, session_token
from ordering.menus import availability_key, menu_data, menu_language
from ordering.models import Guest, LineStatus, OrderStatus
from ordering.selectors import cart_get, table_session_snapshot
from ordering.serializers import OrderOutputSerializer
from ordering.services.tables import table_session_join


def _problem(request, error: DomainError):
    return render(
        request,
        "guest/problem.html",
        {"message": error.message, "code": error.code},
        status=error.http_status,
    )


def _no_guest(request):
    return render(
        request,
        "guest/problem.html",
        {
            "message": _("Scan the QR code on your table to see the menu and order."),
            "code": "no_table",
        },
        status=403,
    )


def _strings() -> dict[str, str]:
    """Return the texts the page scripts show, in the active language."""
    return {
        "add": _("Add"),
        "added": _("Added to the cart."),
        "choose_one": _("Choose one"),
        "choose_up_to": _("Choose up to %(max)s"),
        "choose_between": _("Choose %(min)s to %(max)s"),
        "choose_at_least": _("Choose at least %(min)s"),
        "optional": _("Optional"),
        "required_missing": _("Make a choice for: %(group)s"),
        "sold_out": _("Sold out"),
        "only_left": _("Only %(count)s left"),
        "line_unavailable": _("No longer available: remove it to place the order."),
        "not_now": _("Not available right now."),
        "remove": _("Remove"),
        "one_less": _("One less"),
        "one_more": _("One more"),
        "network": _("No connection. Check your network and try again."),
        "placing": _("Placing the order…"),
        "contains": _("Contains:"),
        "order_number": _("Order #%(number)s"),
        "by_you": _("You"),
        "by_table": _("Someone at your table"),
        "total": _("Total"),
        "live": _("Live: updates appear here by themselves."),
        "reconnecting": _("Connection lost. Reconnecting…"),
        "ended": _("This visit has ended. Thank you!"),
        "rescan": _("Scan the QR code on your table again."),
    }


def _page_context(guest: Guest) -> dict:
    session = guest.table_session
    restaurant = session.restaurant
    return {
        "guest": guest,
        "table": session.table,
        "restaurant": restaurant,
        "lang": menu_language(restaurant, get_language()),
        "strings": _strings(),
    }


@require_GET
def healthz(request):
    """Answer load balancers: the process serves requests (no database)."""
    return JsonResponse({"ok": True})


@require_GET
def favicon(request):
    """Point browsers that ask for /favicon.ico at the real icon."""
    return redirect(static("tableside/favicon.svg"), permanent=True)


@require_GET
def home(request):
    return render(request, "home.html")


@require_GET
def table_scan(request, code: str):
    """Join the table named by a QR code and go to its menu."""
    try:
        _guest, token = table_session_join(
            code=code,
            current_token=session_token(request.session),
            language=get_language() or "",
        )
    except DomainError as error:
        return _problem(request, error)
    remember_guest(request, token)
    return redirect("table-menu")


def _current_guest(request) -> Guest | None:
    guest = guest_from_request(request)
    if guest is not None and not guest.table_session.is_open:
        raise TableClosedError()
    return guest


@never_cache
@require_GET
def table_menu(request):
    try:
        guest = _current_guest(request)
    except DomainError as error:
        return _problem(request, error)
    if guest is None:
        return _no_guest(request)
    context = _page_context(guest)
    menu = menu_data(restaurant=context["restaurant"], lang=context["lang"])
    cart = cart_get(guest=guest)
    context.update(
        menu=menu,
        menu_key=availability_key(menu),
        allergens=ALLERGENS,
        diets=DIETS,
        boot={
            "groups": {g["id"]: g for g in menu["modifier_groups"]},
            "cart": OrderOutputSerializer(cart).data if cart else None,
            "currency": context["restaurant"].currency,
            "lang": context["lang"],
            "menu_url": reverse("api-menu", args=[context["restaurant"].slug]),
            "menu_version": context["restaurant"].menu_version,
        },
    )
    return render(request, "guest/menu.html", context)


@never_cache
@require_GET
def table_orders(request):
    try:
        guest = _current_guest(request)
    except DomainError as error:
        return _problem(request, error)
    if guest is None:
        return _no_guest(request)
    context = _page_context(guest)
    context["boot"] = {
        "snapshot": table_session_snapshot(table_session_id=guest.table_session_id),
        "guest": guest.pk,
        "currency": context["restaurant"].currency,
        "lang": context["lang"],
        "status_labels": {k: str(v) for k, v in OrderStatus.choices},
        "line_labels": {k: str(v) for k, v in LineStatus.choices},
        "steps": [
            OrderStatus.RECEIVED,
            OrderStatus.PREPARING,
            OrderStatus.READY,
            OrderStatus.SERVED,
        ],
    }
    return render(request, "guest/orders.html", context)
