"""The thank-you a guest gets for a payment, naming the dishes they had."""

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from loyalty.models import Message, MessageKind
from loyalty.selectors import member_for_guest, points_balance
from loyalty.services.messages.gate import message_send
from loyalty.services.messages.links import _public_url, feedback_token_make
from ordering.exceptions import NotFoundError
from ordering.models import Guest, OrderLine, Payment, PaymentStatus
from ordering.translation import pick


def _join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return _("%(list)s and %(last)s") % {
        "list": ", ".join(names[:-1]),
        "last": names[-1],
    }


def _paid_dishes(
    payment: Payment, lang: str, *, guest_id: int | None = None
) -> list[str]:
    """Return the names of what the payment paid for (of `guest_id`'s items,
    if given), most expensive first."""
    lines = OrderLine.objects.filter(allocations__payment=payment)
    if guest_id is not None:
        lines = lines.filter(
            Q(bill_guest_id=guest_id) | Q(bill_guest__isnull=True, added_by_id=guest_id)
        )
    if not lines.exists() and payment.guest_id is not None:
        lines = OrderLine.objects.filter(
            order__table_session_id=payment.table_session_id,
            order__guest_id=payment.guest_id,
            voided_at__isnull=True,
        )
    names: list[str] = []
    for line in lines.order_by("-line_total_minor", "id"):
        name = pick(line.name, lang)
        if name not in names:
            names.append(name)
    return names[:4]


def thank_you_send_for_payment(*, payment_id: int) -> list[Message]:
    """Thank whoever a succeeded payment was for; return the messages.

    The guest who paid from their phone; for a payment taken at the till
    (no paying phone), every phone at the table whose items it paid, each
    for their own items.
    """
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        raise NotFoundError()
    if payment.guest_id is not None:
        message = thank_you_send(payment_id=payment_id)
        return [message] if message else []
    owners = sorted(
        {
            owner
            for owner in OrderLine.objects.filter(
                allocations__payment=payment
            ).values_list(Coalesce("bill_guest_id", "added_by_id"), flat=True)
            if owner is not None
        }
    )
    sent = [thank_you_send(payment_id=payment_id, guest_id=g) for g in owners]
    return [message for message in sent if message]


def thank_you_send(*, payment_id: int, guest_id: int | None = None) -> Message | None:
    """Thank the guest who paid (or `guest_id`, a guest at the table whose
    items a payment at the till paid), by name, for what they had, with a
    link to give feedback; return the message record (None if the payment
    has not succeeded).

    Transactional (see the module docstring): it needs no marketing consent
    and goes out at once. A member gets it by email (or SMS); every guest
    also sees it on their phone at the table. Call after the payment
    succeeded; calling again for the same payment does nothing new.
    """
    payment = (
        Payment.objects.select_related("guest", "restaurant", "table_session")
        .filter(pk=payment_id)
        .first()
    )
    if payment is None:
        raise NotFoundError()
    if payment.status != PaymentStatus.SUCCEEDED:
        return None
    key = f"thank_you:payment:{payment.pk}"
    guest = payment.guest
    if guest_id is not None:
        guest = Guest.objects.filter(
            pk=guest_id, table_session_id=payment.table_session_id
        ).first()
        if guest is None:
            raise NotFoundError()
        key = f"{key}:guest:{guest.pk}"
    member = None
    if guest is not None:
        member = member_for_guest(guest_id=guest.pk)
    restaurant = payment.restaurant
    lang = (
        (member.language if member else "")
        or (guest.language if guest else "")
        or restaurant.default_language
    )
    url = _public_url(
        reverse(
            "loyalty-feedback",
            args=[
                feedback_token_make(
                    table_session_id=payment.table_session_id,
                    guest_id=guest.pk if guest else None,
                )
            ],
        )
    )
    with translation.override(lang):
        name = (member.first_name if member else "") or (
            guest.display_name if guest else ""
        )
        dishes = _join_names(_paid_dishes(payment, lang, guest_id=guest_id))
        subject = _("Thank you for visiting %(restaurant)s") % {
            "restaurant": restaurant.name
        }
        greeting = (
            _("Thank you, %(name)s!") % {"name": name} if name else _("Thank you!")
        )
        lines = [greeting]
        if dishes:
            lines.append(_("We hope you enjoyed your %(dishes)s.") % {"dishes": dishes})
        if member is not None:
            balance = points_balance(member_id=member.pk)
            lines.append(
                _("Your loyalty card now has %(points)d points.") % {"points": balance}
            )
        lines.append(
            _("How was it? Tell us in a minute (only the restaurant reads it): %(url)s")
            % {"url": url}
        )
        lines.append(
            _("See you again, %(restaurant)s") % {"restaurant": restaurant.name}
        )
    return message_send(
        restaurant_id=restaurant.pk,
        kind=MessageKind.THANK_YOU,
        subject=subject,
        body="\n\n".join(lines),
        key=key,
        member=member,
        guest=guest,
        data={"url": url},
    )
