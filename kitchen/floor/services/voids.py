"""Voiding ordered lines: taken off the bill with a reason, and off the
kitchen's tickets if they are still to be cooked.

Above the restaurant's `void_approval_over_minor` a waiter's void waits for
a manager, who approves it on their own login. Managers void directly.

Locks follow the kitchen's order: the ticket, then the order line, then the
order (`order_progress_sync`).
"""

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kitchen.events import KITCHEN, publish_on_stream
from kitchen.floor.exceptions import VoidError
from kitchen.floor.models import LineVoid, VoidStatus
from kitchen.floor.selectors.payloads import void_data, voids_with_details
from kitchen.floor.services.common import floor_publish
from kitchen.groups import kitchen_group
from kitchen.models import Ticket, TicketLine, TicketStatus
from kitchen.selectors import ticket_data, tickets_with_details
from kitchen.services.access import FLOOR_ROLES, MANAGER_ROLES
from kitchen.services.progress import lines_follow_ticket, order_progress_sync

# The kitchen fires a held course once everything before it is finished; a
# course whose last dish is voided is finished too. No public name exists
# for this step yet.
from kitchen.services.tickets import _fire_next_course
from ordering.exceptions import NotFoundError
from ordering.models import (
    HOLDING_STATUSES,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    PaymentAllocation,
)
from ordering.services.staff import staff_require

REASON_MAX_LENGTH = 200


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise VoidError(_("Say why the line is voided."), code="void_reason_missing")
    if len(reason) > REASON_MAX_LENGTH:
        raise VoidError(
            _("Keep the reason under 200 characters."), code="void_reason_too_long"
        )
    return reason


def _lock_line(order_line_id: int) -> tuple[OrderLine, Ticket | None]:
    """Lock a line's ticket (if it has one), then the line."""
    ticket_id = (
        TicketLine.objects.filter(order_line_id=order_line_id)
        .values_list("ticket_id", flat=True)
        .first()
    )
    ticket = (
        Ticket.objects.select_for_update().get(pk=ticket_id)
        if ticket_id is not None
        else None
    )
    line = (
        OrderLine.objects.select_for_update()
        .select_related("order__restaurant")
        .filter(pk=order_line_id)
        .first()
    )
    if line is None:
        raise NotFoundError(_("That order line does not exist."), code="unknown_line")
    return line, ticket


def _check_voidable(line: OrderLine) -> None:
    if line.order.status == OrderStatus.DRAFT:
        raise VoidError(_("This dish is still in a cart: remove it there."))
    if line.status == LineStatus.CANCELLED:
        raise VoidError(_("This line is already voided."))
    if PaymentAllocation.objects.filter(
        order_line=line, payment__status__in=HOLDING_STATUSES
    ).exists():
        raise VoidError(
            _("This line is paid, or being paid. Refund it instead."),
            code="void_line_paid",
        )


def _publish_void(void_id: int, event: str) -> LineVoid:
    void = voids_with_details().get(pk=void_id)
    floor_publish(
        restaurant_id=void.restaurant_id,
        event=event,
        version=void.version,
        data=void_data(void),
    )
    return void


def _publish_ticket(ticket_id: int) -> None:
    ticket = tickets_with_details().get(pk=ticket_id)
    publish_on_stream(
        restaurant_id=ticket.restaurant_id,
        stream=KITCHEN,
        group=kitchen_group(ticket.restaurant_id),
        event="ticket.updated",
        version=ticket.version,
        data=ticket_data(ticket),
    )
    if ticket.status == TicketStatus.READY:
        floor_publish(
            restaurant_id=ticket.restaurant_id,
            event="ticket.ready",
            version=ticket.version,
            data=ticket_data(ticket),
        )


def _ticket_drop_line(ticket: Ticket, line: OrderLine) -> None:
    """Take a voided line off its ticket, if the ticket is still in the kitchen.

    A ticket left with nothing to cook is cancelled (and the table's next
    course may fire); one whose other items are all crossed off is ready.
    Served tickets keep their history.
    """
    if ticket.status in (TicketStatus.SERVED, TicketStatus.CANCELLED):
        return
    now = timezone.now()
    others = ticket.lines.exclude(order_line=line)
    fields = ["status", "version"]
    if not others.exists():
        if ticket.status == TicketStatus.HELD:
            # The kitchen's rows need a firing time on every ticket that is not
            # held; a held course cancelled before it fired gets the moment
            # it left the screens.
            ticket.fired_at = now
            fields.append("fired_at")
        ticket.status = TicketStatus.CANCELLED
    else:
        # Off the ticket, so the kitchen's later moves leave the line cancelled.
        TicketLine.objects.filter(ticket=ticket, order_line=line).delete()
        cooking = ticket.status in (TicketStatus.RECEIVED, TicketStatus.PREPARING)
        if cooking and not others.filter(done_at__isnull=True).exists():
            ticket.status = TicketStatus.READY
            ticket.ready_at = now
            fields.append("ready_at")
    ticket.version = F("version") + 1  # type: ignore[assignment]
    ticket.save(update_fields=fields)
    ticket.refresh_from_db(fields=["version"])
    lines_follow_ticket(ticket)
    _publish_ticket(ticket.pk)
    if ticket.status == TicketStatus.CANCELLED:
        _fire_next_course(line.order.table_session_id)


