"""The table state: plain facts in, state and since when out."""

import datetime

import pytest

from kitchen.floor.states import (
    CallFacts,
    FloorState,
    OrderFacts,
    PaymentFacts,
    SessionFacts,
    TableState,
    TicketFacts,
    table_state,
)

NOW = datetime.datetime(2026, 11, 20, 19, 0, tzinfo=datetime.UTC)


def at(minutes_ago: int) -> datetime.datetime:
    return NOW - datetime.timedelta(minutes=minutes_ago)


SEATED = at(60)


def session(**facts) -> SessionFacts:
    return SessionFacts(is_open=True, opened_at=SEATED, **facts)


def test_a_table_never_used_is_free():
    assert table_state(None, now=NOW) == TableState(FloorState.FREE, None)


@pytest.mark.parametrize(
    ("_case", "facts", "expected"),
    [
        (
            "party left a moment ago",
            SessionFacts(is_open=False, opened_at=at(90), closed_at=at(5)),
            TableState(FloorState.NEEDS_CLEARING, at(5)),
        ),
        (
            "cleared after they left",
            SessionFacts(
                is_open=False, opened_at=at(90), closed_at=at(5), cleared_at=at(2)
            ),
            TableState(FloorState.FREE, at(2)),
        ),
        (
            "left hours ago: assumed cleared",
            SessionFacts(is_open=False, opened_at=at(400), closed_at=at(181)),
            TableState(FloorState.FREE, at(181)),
        ),
    ],
)
def test_a_table_without_a_party(_case, facts, expected):
    assert table_state(facts, now=NOW) == expected


@pytest.mark.parametrize(
    ("_case", "facts", "expected"),
    [
        ("just seated", session(), TableState(FloorState.SEATED, SEATED)),
        (
            "an empty cart is not ordering",
            session(orders=(OrderFacts("draft", at(50), line_count=0),)),
            TableState(FloorState.SEATED, SEATED),
        ),
        (
            "dishes in a cart",
            session(orders=(OrderFacts("draft", at(50), line_count=2),)),
            TableState(FloorState.ORDERING, at(50)),
        ),
        (
            "first order waits for a waiter's approval",
            session(orders=(OrderFacts("awaiting_approval", at(48), at(45)),)),
            TableState(FloorState.ORDERING, at(45)),
        ),
        (
            "the kitchen is cooking",
            session(
                orders=(OrderFacts("preparing", at(45), at(40)),),
                tickets=(
                    TicketFacts("preparing", fired_at=at(40)),
                    TicketFacts("received", fired_at=at(38)),
                ),
            ),
            TableState(FloorState.WAITING_FOR_FOOD, at(40)),
        ),
        (
            "a held main course is not cooking",
            session(
                orders=(OrderFacts("served", at(45), at(40)),),
                tickets=(
                    TicketFacts("served", at(40), at(30), served_at=at(28)),
                    TicketFacts("held"),
                ),
            ),
            TableState(FloorState.EATING, at(28)),
        ),
        (
            "one station ready, another still cooking",
            session(
                orders=(OrderFacts("preparing", at(45), at(40)),),
                tickets=(
                    TicketFacts("ready", at(40), ready_at=at(10)),
                    TicketFacts("preparing", at(40)),
                ),
            ),
            TableState(FloorState.FOOD_READY, at(10)),
        ),
        (
            "eating since the last dish was served",
            session(
                orders=(OrderFacts("served", at(45), at(40)),),
                tickets=(
                    TicketFacts("served", at(40), at(30), at(29)),
                    TicketFacts("served", at(40), at(25), at(24)),
                ),
            ),
            TableState(FloorState.EATING, at(24)),
        ),
        (
            "dessert in the cart while eating",
            session(
                orders=(
                    OrderFacts("served", at(45), at(40)),
                    OrderFacts("draft", at(5), line_count=1),
                ),
                tickets=(TicketFacts("served", at(40), at(30), at(29)),),
            ),
            TableState(FloorState.ORDERING, at(5)),
        ),
        (
            "asked for the bill",
            session(
                bill_requested_at=at(8),
                orders=(OrderFacts("served", at(45), at(40)),),
                tickets=(TicketFacts("served", at(40), at(30), at(29)),),
                calls=(CallFacts("bill", at(8)),),
            ),
            TableState(FloorState.BILL_REQUESTED, at(8)),
        ),
        (
            "a bill call before the time is recorded",
            session(calls=(CallFacts("bill", at(3)), CallFacts("waiter", at(4)))),
            TableState(FloorState.BILL_REQUESTED, at(3)),
        ),
        (
            "a waiter call changes nothing",
            session(calls=(CallFacts("waiter", at(4)),)),
            TableState(FloorState.SEATED, SEATED),
        ),
        (
            "ordered coffee after asking for the bill",
            session(
                bill_requested_at=at(8),
                orders=(OrderFacts("received", at(6), at(5)),),
                tickets=(TicketFacts("received", at(5)),),
            ),
            TableState(FloorState.WAITING_FOR_FOOD, at(5)),
        ),
        (
            "food ready beats the bill",
            session(
                bill_requested_at=at(8),
                tickets=(TicketFacts("ready", at(20), ready_at=at(2)),),
            ),
            TableState(FloorState.FOOD_READY, at(2)),
        ),
        (
            "a card payment under way",
            session(
                bill_requested_at=at(8),
                payments=(
                    PaymentFacts("failed", at(7)),
                    PaymentFacts("requires_action", at(3)),
                ),
            ),
            TableState(FloorState.PAYING, at(3)),
        ),
        (
            "one of two paid, the other still to pay",
            session(
                bill_requested_at=at(8),
                payments=(PaymentFacts("succeeded", at(6)),),
            ),
            TableState(FloorState.PAYING, at(6)),
        ),
        (
            "paid in full, party still at the table",
            session(
                bill_requested_at=at(8),
                paid_at=at(2),
                payments=(PaymentFacts("succeeded", at(6)),),
            ),
            TableState(FloorState.NEEDS_CLEARING, at(2)),
        ),
        (
            "cancelled payments are not paying",
            session(
                bill_requested_at=at(8), payments=(PaymentFacts("cancelled", at(6)),)
            ),
            TableState(FloorState.BILL_REQUESTED, at(8)),
        ),
    ],
)
def test_a_table_with_a_party(_case, facts, expected):
    assert table_state(facts, now=NOW) == expected


def test_every_state_has_a_lowercase_snake_value():
    assert [state.value for state in FloorState] == [
        "free",
        "seated",
        "ordering",
        "waiting_for_food",
        "food_ready",
        "eating",
        "bill_requested",
        "paying",
        "needs_clearing",
    ]
