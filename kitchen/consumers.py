"""Websocket endpoints. Thin: authenticate, join a group, send a snapshot,
forward events. Every change goes through the REST API and the services."""

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from kitchen.access import access_for
from kitchen.events import FLOOR, KITCHEN, current_seq, envelope
from kitchen.floor.access import floor_access
from kitchen.floor.selectors.tables import floor_snapshot
from kitchen.groups import floor_group, kitchen_group, menu_group, table_group
from kitchen.selectors import kitchen_snapshot
from kitchen.services.screens import (
    screen_connected,
    screen_disconnected,
    screen_heartbeat,
)
from ordering.guest_auth import session_token
from ordering.selectors import (
    guest_get_by_token,
    table_session_digest,
    table_session_snapshot,
)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_SESSION_ENDED = 4410


@database_sync_to_async
def _guest_for_scope(scope):
    return guest_get_by_token(token=session_token(scope.get("session")))


@database_sync_to_async
def _table_snapshot(table_session_id: int) -> dict:
    return envelope(
        event="snapshot",
        version=0,
        data=table_session_snapshot(table_session_id=table_session_id),
    )


class TableConsumer(AsyncJsonWebsocketConsumer):
    """The live feed for the phones at one table session, and the menu's
    availability for every phone at the restaurant."""

    groups_joined: list[str] = []
    table_session_id: int | None = None

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
        self.table_session_id = guest.table_session_id
        self.groups_joined = [
            table_group(guest.table_session_id),
            menu_group(guest.table_session.restaurant_id),
        ]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.send_json(await _table_snapshot(guest.table_session_id))

    async def disconnect(self, code):
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if not (isinstance(content, dict) and content.get("type") == "ping"):
            return
        # Re-join (membership is lost if Redis restarts) and tell the phone
        # what its orders' state should add up to, so it can tell it missed
        # an update.
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        digest = await database_sync_to_async(table_session_digest)(
            table_session_id=self.table_session_id
        )
        await self.send_json({"event": "pong", "version": 0, "data": digest})

    async def screen_event(self, message):
        await self.send_json(message["payload"])


@database_sync_to_async
def _kitchen_access(scope):
    query = parse_qs(scope.get("query_string", b"").decode())
    return access_for(
        cookies=scope.get("cookies"),
        user=scope.get("user"),
        restaurant_slug=query.get("restaurant", [""])[0],
        station_code=query.get("station", [""])[0],
    )


class KitchenConsumer(AsyncJsonWebsocketConsumer):
    """A kitchen display: one station's tickets, or the expo view."""

    access = None
    group: str | None = None

    async def connect(self):
        self.access = await _kitchen_access(self.scope)
        if self.access is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        restaurant = self.access.restaurant
        self.group = kitchen_group(restaurant.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._register()
        snapshot = await database_sync_to_async(kitchen_snapshot)(
            restaurant=restaurant, station=self.access.station
        )
        await self.send_json(envelope(event="snapshot", version=0, data=snapshot))

    async def _register(self):
        await database_sync_to_async(screen_connected)(
            restaurant_id=self.access.restaurant.pk,
            station_id=self.access.station.pk if self.access.station else None,
            channel_name=self.channel_name,
            screen_id=self.access.screen.pk if self.access.screen else None,
            user_id=self.access.user_id,
        )

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await database_sync_to_async(screen_disconnected)(
                channel_name=self.channel_name
            )

    async def receive_json(self, content, **kwargs):
        if not (isinstance(content, dict) and content.get("type") == "ping"):
            return
        # The ping is the heartbeat that tells the server this screen is live.
        known = await database_sync_to_async(screen_heartbeat)(
            channel_name=self.channel_name
        )
        if not known:
            await self._register()
        # Join again: group membership is lost if Redis restarts, and expires
        # after a day; re-adding is harmless.
        await self.channel_layer.group_add(self.group, self.channel_name)
        # The pong tells the screen how far the stream has gone, so a screen
        # that missed events (and has no later event to notice the gap by)
        # resyncs within one ping.
        seq = await database_sync_to_async(current_seq)(
            restaurant_id=self.access.restaurant.pk, stream=KITCHEN
        )
        await self.send_json({"event": "pong", "version": 0, "data": {"seq": seq}})

    async def screen_event(self, message):
        payload = message["payload"]
        await self.send_json(payload)
        screen = self.access.screen if self.access else None
        if (
            payload["event"] == "screen.revoked"
            and screen is not None
            and payload["data"]["screen"] == screen.pk
        ):
            await self.close(code=CLOSE_FORBIDDEN)


@database_sync_to_async
def _floor_access(scope):
    query = parse_qs(scope.get("query_string", b"").decode())
    return floor_access(
        user=scope.get("user"), restaurant_slug=query.get("restaurant", [""])[0]
    )


class FloorConsumer(AsyncJsonWebsocketConsumer):
    """A waiter's tablet: the restaurant's tables, calls and food ready, live.

    Staff of the restaurant in a floor role only. A refused tablet is
    accepted and closed at once with a 44xx code, so it learns why and stops
    reconnecting; it never joins the group nor gets a snapshot.
    """

    access = None
    group: str | None = None

    async def connect(self):
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.access = await _floor_access(self.scope)
        if self.access is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = floor_group(self.access.restaurant.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        snapshot = await database_sync_to_async(floor_snapshot)(access=self.access)
        await self.send_json(envelope(event="snapshot", version=0, data=snapshot))

    async def disconnect(self, code):
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if self.access is None or not (
            isinstance(content, dict) and content.get("type") == "ping"
        ):
            return
        # A waiter who lost their role (or their login) stops hearing the
        # floor within one ping.
        if await _floor_access(self.scope) is None:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.group = None
            await self.close(code=CLOSE_FORBIDDEN)
            return
        # Join again: membership is lost if Redis restarts, and expires after
        # a day. The pong tells the tablet how far the stream has gone.
        await self.channel_layer.group_add(self.group, self.channel_name)
        seq = await database_sync_to_async(current_seq)(
            restaurant_id=self.access.restaurant.pk, stream=FLOOR
        )
        await self.send_json({"event": "pong", "version": 0, "data": {"seq": seq}})

    async def screen_event(self, message):
        await self.send_json(message["payload"])
