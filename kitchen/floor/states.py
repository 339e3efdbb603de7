"""What a table is doing right now, from plain facts: no ORM, clock passed in.

`table_state` answers for one table, given its open table session (with any
sessions merged into it) or, when none is open, its last closed one. The
selectors gather the facts; tests call the function with dataclasses.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# A table whose party left stays "needs clearing" this long at most: after
# that it is assumed cleared (nobody leaves dirty plates for hours).
CLEARING_WINDOW = datetime.timedelta(hours=3)

# Order statuses, as ordering spells them.
DRAFT = "draft"
AWAITING = {"awaiting_payment", "awaiting_approval"}
PLACED = {"received", "preparing", "ready", "served"} | AWAITING
# Ticket statuses, as the kitchen spells them.
COOKING = {"received", "preparing"}
# Payment statuses: on their way to being paid, and paid.
UNDER_WAY = {"pending", "requires_action", "authorized"}
SUCCEEDED = "succeeded"
BILL_CALL = "bill"


class FloorState(StrEnum):
    FREE = "free"
    SEATED = "seated"
    ORDERING = "ordering"
    WAITING_FOR_FOOD = "waiting_for_food"
    FOOD_READY = "food_ready"
    EATING = "eating"
    BILL_REQUESTED = "bill_requested"
    PAYING = "paying"
    NEEDS_CLEARING = "needs_clearing"


@dataclass(frozen=True)
class OrderFacts:
    status: str
    created_at: datetime.datetime
    placed_at: datetime.datetime | None = None
    line_count: int = 1


@dataclass(frozen=True)
class TicketFacts:
    status: str
    fired_at: datetime.datetime | None = None
    ready_at: datetime.datetime | None = None
    served_at: datetime.datetime | None = None


@dataclass(frozen=True)
class CallFacts:
    """A live (unresolved) call."""

    kind: str
    created_at: datetime.datetime


@dataclass(frozen=True)
class PaymentFacts:
    """A payment towards the bill (card holds are not included)."""

    status: str
    created_at: datetime.datetime


@dataclass(frozen=True)
class SessionFacts:
    is_open: bool
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None = None
    cleared_at: datetime.datetime | None = None
    bill_requested_at: datetime.datetime | None = None
    paid_at: datetime.datetime | None = None
    orders: tuple[OrderFacts, ...] = ()
    tickets: tuple[TicketFacts, ...] = ()
    calls: tuple[CallFacts, ...] = ()
    payments: tuple[PaymentFacts, ...] = ()


@dataclass(frozen=True)
class TableState:
    state: FloorState
    # When the table entered the state (None: a table never used).
    since: datetime.datetime | None


def _earliest(
    moments: Iterable[datetime.datetime | None],
) -> datetime.datetime | None:
    return min((m for m in moments if m is not None), default=None)


def _latest(moments: Iterable[datetime.datetime | None]) -> datetime.datetime | None:
    return max((m for m in moments if m is not None), default=None)


def table_state(
    session: SessionFacts | None,
    *,
    now: datetime.datetime,
    clearing_window: datetime.timedelta = CLEARING_WINDOW,
) -> TableState:
    """Return the table's state and since when it has been in it.

    The first match wins, in the order a waiter must act: paying, paid and
    waiting to be cleared, food ready at the pass, bill asked for, food being
    cooked, guests ordering, eating, just seated.
    """
    if session is None:
        return TableState(FloorState.FREE, None)
    if not session.is_open:
        closed = session.closed_at
        if (
            session.cleared_at is not None
            or closed is None
            or now - closed > clearing_window
        ):
            return TableState(FloorState.FREE, session.cleared_at or closed)
        return TableState(FloorState.NEEDS_CLEARING, closed)

    paying = [p.created_at for p in session.payments if p.status in UNDER_WAY]
    if session.paid_at is None:
        # Part of the bill paid, the rest still to come: paying too.
        paying += [p.created_at for p in session.payments if p.status == SUCCEEDED]
    if paying:
        return TableState(FloorState.PAYING, min(paying))
    if session.paid_at is not None:
        return TableState(FloorState.NEEDS_CLEARING, session.paid_at)

    tickets = session.tickets
    ready = [t.ready_at for t in tickets if t.status == "ready"]
    if ready:
        return TableState(FloorState.FOOD_READY, _earliest(ready))

    bill_at = session.bill_requested_at or _earliest(
        c.created_at for c in session.calls if c.kind == BILL_CALL
    )
    last_order = _latest(o.placed_at for o in session.orders if o.status in PLACED)
    # Asking for the bill, then ordering a coffee, starts a new round.
    if bill_at is not None and (last_order is None or last_order <= bill_at):
        return TableState(FloorState.BILL_REQUESTED, bill_at)

    cooking = [t.fired_at for t in tickets if t.status in COOKING]
    if cooking:
        return TableState(FloorState.WAITING_FOR_FOOD, _earliest(cooking))

    ordering = [
        o.created_at for o in session.orders if o.status == DRAFT and o.line_count > 0
    ] + [o.placed_at for o in session.orders if o.status in AWAITING]
    if any(moment is not None for moment in ordering):
        return TableState(FloorState.ORDERING, _earliest(ordering))

    served = _latest(t.served_at for t in tickets if t.status == "served")
    if served is not None:
        return TableState(FloorState.EATING, served)
    return TableState(FloorState.SEATED, session.opened_at)
