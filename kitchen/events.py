"""The only code that publishes to screens.

Services call `publish_on_commit`; the envelope leaves only after the
transaction that wrote the state has committed, so a screen never hears of a
row that does not exist. If the push itself fails, the row is still there and
screens pick it up when they resync.
"""

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

# The consumer method that receives these: `screen_event`.
MESSAGE_TYPE = "screen.event"


def envelope(*, event: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
    return {"event": event, "version": version, "data": data}


def publish_on_commit(
    *, groups: list[str], event: str, version: int, data: dict[str, Any]
) -> None:
    payload = envelope(event=event, version=version, data=data)
    transaction.on_commit(lambda: _send(groups, payload))


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
