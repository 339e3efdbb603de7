"""Tickets: created from placed orders, cooked, bumped, served; courses fired.

Every change is written first and published after commit on the restaurant's
kitchen stream; the order and its lines follow (`progress`).
"""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kitchen.events import FLOOR, KITCHEN, publish_on_stream
from kitchen.exceptions import TicketStateError
from kitchen.groups import floor_group, kitchen_group
from kitchen.models import Station, Ticket, TicketLine, TicketStatus
from kitchen.selectors import ticket_data, ticket_payload, tickets_with_details
from kitchen.services.access import FLOOR_ROLES, KITCHEN_ROLES, Actor, kitchen_require
from kitchen.services.progress import lines_follow_ticket, order_progress_sync
from ordering.exceptions import NotFoundError
from ordering.models import LineStatus, Order, OrderLine

# Where each action may start from. Recall takes a bumped ticket back to the
# pass; un-starting is allowed for a mis-tap.
_MOVES: dict[str, tuple[set[str], str]] = {
    "start": ({TicketStatus.RECEIVED}, TicketStatus.PREPARING),
    "bump": ({TicketStatus.RECEIVED, TicketStatus.PREPARING}, TicketStatus.READY),
    "recall": ({TicketStatus.READY}, TicketStatus.PREPARING),
    "unstart": ({TicketStatus.PREPARING}, TicketStatus.RECEIVED),
    "serve": ({TicketStatus.READY}, TicketStatus.SERVED),
}
_STAMPS: dict[str, str] = {
    TicketStatus.PREPARING: "started_at",
    TicketStatus.READY: "ready_at",
    TicketStatus.SERVED: "served_at",
}
FINISHED = {TicketStatus.SERVED, TicketStatus.CANCELLED}


def _done_as(action: str) -> str:
    return {
        "start": _("started"),
        "bump": _("marked ready"),
        "recall": _("recalled"),
        "unstart": _("put back to new"),
        "serve": _("served"),
    }[action]


def _publish(ticket_id: int, event: str) -> None:
    ticket = tickets_with_details().get(pk=ticket_id)
    publish_on_stream(
        restaurant_id=ticket.restaurant_id,
        stream=KITCHEN,
        group=kitchen_group(ticket.restaurant_id),
        event=event,
        version=ticket.version,
        data=ticket_data(ticket),
    )
    if event == "ticket.updated" and ticket.status == TicketStatus.READY:
        # "Food ready" for the waiters of the floor.
        publish_on_stream(
            restaurant_id=ticket.restaurant_id,
            stream=FLOOR,
            group=floor_group(ticket.restaurant_id),
            event="ticket.ready",
            version=ticket.version,
            data=ticket_data(ticket),
        )


def station_for_code(*, restaurant_id: int, code: str) -> Station:
    """Return the station with this code, creating it if the menu names a new one.

    A dish must never lose its ticket because nobody set its station up.
    """
    station = Station.objects.filter(restaurant_id=restaurant_id, code=code).first()
    if station is not None:
        return station
    try:
        with transaction.atomic():
            return Station.objects.create(
                restaurant_id=restaurant_id,
                code=code,
                name=code.replace("_", " ").title(),
            )
    except IntegrityError:
        return Station.objects.get(restaurant_id=restaurant_id, code=code)


def _unfinished_below(table_session_id: int, course: int) -> bool:
    return (
        Ticket.objects.filter(
            order__table_session_id=table_session_id, course__lt=course
        )
        .exclude(status__in=FINISHED)
        .exists()
    )


def _fires_now(course: int, table_tickets: list[tuple[int, str]]) -> bool:
    """Whether a new ticket of `course` goes to the kitchen now.

    It waits while an earlier course of the table is unfinished, unless the
    table's `course` (or a later one) has already been fired.
    `table_tickets` holds (course, status) of the table's tickets so far.
    """
    fired = max(
        (
            c
            for c, status in table_tickets
            if status not in (TicketStatus.HELD, TicketStatus.CANCELLED)
        ),
        default=0,
    )
    unfinished_below = any(
        c < course and status not in FINISHED for c, status in table_tickets
    )
    return course <= fired or not unfinished_below