def _void_line(
    line: OrderLine, *, ticket: Ticket | None, reason: str, voided_by, approved_by
) -> None:
    """Cancel a locked line, take it off its ticket, re-total its order and
    tell the table and the floor."""
    line.status = LineStatus.CANCELLED
    line.void_reason = reason
    line.voided_by = voided_by
    line.void_approved_by = approved_by
    line.voided_at = timezone.now()
    line.save(
        update_fields=[
            "status",
            "void_reason",
            "voided_by",
            "void_approved_by",
            "voided_at",
        ]
    )
    if ticket is not None:
        _ticket_drop_line(ticket, line)
    total = (
        OrderLine.objects.filter(order_id=line.order_id)
        .exclude(status=LineStatus.CANCELLED)
        .aggregate(total=Sum("line_total_minor"))["total"]
        or 0
    )
    Order.objects.filter(pk=line.order_id).update(total_minor=total)
    # Bumps the order's version and publishes order.updated to both.
    order_progress_sync(order_id=line.order_id)


@transaction.atomic
def order_line_void(*, order_line_id: int, reason: str, user) -> LineVoid:
    """Void an ordered line with a reason, or ask a manager to.

    Return the void: `approved` when done at once (managers, and waiters at
    or under the threshold), `pending` when a manager must approve it. Asking
    again while a request waits returns that request.
    """
    line, ticket = _lock_line(order_line_id)
    restaurant = line.order.restaurant
    roles = staff_require(user=user, restaurant_id=restaurant.pk, roles=FLOOR_ROLES)
    reason = _clean_reason(reason)
    _check_voidable(line)
    is_manager = bool(roles & MANAGER_ROLES)
    over = line.line_total_minor > restaurant.void_approval_over_minor
    pending = (
        LineVoid.objects.select_for_update()
        .filter(order_line=line, status=VoidStatus.PENDING)
        .first()
    )
    if pending is not None:
        if not is_manager:
            return voids_with_details().get(pk=pending.pk)
        return _approve(pending, line=line, ticket=ticket, user=user)
    void = LineVoid(
        restaurant_id=restaurant.pk,
        order_line=line,
        reason=reason,
        amount_minor=line.line_total_minor,
        requested_by=user,
    )
    if over and not is_manager:
        void.full_clean(exclude=["restaurant", "order_line", "requested_by"])
        void.save()
        return _publish_void(void.pk, "void.requested")
    void.status = VoidStatus.APPROVED
    void.decided_by = user
    void.decided_at = void.requested_at
    void.full_clean(exclude=["restaurant", "order_line", "requested_by", "decided_by"])
    void.save()
    _void_line(
        line,
        ticket=ticket,
        reason=reason,
        voided_by=user,
        approved_by=user if over else None,
    )
    return _publish_void(void.pk, "void.approved")


def _approve(void: LineVoid, *, line: OrderLine, ticket: Ticket | None, user):
    void.status = VoidStatus.APPROVED
    void.decided_by = user
    void.decided_at = timezone.now()
    void.version = F("version") + 1  # type: ignore[assignment]
    void.save(update_fields=["status", "decided_by", "decided_at", "version"])
    _void_line(
        line,
        ticket=ticket,
        reason=void.reason,
        voided_by=void.requested_by,
        approved_by=user,
    )
    return _publish_void(void.pk, "void.approved")


def _locked_pending(void_id: int, *, user) -> LineVoid:
    void = LineVoid.objects.select_for_update().filter(pk=void_id).first()
    if void is None:
        raise NotFoundError(_("That void does not exist."), code="unknown_void")
    staff_require(user=user, restaurant_id=void.restaurant_id, roles=MANAGER_ROLES)
    if void.status != VoidStatus.PENDING:
        raise VoidError(
            _("This void was already decided."), extra={"status": void.status}
        )
    return void


@transaction.atomic
def line_void_approve(*, void_id: int, user) -> LineVoid:
    """Approve a waiter's void (managers): the line comes off the bill."""
    order_line_id = (
        LineVoid.objects.filter(pk=void_id)
        .values_list("order_line_id", flat=True)
        .first()
    )
    if order_line_id is None:
        raise NotFoundError(_("That void does not exist."), code="unknown_void")
    line, ticket = _lock_line(order_line_id)
    void = _locked_pending(void_id, user=user)
    _check_voidable(line)
    return _approve(void, line=line, ticket=ticket, user=user)


@transaction.atomic
def line_void_reject(*, void_id: int, user) -> LineVoid:
    """Turn a waiter's void down (managers): the line stays on the bill."""
    void = _locked_pending(void_id, user=user)
    void.status = VoidStatus.REJECTED
    void.decided_by = user
    void.decided_at = timezone.now()
    void.version = F("version") + 1  # type: ignore[assignment]
    void.save(update_fields=["status", "decided_by", "decided_at", "version"])
    return _publish_void(void.pk, "void.rejected")
