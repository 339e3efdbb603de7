"""Guest pages for paying: the table's bill and a payment's receipt."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ordering.bills import bill_data
from ordering.exceptions import DomainError, NotFoundError
from ordering.guest_pages import guest_page, page_context, problem_page
from ordering.models import Guest, OrderStatus, Receipt
from ordering.money import format_money
from ordering.payment_apis import stripe_config
from ordering.receipt_mail import receipt_email
from ordering.services.payments.holds import orders_wait_for_hold
from ordering.translation import pick


def _strings() -> dict[str, str]:
    return {
        "mine": _("Yours"),
        "claim": _("I'll pay this"),
        "someone": _("Someone else's"),
        "not_mine": _("Not mine"),
        "shared": _("Shared"),
        "paid": _("Paid"),
        "left": _("%(amount)s left"),
        "split_mine": _("My items"),
        "split_all": _("The whole bill"),
        "split_equal": _("Split equally"),
        "split_item": _("A share of one item"),
        "split_amount": _("An amount"),
        "people_left": _("People still to pay"),
        "parts": _("Shared between"),
        "which_item": _("Which item"),
        "amount": _("Amount"),
        "tip": _("Tip"),
        "no_tip": _("No tip"),
        "other_tip": _("Other"),
        "to_pay": _("To pay"),
        "pay": _("Pay %(amount)s"),
        "paying": _("Paying…"),
        "processing": _("Waiting for the bank's confirmation…"),
        "paid_thanks": _("Paid. Thank you!"),
        "failed": _("The payment did not go through: %(reason)s"),
        "receipt": _("Receipt"),
        "nothing_mine": _("Nothing of yours is left to pay."),
        "settled": _("Everything is paid. Thank you!"),
        "card_unavailable": _("Card payment is not available here; ask the staff."),
        "network": _("No connection. Check your network and try again."),
        "card": _("Card"),
    }


def _hold_strings() -> dict[str, str]:
    return {
        "holding": _("Holding the card…"),
        "held": _("Card held. Your order is on its way to the kitchen."),
        "failed": _("The card could not be held. Try another card or ask the staff."),
        "card_unavailable": _("Card payment is not available here; ask the staff."),
        "network": _("No connection. Check your network and try again."),
    }


def _hold_page(request, guest: Guest):
    """Where the walkout policy asks for it, the tab starts with a card hold."""
    context = page_context(guest)
    restaurant = context["restaurant"]
    context["stripe"] = stripe_config()
    context["hold_amount"] = format_money(
        restaurant.card_hold_minor, restaurant.currency, context["lang"]
    )
    context["boot"] = {
        "stripe": context["stripe"],
        "next": reverse("table-orders"),
        "currency": restaurant.currency,
        "lang": context["lang"],
    }
    context["strings"] = {**context["strings"], **_hold_strings()}
    return render(request, "guest/hold.html", context)


@never_cache
@require_GET
@guest_page
def table_bill(request, guest: Guest):
    session = guest.table_session
    if (
        orders_wait_for_hold(table_session_id=session.pk, restaurant=session.restaurant)
        and session.orders.filter(status=OrderStatus.AWAITING_PAYMENT).exists()
    ):
        return _hold_page(request, guest)
    context = page_context(guest)
    context["stripe"] = stripe_config()
    context["boot"] = {
        "bill": bill_data(table_session=guest.table_session, guest=guest),
        "stripe": context["stripe"],
        "guest": guest.pk,
        "order": request.GET.get("order"),
        "currency": context["restaurant"].currency,
        "lang": context["lang"],
    }
    context["strings"] = {**context["strings"], **_strings()}
    return render(request, "guest/bill.html", context)


def _receipt_for(guest: Guest, payment_id: int) -> Receipt:
    receipt = Receipt.objects.filter(
        payment_id=payment_id,
        payment__table_session_id=guest.table_session_id,
        kind="sale",
    ).first()
    if receipt is None:
        raise NotFoundError(_("There is no receipt for that payment yet."))
    return receipt


def _lines_in(receipt: Receipt, lang: str) -> list[dict]:
    return [
        {**line, "name": pick(line.get("names") or {}, lang) or line["name"]}
        for line in receipt.data["lines"]
    ]


@never_cache
@require_http_methods(["GET", "POST"])
@guest_page
def table_receipt(request, guest: Guest, payment_id: int):
    """Show a receipt; a POST sends it to the email address given."""
    context = page_context(guest)
    try:
        receipt = _receipt_for(guest, payment_id)
    except DomainError as error:
        return problem_page(request, error)
    lines = _lines_in(receipt, context["lang"])
    status = 200
    if request.method == "POST":
        email = request.POST.get("email", "")
        try:
            receipt_email(receipt=receipt, to=email, lines=lines)
        except DomainError as error:
            context.update(email=email, email_error=error.message)
            status = error.http_status
        else:
            url = reverse("table-receipt", args=[payment_id])
            return redirect(f"{url}?sent=1")
    context["sent"] = request.GET.get("sent") == "1"
    context["receipt"] = {**receipt.data, "lines": lines}
    return render(request, "guest/receipt.html", context, status=status)
