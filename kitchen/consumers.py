"""Websocket endpoints. Thin: authenticate, join a group, send a snapshot,
forward events. Every change goes through the REST API and the services."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from kitchen.events import envelope
from kitchen.groups import table_group
from ordering.guest_auth import session_token
from ordering.selectors import guest_get_by_token, table_session_snapshot

CLOSE_UNAUTHENTICATED = 4401
CLOSE_SESSION_ENDED = 4410


@database_sync_to_async
def _guest_for_scope(scope):
    return guest_get_by_token(token=session_token(scope.get("session")))


@database_sync_to_async
def _snapshot(table_session_id: int) -> dict:
    return envelope(
        event="snapshot",
        version=0,
        data=table_session_snapshot(table_session_id=table_session_id),
    )


class TableConsumer(AsyncJsonWebsocketConsumer):
    """The live feed for the phones at one table session."""

    group: str | None = None

    async def connect(self):
        guest = await _guest_for_scope(self.scope)
        if guest is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self.accept()
        if not guest.table_session.is_open:
            # Accepted first so the phone learns why and stops reconnecting.
            await self.close(code=CLOSE_SESSION_ENDED)
            return
        self.group = table_group(guest.table_session_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.send_json(await _snapshot(guest.table_session_id))

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"event": "pong", "version": 0, "data": {}})

    async def screen_event(self, message):
        await self.send_json(message["payload"])