def tickets_create_for_order(*, order: Order) -> list[Ticket]:
    """Split a placed order into tickets per station and course.

    Call inside the transaction that places the order, holding the table
    session's row lock (so two orders of one table decide courses in turn).
    """
    now = timezone.now()
    lines = list(order.lines.all())
    groups: dict[tuple[str, int], list] = defaultdict(list)
    for line in lines:
        groups[(line.station, line.course)].append(line)
    table_tickets: list[tuple[int, str]] = list(
        Ticket.objects.filter(
            order__table_session_id=order.table_session_id
        ).values_list("course", "status")
    )
    table_label = order.table_session.table.label
    created = []
    # Earlier courses first, so a later course sees them when deciding to wait.
    for station_code, course in sorted(groups, key=lambda key: (key[1], key[0])):
        station = station_for_code(restaurant_id=order.restaurant_id, code=station_code)
        fire = _fires_now(course, table_tickets)
        ticket = Ticket.objects.create(
            restaurant_id=order.restaurant_id,
            order=order,
            station=station,
            course=course,
            status=TicketStatus.RECEIVED if fire else TicketStatus.HELD,
            created_at=now,
            fired_at=now if fire else None,
        )
        table_tickets.append((course, ticket.status))
        group = groups[(station_code, course)]
        ticket_lines = TicketLine.objects.bulk_create(
            [TicketLine(ticket=ticket, order_line=line) for line in group]
        )
        status = LineStatus.RECEIVED if fire else LineStatus.HELD
        OrderLine.objects.filter(pk__in=[line.pk for line in group]).update(
            status=status
        )
        for line in group:
            line.status = status
        # Everything a screen needs is in hand; no need to read it back.
        data = ticket_payload(
            ticket=ticket,
            order=order,
            table_label=table_label,
            lines=[(tl, line) for tl, line in zip(ticket_lines, group, strict=True)],
        )
        publish_on_stream(
            restaurant_id=order.restaurant_id,
            stream=KITCHEN,
            group=kitchen_group(order.restaurant_id),
            event="ticket.created",
            version=ticket.version,
            data=data,
        )
        created.append(ticket)
    # The order itself stays "received"; the caller publishes it as placed,
    # with the lines' new statuses.
    return created


def _locked_ticket(ticket_id: int) -> Ticket:
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFoundError(_("That ticket does not exist."), code="unknown_ticket")
    return ticket


def _move(ticket: Ticket, to: str) -> None:
    now = timezone.now()
    ticket.status = to
    fields = ["status", "version"]
    if to in _STAMPS:
        setattr(ticket, _STAMPS[to], now)
        fields.append(_STAMPS[to])
    if to == TicketStatus.RECEIVED and ticket.fired_at is None:
        ticket.fired_at = now
        fields.append("fired_at")
    ticket.version = F("version") + 1
    ticket.save(update_fields=fields)
    ticket.refresh_from_db(fields=["version"])
    lines_follow_ticket(ticket)


@transaction.atomic
def ticket_move(*, ticket_id: int, action: str, by: Actor) -> Ticket:
    """Start, bump, recall, un-start or serve a ticket."""
    if action not in _MOVES:
        raise TicketStateError(_("Unknown action."), extra={"action": action})
    ticket = _locked_ticket(ticket_id)
    roles = FLOOR_ROLES | KITCHEN_ROLES if action == "serve" else KITCHEN_ROLES
    kitchen_require(by=by, restaurant_id=ticket.restaurant_id, roles=roles)
    allowed_from, to = _MOVES[action]
    if ticket.status not in allowed_from:
        raise TicketStateError(
            _("This ticket is %(status)s; it cannot be %(action)s now.")
            % {
                "status": ticket.get_status_display().lower(),
                "action": _done_as(action),
            },
            extra={"status": ticket.status},
        )
    _move(ticket, to)
    _publish(ticket.pk, "ticket.updated")
    order_progress_sync(order_id=ticket.order_id)
    if to == TicketStatus.SERVED:
        _fire_next_course(ticket.order.table_session_id)
    return ticket


