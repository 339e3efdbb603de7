"""What every guest page shares: finding the guest, the error page, the
texts page scripts show, and the context each template starts from."""

from collections.abc import Callable
from functools import wraps

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ordering.exceptions import DomainError, TableClosedError
from ordering.guest_auth import guest_from_request
from ordering.menus import menu_language
from ordering.models import Guest


def problem_page(request, error: DomainError):
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


def page_strings() -> dict[str, str]:
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
        "pay_now": _("Pay now"),
        # Calling the staff (calls.js).
        "calls_button": _("Call staff"),
        "calls_title": _("What can we bring you?"),
        "close": _("Close"),
        "call_waiter": _("Call the waiter"),
        "call_bill": _("Bring the bill"),
        "call_help": _("Ask for help"),
        "call_reason": _("Help with what? (optional)"),
        "call_cancel": _("Cancel"),
        "call_waiter_open": _("Waiter called. Waiting for an answer…"),
        "call_bill_open": _("Bill asked for. Waiting for an answer…"),
        "call_help_open": _("Help asked for. Waiting for an answer…"),
        "call_waiter_coming": _("A waiter is on the way."),
        "call_bill_coming": _("The bill is on the way."),
        "call_help_coming": _("Help is on the way."),
    }


def page_context(guest: Guest) -> dict:
    session = guest.table_session
    restaurant = session.restaurant
    return {
        "guest": guest,
        "table": session.table,
        "restaurant": restaurant,
        "lang": menu_language(restaurant, get_language()),
        "strings": page_strings(),
        "urls": {"bill": reverse("table-bill"), "orders": reverse("table-orders")},
    }


def _current_guest(request) -> Guest | None:
    guest = guest_from_request(request)
    if guest is not None and not guest.table_session.is_open:
        raise TableClosedError()
    return guest


def guest_page(view: Callable) -> Callable:
    """Call ``view(request, guest, ...)`` for a guest at an open table;
    anyone else gets a page saying what to do (scan the QR code)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            guest = _current_guest(request)
        except DomainError as error:
            return problem_page(request, error)
        if guest is None:
            return _no_guest(request)
        return view(request, guest, *args, **kwargs)

    return wrapper
