"""The manager's payments page: the day's payments with refunds, and cards
held against walkouts. Plain forms, so it works on any laptop or tablet; the
payment services decide everything."""

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ordering.exceptions import DomainError
from ordering.manage.access import ManagerAccess, manager_page
from ordering.models import Restaurant
from ordering.money import format_money, price_parse
from ordering.payment_selectors import holds_in_place, payments_on_day
from ordering.services.payments import payment_refund
from ordering.services.payments.holds import hold_capture


def _day(restaurant: Restaurant, text: str) -> datetime.date:
    today = timezone.localdate(timezone=restaurant.tzinfo)
    try:
        day = datetime.date.fromisoformat(text) if text else today
    except ValueError:
        day = today
    return min(day, today)


def _act(request, restaurant: Restaurant) -> str:
    """Do what the form asked; return what to tell the manager."""
    if "capture" in request.POST:
        payment = hold_capture(
            payment_id=int(request.POST["capture"]), user=request.user
        )
        return _("Charged %(amount)s to the held card.") % {
            "amount": format_money(payment.total_minor, payment.currency, _lang())
        }
    payment_id = int(request.POST.get("payment", "0"))
    try:
        amount = price_parse(request.POST.get("amount", ""))
    except ValidationError:
        amount = 0
    if amount <= 0:
        raise DomainError(_("Write the amount to refund in euros, for example 12.50."))
    refund = payment_refund(
        payment_id=payment_id,
        amount_minor=amount,
        reason=request.POST.get("reason", ""),
        user=request.user,
    )
    return _("Refunded %(amount)s. Refund receipt %(number)s.") % {
        "amount": format_money(refund.amount_minor, restaurant.currency, _lang()),
        "number": refund.receipt.number,
    }


def _lang() -> str:
    return (get_language() or "fi")[:2]


def _rows(restaurant: Restaurant, day: datetime.date) -> list[dict]:
    lang = _lang()
    return [
        {
            "payment": p,
            "table": p.table_session.table.label,
            "receipt": next(
                (r.number for r in p.receipts.all() if r.kind == "sale"), None
            ),
            "total": format_money(p.total_minor, p.currency, lang),
            "refunded": format_money(p.refunded_minor, p.currency, lang)
            if p.refunded_minor
            else "",
            "refundable": p.total_minor - p.refunded_minor,
            "refundable_text": format_money(
                p.total_minor - p.refunded_minor, p.currency, lang
            ),
        }
        for p in payments_on_day(restaurant=restaurant, day=day)
    ]


def _holds(restaurant: Restaurant) -> list[dict]:
    lang = _lang()
    return [
        {
            "hold": held.hold,
            "table": held.hold.table_session.table.label,
            "is_open": held.hold.table_session.is_open,
            "amount": format_money(held.hold.total_minor, held.hold.currency, lang),
            "owed": format_money(held.owed_minor, held.hold.currency, lang),
            "charge": format_money(held.chargeable_minor, held.hold.currency, lang),
            "can_charge": held.owed_minor > 0,
        }
        for held in holds_in_place(restaurant=restaurant)
    ]


@never_cache
@require_http_methods(["GET", "POST"])
@manager_page
def payments_page(request, *, access: ManagerAccess):
    restaurant = access.restaurant
    error, done = None, request.GET.get("done", "")
    if request.method == "POST":
        try:
            done = _act(request, restaurant)
        except (DomainError, ValueError) as exc:
            error = getattr(exc, "message", None) or _("That did not go through.")
        else:
            # Post/redirect/get: a reload never refunds twice.
            query = request.GET.copy()
            query["restaurant"] = restaurant.slug
            query["done"] = done
            return redirect(f"{request.path}?{query.urlencode()}")
    day = _day(restaurant, request.GET.get("day", ""))
    rows = _rows(restaurant, day)
    return render(
        request,
        "staff/payments.html",
        {
            "access": access,
            "section": "payments",
            "restaurant": restaurant,
            "day": day,
            "previous_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1)
            if day < timezone.localdate(timezone=restaurant.tzinfo)
            else None,
            "rows": rows,
            "holds": _holds(restaurant),
            "day_total": format_money(
                sum(
                    r["payment"].total_minor - r["payment"].refunded_minor for r in rows
                ),
                restaurant.currency,
                _lang(),
            ),
            "error": error,
            "done": done,
        },
        status=400 if error else 200,
    )
