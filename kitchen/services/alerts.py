"""No silent loss: tickets no screen has confirmed, and stations nobody is
watching, raise alerts for the manager and the floor until they clear."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from kitchen.events import FLOOR, KITCHEN, publish_on_stream
from kitchen.groups import floor_group, kitchen_group
from kitchen.models import Alert, AlertKind, ScreenConnection, Ticket, TicketStatus
from kitchen.selectors import LIVE_WITHIN, alert_data, live_station_ids

WAITING = [TicketStatus.RECEIVED, TicketStatus.PREPARING]


def _publish(alert: Alert, event: str) -> None:
    alert = Alert.objects.select_related(
        "station", "ticket__order__table_session__table"
    ).get(pk=alert.pk)
    for stream, group in (
        (KITCHEN, kitchen_group(alert.restaurant_id)),
        (FLOOR, floor_group(alert.restaurant_id)),
    ):
        publish_on_stream(
            restaurant_id=alert.restaurant_id,
            stream=stream,
            group=group,
            event=event,
            version=1,
            data=alert_data(alert),
        )


def _raise(**fields) -> Alert | None:
    try:
        with transaction.atomic():
            alert = Alert.objects.create(**fields)
    except IntegrityError:
        return None  # already open
    _publish(alert, "alert.raised")
    return alert


def _resolve(alerts, now: datetime.datetime) -> int:
    count = 0
    for alert in alerts.select_for_update(of=("self",)):
        alert.resolved_at = now
        alert.save(update_fields=["resolved_at"])
        _publish(alert, "alert.resolved")
        count += 1
    return count


@transaction.atomic
def alerts_check(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Raise and resolve kitchen alerts; return counts for the log.

    Run every few seconds by the periodic jobs.
    """
    now = now or timezone.now()
    deadline = now - datetime.timedelta(
        seconds=settings.TABLESIDE["TICKET_ACK_SECONDS"]
    )
    raised = resolved = 0

    unseen = Ticket.objects.filter(
        status__in=WAITING, acknowledged_at__isnull=True, fired_at__lt=deadline
    )
    for ticket in unseen:
        raised += (
            _raise(
                restaurant_id=ticket.restaurant_id,
                kind=AlertKind.TICKET_UNACKNOWLEDGED,
                ticket=ticket,
                station_id=ticket.station_id,
                raised_at=now,
            )
            is not None
        )
    resolved += _resolve(
        Alert.objects.filter(
            kind=AlertKind.TICKET_UNACKNOWLEDGED, resolved_at__isnull=True
        ).exclude(ticket__status__in=WAITING, ticket__acknowledged_at__isnull=True),
        now,
    )

    # A station is unwatched when it has food to cook and neither one of its
    # own screens nor an expo screen has been heard from recently.
    busy = (
        Ticket.objects.filter(status__in=WAITING)
        .values_list("restaurant_id", "station_id")
        .distinct()
    )
    unwatched: set[tuple[int, int]] = set()
    for restaurant_id, station_id in busy:
        live, expo = live_station_ids(restaurant_id=restaurant_id, now=now)
        if station_id not in live and not expo:
            unwatched.add((restaurant_id, station_id))
    for restaurant_id, station_id in sorted(unwatched):
        raised += (
            _raise(
                restaurant_id=restaurant_id,
                kind=AlertKind.STATION_OFFLINE,
                station_id=station_id,
                raised_at=now,
            )
            is not None
        )
    stale = Alert.objects.filter(
        kind=AlertKind.STATION_OFFLINE, resolved_at__isnull=True
    )
    watched = [a.pk for a in stale if (a.restaurant_id, a.station_id) not in unwatched]
    resolved += _resolve(Alert.objects.filter(pk__in=watched), now)

    # Connections of crashed processes never say goodbye.
    ScreenConnection.objects.filter(last_seen_at__lt=now - 10 * LIVE_WITHIN).delete()
    return {"raised": raised, "resolved": resolved}
