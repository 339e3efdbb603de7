"""A reference client of the kitchen screen protocol, for tests and the
benchmark: it keeps a screen's tickets exactly as display.js does.

It connects to /ws/kitchen/, takes the snapshot, applies numbered events in
order, resyncs from GET /api/v1/kitchen/snapshot when it sees a gap, and
reconnects (and resyncs) whenever the connection drops.
"""

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field

import httpx
import websockets
from websockets.typing import Origin


@dataclass
class Arrival:
    event: str
    ticket: int | None
    order: int | None
    probe: str | None  # the id of a benchmark probe (`bench.probe` events)
    at: float  # time.perf_counter() when it arrived


@dataclass
class ScreenClient:
    base_url: str  # http://127.0.0.1:port
    cookies: dict[str, str]
    query: str = ""
    ping_every: float = 10.0
    tickets: dict[int, dict] = field(default_factory=dict)
    seq: int = 0
    resyncs: int = 0
    connects: int = 0
    arrivals: list[Arrival] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _task: asyncio.Task | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _stopping: bool = False
    _buffer: list[dict] = field(default_factory=list)
    _gap: asyncio.Task | None = None

    @property
    def _ws_url(self) -> str:
        return self.base_url.replace("http", "ws", 1) + f"/ws/kitchen/?{self.query}"

    def _headers(self) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Cookie": cookie}

    async def start(self) -> "ScreenClient":
        self._task = asyncio.create_task(self._run())
        return self

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    def _apply_snapshot(self, data: dict) -> None:
        self.tickets = {t["id"]: t for t in data["tickets"]}
        self.seq = data["seq"]
        self._changed.set()

    def _apply(self, message: dict) -> None:
        data = message["data"]
        if message["event"] in ("ticket.created", "ticket.updated"):
            known = self.tickets.get(data["id"])
            if known is None or known["version"] < data["version"]:
                self.tickets[data["id"]] = data
        self.seq = message["seq"]
        self._changed.set()

    async def _resync(self) -> None:
        self.resyncs += 1
        async with httpx.AsyncClient(
            base_url=self.base_url, cookies=self.cookies
        ) as http:
            response = await http.get(f"/api/v1/kitchen/snapshot?{self.query}")
            response.raise_for_status()
        self._apply_snapshot(response.json())
        pending, self._buffer = sorted(self._buffer, key=lambda m: m["seq"]), []
        for message in pending:
            if message["seq"] == self.seq + 1:
                self._apply(message)

    def _drain(self) -> None:
        """Apply buffered events that now follow on."""
        self._buffer.sort(key=lambda m: m["seq"])
        while self._buffer and self._buffer[0]["seq"] <= self.seq + 1:
            message = self._buffer.pop(0)
            if message["seq"] == self.seq + 1:
                self._apply(message)

    async def _gap_timer(self) -> None:
        # Events from two server processes may cross; give the missing one a
        # moment to arrive before asking the database.
        await asyncio.sleep(0.4)
        self._drain()
        if self._buffer:
            await self._resync()
        self._gap = None

    async def _pong_check(self, seq: int) -> None:
        await asyncio.sleep(1.5)
        if self.seq < seq:
            await self._resync()
        self._gap = None

    async def _on_message(self, message: dict) -> None:
        now = time.perf_counter()
        if message["event"] == "snapshot":
            self._apply_snapshot(message["data"])
            self._drain()
            return
        if message["event"] == "pong":
            # The stream has moved on past what we applied. Events still on
            # their way may explain it, so look again a moment later.
            behind = message["data"].get("seq", 0)
            if behind > self.seq and self._gap is None:
                self._gap = asyncio.create_task(self._pong_check(behind))
            return
        data = message["data"]
        is_ticket = message["event"].startswith("ticket.")
        self.arrivals.append(
            Arrival(
                event=message["event"],
                ticket=data.get("id") if is_ticket else None,
                order=data.get("order") if is_ticket else None,
                probe=data.get("probe"),
                at=now,
            )
        )
        if "seq" not in message:
            return
        if message["seq"] <= self.seq:
            return
        self._buffer.append(message)
        self._drain()
        if self._buffer and self._gap is None:
            self._gap = asyncio.create_task(self._gap_timer())

    async def _run(self) -> None:
        while not self._stopping:
            try:
                async with websockets.connect(
                    self._ws_url,
                    origin=Origin(self.base_url),
                    additional_headers=self._headers(),
                    open_timeout=5,
                ) as socket:
                    self.connects += 1
                    pinger = asyncio.create_task(self._ping(socket))
                    try:
                        async for raw in socket:
                            await self._on_message(json.loads(raw))
                    finally:
                        pinger.cancel()
            except (TimeoutError, OSError, websockets.WebSocketException):
                pass
            except Exception as error:  # noqa: BLE001
                # A client that dies silently would look like lost tickets.
                self.errors.append(repr(error))
            if not self._stopping:
                await asyncio.sleep(0.3)

    async def _ping(self, socket) -> None:
        while True:
            await asyncio.sleep(self.ping_every)
            await socket.send(json.dumps({"type": "ping"}))

    async def wait_for(self, predicate, timeout: float = 10.0) -> None:
        """Wait until `predicate(self)` holds; raise TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        while not predicate(self):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"screen state never matched; tickets={self.tickets}"
                )
            self._changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(
                    self._changed.wait(), timeout=min(remaining, 0.5)
                )
