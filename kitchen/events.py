"""The only code that publishes to screens.

Services call `publish_on_commit` (or `publish_on_stream` for the sequenced
kitchen and floor streams); the envelope leaves only after the transaction
that wrote the state has committed, so a screen never hears of a row that
does not exist. If the push itself fails, the row is still there and screens
pick it up when they resync.
"""

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import IntegrityError, connection, transaction

from kitchen.models import EventStream

logger = logging.getLogger(__name__)

# The consumer method that receives these: `screen_event`.
MESSAGE_TYPE = "screen.event"

KITCHEN = "kitchen"
FLOOR = "floor"


def envelope(
    *, event: str, version: int, data: dict[str, Any], seq: int | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"event": event, "version": version, "data": data}
    if seq is not None:
        body["seq"] = seq
    return body


def publish_on_commit(
    *,
    groups: list[str],
    event: str,
    version: int,
    data: dict[str, Any],
    seq: int | None = None,
) -> None:
    payload = envelope(event=event, version=version, data=data, seq=seq)
    transaction.on_commit(lambda: _send(groups, payload))


def next_seq(*, restaurant_id: int, stream: str) -> int:
    """Take the next number on a restaurant's event stream.

    Call inside the transaction that makes the change: the row stays locked
    until it commits, so numbers follow the order in which changes commit.
    """
    seq = _increment(restaurant_id, stream)
    if seq is None:
        try:
            with transaction.atomic():
                EventStream.objects.create(
                    restaurant_id=restaurant_id, name=stream, last_seq=0
                )
        except IntegrityError:
            pass  # created by a concurrent writer a moment ago
        seq = _increment(restaurant_id, stream)
    assert seq is not None
    return seq


def _increment(restaurant_id: int, stream: str) -> int | None:
    # One statement both locks the row and reads the new number (PostgreSQL
    # and SQLite >= 3.35 both support RETURNING).
    table = EventStream._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_seq = last_seq + 1 "  # noqa: S608
            "WHERE restaurant_id = %s AND name = %s RETURNING last_seq",
            [restaurant_id, stream],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def current_seq(*, restaurant_id: int, stream: str) -> int:
    """Return the last number given on a stream (0 before the first event)."""
    return (
        EventStream.objects.filter(restaurant_id=restaurant_id, name=stream)
        .values_list("last_seq", flat=True)
        .first()
        or 0
    )


def publish_on_stream(
    *,
    restaurant_id: int,
    stream: str,
    group: str,
    event: str,
    version: int,
    data: dict[str, Any],
) -> int:
    """Number an event on a restaurant's stream and publish it after commit."""
    seq = next_seq(restaurant_id=restaurant_id, stream=stream)
    publish_on_commit(groups=[group], event=event, version=version, data=data, seq=seq)
    return seq


def _send(groups: list[str], payload: dict[str, Any]) -> None:
    layer = get_channel_layer()
    for group in groups:
        try:
            async_to_sync(layer.group_send)(
                group, {"type": MESSAGE_TYPE, "payload": payload}
            )
        except Exception:
            # The state is committed; a lost push is recovered by the screen's
            # resync, so log it and never fail the request that caused it.
            logger.exception("push of %s to %s failed", payload["event"], group)
