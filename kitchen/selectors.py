"""Reads for kitchen screens: tickets with everything a cook must see."""

import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from kitchen.events import KITCHEN, current_seq
from kitchen.models import (
    Alert,
    Screen,
    ScreenConnection,
    Station,
    Ticket,
    TicketLine,
    TicketStatus,
)
from ordering.models import MenuItem, Restaurant
from ordering.selectors import token_hash

# Bumped tickets stay on the station screens this long, so a cook can recall
# one bumped by mistake.
READY_VISIBLE_FOR = datetime.timedelta(minutes=20)
# A screen whose heartbeat is older than this is not watching.
LIVE_WITHIN = datetime.timedelta(seconds=30)


def _utc(moment: datetime.datetime | None) -> str | None:
    return (
        moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
        if moment
        else None
    )


def tickets_with_details() -> QuerySet[Ticket]:
    return Ticket.objects.select_related(
        "station", "order__table_session__table"
    ).prefetch_related(
        Prefetch(
            "lines",
            queryset=TicketLine.objects.select_related("order_line").order_by("id"),
        )
    )


def ticket_data(ticket: Ticket) -> dict:
    """Return a ticket (loaded by `tickets_with_details`) as plain JSON values
    for screens."""
    order = ticket.order
    return ticket_payload(
        ticket=ticket,
        order=order,
        table_label=order.table_session.table.label,
        lines=[(line, line.order_line) for line in ticket.lines.all()],
    )


def ticket_payload(*, ticket: Ticket, order, table_label: str, lines) -> dict:
    """Build a ticket's screen payload from objects already in memory.

    `lines` holds (ticket line, order line) pairs.
    """
    return {
        "id": ticket.pk,
        "version": ticket.version,
        "status": ticket.status,
        "course": ticket.course,
        "station": ticket.station.code,
        "station_id": ticket.station_id,
        "order": order.pk,
        "number": order.number,
        "order_note": order.note,
        "table": table_label,
        "table_session": order.table_session_id,
        "created_at": _utc(ticket.created_at),
        "fired_at": _utc(ticket.fired_at),
        "acknowledged_at": _utc(ticket.acknowledged_at),
        "started_at": _utc(ticket.started_at),
        "ready_at": _utc(ticket.ready_at),
        "served_at": _utc(ticket.served_at),
        "lines": [
            {
                "id": ticket_line.pk,
                "order_line": order_line.pk,
                "name": order_line.name,
                "quantity": order_line.quantity,
                "modifiers": order_line.modifiers,
                "allergens": order_line.allergens,
                "note": order_line.note,
                "done": ticket_line.done_at is not None,
            }
            for ticket_line, order_line in lines
        ],
    }


def tickets_on_screens(
    *, restaurant_id: int, station_id: int | None = None, now=None
) -> QuerySet[Ticket]:
    """Return the tickets a screen shows: held, new, cooking and ready.

    A station screen keeps ready tickets for a while (to recall a mistake);
    the expo keeps them until they are served, however long that takes.
    """
    now = now or timezone.now()
    tickets = tickets_with_details().filter(restaurant_id=restaurant_id)
    waiting = [TicketStatus.HELD, TicketStatus.RECEIVED, TicketStatus.PREPARING]
    if station_id is None:
        return tickets.filter(status__in=[*waiting, TicketStatus.READY])
    tickets = tickets.filter(station_id=station_id)
    return tickets.filter(status__in=waiting) | tickets.filter(
        status=TicketStatus.READY, ready_at__gte=now - READY_VISIBLE_FOR
    )


def station_list(*, restaurant_id: int) -> list[dict]:
    return [
        {
            "id": s.pk,
            "code": s.code,
            "name": s.name,
            "amber_after_seconds": s.amber_after_seconds,
            "red_after_seconds": s.red_after_seconds,
        }
        for s in Station.objects.filter(restaurant_id=restaurant_id, is_active=True)
    ]


def alert_data(alert: Alert) -> dict:
    ticket = alert.ticket
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "ticket": alert.ticket_id,
        "number": ticket.order.number if ticket else None,
        "table": ticket.order.table_session.table.label if ticket else None,
        "station": alert.station.code if alert.station else None,
        "raised_at": _utc(alert.raised_at),
        "resolved_at": _utc(alert.resolved_at),
    }


def open_alerts(*, restaurant_id: int) -> list[dict]:
    alerts = Alert.objects.filter(
        restaurant_id=restaurant_id, resolved_at__isnull=True
    ).select_related("station", "ticket__order__table_session__table")
    return [alert_data(alert) for alert in alerts]


def station_items(*, restaurant_id: int, station_code: str | None) -> list[dict]:
    """Return the dishes a screen can mark sold out (its station's, or all)."""
    items = MenuItem.objects.filter(restaurant_id=restaurant_id).order_by(
        "category__position", "position", "id"
    )
    if station_code is not None:
        items = items.filter(station=station_code)
    return [
        {
            "id": item.pk,
            "name": item.texts("name"),
            "station": item.station,
            "is_available": item.is_available,
            "stock": item.stock,
        }
        for item in items
    ]


def kitchen_snapshot(*, restaurant: Restaurant, station: Station | None) -> dict:
    """Return everything a kitchen screen shows, numbered for resync.

    The sequence number is read first: an event that commits while the rest
    is read is then either in the snapshot and numbered after it (applied
    twice, harmlessly, by version) or numbered after it and applied once.
    """
    seq = current_seq(restaurant_id=restaurant.pk, stream=KITCHEN)
    station_id = station.pk if station else None
    return {
        "seq": seq,
        "restaurant": {"id": restaurant.pk, "name": restaurant.name},
        "language": restaurant.default_language,
        "station": station_id,
        "stations": station_list(restaurant_id=restaurant.pk),
        "tickets": [
            ticket_data(t)
            for t in tickets_on_screens(
                restaurant_id=restaurant.pk, station_id=station_id
            )
        ],
        "alerts": open_alerts(restaurant_id=restaurant.pk),
        "items": station_items(
            restaurant_id=restaurant.pk, station_code=station.code if station else None
        ),
    }


def screen_get_by_token(*, token: str | None) -> Screen | None:
    if not token:
        return None
    return (
        Screen.objects.select_related("restaurant", "station")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )


def live_station_ids(*, restaurant_id: int, now=None) -> tuple[set[int], bool]:
    """Return the stations with a live screen, and whether an expo screen is live."""
    now = now or timezone.now()
    live = ScreenConnection.objects.filter(
        restaurant_id=restaurant_id, last_seen_at__gte=now - LIVE_WITHIN
    ).values_list("station_id", flat=True)
    stations = set(live)
    expo = None in stations
    stations.discard(None)
    return stations, expo  # type: ignore[return-value]
