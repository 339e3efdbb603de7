"""Plain-value shapes of the floor's rows, shared by the API, events and
snapshots: integer ids and cents, ISO-8601 UTC times."""

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet

from kitchen.floor.models import (
    LineVoid,
    TableService,
    WaiterCall,
)
from ordering.models import OrderStatus, TableSession
from ordering.serializers import utc_iso

# Orders that reached the kitchen (or wait to): what a guest actually ordered.
ORDERED = [
    OrderStatus.RECEIVED,
    OrderStatus.PREPARING,
    OrderStatus.READY,
    OrderStatus.SERVED,
]


def staff_name(user) -> str:
    """Return how tablets name a staff member: first name, else username."""
    if user is None:
        return ""
    return user.get_short_name() or user.get_full_name() or user.get_username()


def table_service_of(session: TableSession) -> TableService | None:
    """Return the floor's record of a session (select_related it first)."""
    try:
        return session.floor_service
    except TableService.DoesNotExist:
        return None


def calls_with_details() -> QuerySet[WaiterCall]:
    return WaiterCall.objects.select_related("table_session__table", "acknowledged_by")


def call_data(call: WaiterCall) -> dict:
    """Return a call for the tablets (loaded by `calls_with_details`)."""
    table = call.table_session.table
    return {
        "id": call.pk,
        "version": call.version,
        "kind": call.kind,
        "reason": call.reason,
        "status": call.status,
        "table_session": call.table_session_id,
        "table": table.pk,
        "table_label": table.label,
        "area": table.area_id,
        "created_at": utc_iso(call.created_at),
        "acknowledged_at": utc_iso(call.acknowledged_at),
        "acknowledged_by": call.acknowledged_by_id,
        "acknowledged_by_name": staff_name(call.acknowledged_by),
        "resolved_at": utc_iso(call.resolved_at),
    }


def call_data_for_guest(call: WaiterCall) -> dict:
    """Return what the phones at the table see of a call: no staff details."""
    return {
        "id": call.pk,
        "version": call.version,
        "kind": call.kind,
        "reason": call.reason,
        "status": call.status,
        "table_session": call.table_session_id,
        "created_at": utc_iso(call.created_at),
        "acknowledged_at": utc_iso(call.acknowledged_at),
        "resolved_at": utc_iso(call.resolved_at),
    }


def voids_with_details() -> QuerySet[LineVoid]:
    return LineVoid.objects.select_related(
        "order_line__order__table_session__table", "requested_by", "decided_by"
    )


def void_data(void: LineVoid) -> dict:
    """Return a void for the tablets (loaded by `voids_with_details`)."""
    line = void.order_line
    order = line.order
    table = order.table_session.table
    return {
        "id": void.pk,
        "version": void.version,
        "status": void.status,
        "reason": void.reason,
        "amount_minor": void.amount_minor,
        "order_line": line.pk,
        "name": line.name,
        "quantity": line.quantity,
        "order": order.pk,
        "number": order.number,
        "table_session": order.table_session_id,
        "table": table.pk,
        "table_label": table.label,
        "area": table.area_id,
        "requested_by": void.requested_by_id,
        "requested_by_name": staff_name(void.requested_by),
        "requested_at": utc_iso(void.requested_at),
        "decided_by_name": staff_name(void.decided_by),
        "decided_at": utc_iso(void.decided_at),
    }


def earliest(
    moments: Iterable[datetime.datetime | None],
) -> datetime.datetime | None:
    return min((m for m in moments if m is not None), default=None)
