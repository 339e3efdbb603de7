"""How the kitchen's progress shows on orders: each line follows its ticket,
and the order follows its lines. The kitchen owns these fields; guests and
waiters read them."""

from django.db.models import F
from django.utils import timezone

from kitchen.models import Ticket, TicketStatus
from ordering.models import LineStatus, Order, OrderLine, OrderStatus
from ordering.services.order_events import order_publish

_LINE_FOR_TICKET = {
    TicketStatus.HELD: LineStatus.HELD,
    TicketStatus.RECEIVED: LineStatus.RECEIVED,
    TicketStatus.PREPARING: LineStatus.PREPARING,
    TicketStatus.READY: LineStatus.READY,
    TicketStatus.SERVED: LineStatus.SERVED,
    TicketStatus.CANCELLED: LineStatus.CANCELLED,
}


def lines_follow_ticket(ticket: Ticket) -> None:
    """Give a ticket's order lines its status; crossed-off items are ready."""
    lines = OrderLine.objects.filter(ticket_line__ticket=ticket)
    lines.update(status=_LINE_FOR_TICKET[TicketStatus(ticket.status)])
    if ticket.status in (TicketStatus.RECEIVED, TicketStatus.PREPARING):
        lines.filter(ticket_line__done_at__isnull=False).update(status=LineStatus.READY)


def order_status_from_lines(statuses: list[str]) -> str:
    """Derive an order's status from its lines' statuses.

    Served when every line is; ready when every line is ready or served;
    preparing once anything has moved past received; held courses keep an
    order from being ready.
    """
    live = [s for s in statuses if s != LineStatus.CANCELLED]
    if not live:
        return OrderStatus.CANCELLED
    if all(s == LineStatus.SERVED for s in live):
        return OrderStatus.SERVED
    if all(s in (LineStatus.READY, LineStatus.SERVED) for s in live):
        return OrderStatus.READY
    if any(
        s in (LineStatus.PREPARING, LineStatus.READY, LineStatus.SERVED) for s in live
    ):
        return OrderStatus.PREPARING
    return OrderStatus.RECEIVED


def order_progress_sync(*, order_id: int) -> Order:
    """Bring an order's status in line with its lines and tell its table.

    Call inside the transaction that changed the lines.
    """
    order = Order.objects.select_for_update().get(pk=order_id)
    status = order_status_from_lines(list(order.lines.values_list("status", flat=True)))
    fields = ["version"]
    if status != order.status:
        order.status = status
        order.status_changed_at = timezone.now()
        fields += ["status", "status_changed_at"]
    order.version = F("version") + 1
    order.save(update_fields=fields)
    order_publish(order_id=order.pk, event="order.updated")
    return order