@transaction.atomic
def ticket_line_done(*, ticket_line_id: int, done: bool, by: Actor) -> Ticket:
    """Cross an item off a ticket (or back on). A ticket whose items are all
    crossed off is bumped: one tap less for wet hands."""
    line = TicketLine.objects.select_related("ticket").filter(pk=ticket_line_id).first()
    if line is None:
        raise NotFoundError()
    ticket = _locked_ticket(line.ticket_id)
    kitchen_require(by=by, restaurant_id=ticket.restaurant_id, roles=KITCHEN_ROLES)
    if ticket.status not in (TicketStatus.RECEIVED, TicketStatus.PREPARING):
        raise TicketStateError(
            _("Only items of a ticket that is being cooked can be crossed off."),
            extra={"status": ticket.status},
        )
    TicketLine.objects.filter(pk=line.pk).update(
        done_at=timezone.now() if done else None
    )
    if not ticket.lines.filter(done_at__isnull=True).exists():
        _move(ticket, TicketStatus.READY)
    else:
        Ticket.objects.filter(pk=ticket.pk).update(version=F("version") + 1)
        lines_follow_ticket(ticket)
    _publish(ticket.pk, "ticket.updated")
    order_progress_sync(order_id=ticket.order_id)
    return ticket


@transaction.atomic
def table_serve(*, table_session_id: int, by: Actor) -> list[Ticket]:
    """Mark every ready ticket of a table served (the expo's "serve" button)."""
    tickets = list(
        Ticket.objects.select_for_update()
        .filter(order__table_session_id=table_session_id, status=TicketStatus.READY)
        .order_by("pk")
    )
    if not tickets:
        raise TicketStateError(_("Nothing of this table is ready to serve."))
    kitchen_require(
        by=by, restaurant_id=tickets[0].restaurant_id, roles=FLOOR_ROLES | KITCHEN_ROLES
    )
    for ticket in tickets:
        _move(ticket, TicketStatus.SERVED)
        _publish(ticket.pk, "ticket.updated")
    for order_id in sorted({t.order_id for t in tickets}):
        order_progress_sync(order_id=order_id)
    _fire_next_course(table_session_id)
    return tickets


def _fire(tickets: list[Ticket]) -> None:
    for ticket in tickets:
        _move(ticket, TicketStatus.RECEIVED)
        _publish(ticket.pk, "ticket.updated")
    for order_id in sorted({t.order_id for t in tickets}):
        order_progress_sync(order_id=order_id)


def _fire_next_course(table_session_id: int) -> None:
    """Fire the next held course once everything before it is served."""
    held = Ticket.objects.select_for_update().filter(
        order__table_session_id=table_session_id, status=TicketStatus.HELD
    )
    next_course = held.order_by("course").values_list("course", flat=True).first()
    if next_course is None or _unfinished_below(table_session_id, next_course):
        return
    _fire(list(held.filter(course=next_course).order_by("pk")))


@transaction.atomic
def course_fire(*, table_session_id: int, course: int, by: Actor) -> list[Ticket]:
    """Send a table's held course (and any earlier held one) to the kitchen now."""
    held = list(
        Ticket.objects.select_for_update()
        .filter(
            order__table_session_id=table_session_id,
            status=TicketStatus.HELD,
            course__lte=course,
        )
        .order_by("course", "pk")
    )
    if not held:
        raise TicketStateError(
            _("Course %(course)d of this table is not waiting to be fired.")
            % {"course": course}
        )
    kitchen_require(
        by=by, restaurant_id=held[0].restaurant_id, roles=FLOOR_ROLES | KITCHEN_ROLES
    )
    _fire(held)
    return held


def tickets_acknowledge(*, ticket_ids: list[int], by: Actor) -> int:
    """Record that a screen has shown these tickets; return how many were new.

    Only the first acknowledgement counts. Unacknowledged tickets raise alerts
    (`alerts.alerts_check`).
    """
    restaurant_ids = set(
        Ticket.objects.filter(pk__in=ticket_ids).values_list("restaurant_id", flat=True)
    )
    for restaurant_id in restaurant_ids:
        kitchen_require(by=by, restaurant_id=restaurant_id, roles=KITCHEN_ROLES)
    return Ticket.objects.filter(
        pk__in=ticket_ids, acknowledged_at__isnull=True, fired_at__isnull=False
    ).update(acknowledged_at=timezone.now())
