"""Guests call a waiter, ask for the bill or for help; waiters answer."""

import datetime

import pytest

from kitchen.floor.exceptions import CallError, CallStateError
from kitchen.floor.models import WaiterCall
from kitchen.floor.services.calls import (
    CALLS_PER_WINDOW,
    waiter_call_acknowledge,
    waiter_call_cancel,
    waiter_call_create,
    waiter_call_resolve,
)
from ordering.exceptions import (
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    TableClosedError,
)
from ordering.models import TableSession
from ordering.services.tables import table_session_close, table_session_join
from ordering.tokens import table_code_make
from tests.factories import TableFactory
from tests.floor.conftest import events_to, floor_events


def test_a_guest_calls_the_waiter_and_the_floor_and_table_hear_it(
    floor, guest, clock, capture_events
):
    # when
    with capture_events() as sent:
        call = waiter_call_create(guest=guest, kind="waiter", reason=" Allergy? ")
    # then
    call.refresh_from_db()
    assert (call.kind, call.reason, call.status) == ("waiter", "Allergy?", "open")
    assert (call.table_session_id, call.guest_id) == (guest.table_session_id, guest.pk)
    assert call.created_at == clock.now
    assert floor_events(sent) == [("waiter_call.created", 2)]
    assert events_to(sent, "table.") == ["waiter_call.created"]
    floor_payload = next(env for group, env in sent if group.startswith("floor."))
    assert floor_payload["data"] == {
        "id": call.pk,
        "version": 1,
        "kind": "waiter",
        "reason": "Allergy?",
        "status": "open",
        "table_session": guest.table_session_id,
        "table": floor.t7.pk,
        "table_label": "7",
        "area": floor.hall.pk,
        "created_at": "2026-11-20T17:00:00Z",
        "acknowledged_at": None,
        "acknowledged_by": None,
        "acknowledged_by_name": "",
        "resolved_at": None,
    }
    phone_payload = next(env for group, env in sent if group.startswith("table."))
    assert "acknowledged_by_name" not in phone_payload["data"]


def test_a_second_tap_joins_the_call_already_waiting(guest, join, capture_events):
    # given
    first = waiter_call_create(guest=guest, kind="help")
    other_phone = join()[0]
    # when
    with capture_events() as sent:
        again = waiter_call_create(guest=other_phone, kind="help", reason="x")
    # then
    assert again.pk == first.pk
    assert WaiterCall.objects.count() == 1
    assert sent == []


def test_asking_for_the_bill_records_when_the_table_first_asked(guest, waiter, clock):
    # when
    first = waiter_call_create(guest=guest, kind="bill")
    clock.advance(minutes=3)
    waiter_call_resolve(call_id=first.pk, user=waiter)
    clock.advance(minutes=3)
    waiter_call_create(guest=guest, kind="bill")
    # then
    session = TableSession.objects.get(pk=guest.table_session_id)
    assert session.bill_requested_at == first.created_at
    assert WaiterCall.objects.filter(kind="bill").count() == 2


@pytest.mark.parametrize(
    ("_case", "kind", "reason", "code"),
    [
        ("unknown kind", "dance", "", "call_kind"),
        ("reason too long", "help", "x" * 201, "reason_too_long"),
    ],
)
def test_invalid_calls_are_refused(guest, capture_events, _case, kind, reason, code):
    with capture_events() as sent, pytest.raises(CallError) as error:
        waiter_call_create(guest=guest, kind=kind, reason=reason)
    assert error.value.code == code
    assert WaiterCall.objects.count() == 0
    assert sent == []


def test_a_closed_table_cannot_call(guest, waiter, capture_events):
    # given
    table_session_close(table_session_id=guest.table_session_id, user=waiter)
    # when / then
    with capture_events() as sent, pytest.raises(TableClosedError):
        waiter_call_create(guest=guest, kind="waiter")
    assert WaiterCall.objects.count() == 0
    assert sent == []


def test_a_table_calling_in_a_loop_is_slowed_down(guest, waiter):
    # given: the table used up its calls, each answered at once
    for _ in range(CALLS_PER_WINDOW):
        call = waiter_call_create(guest=guest, kind="waiter")
        waiter_call_resolve(call_id=call.pk, user=waiter)
    # when / then
    with pytest.raises(RateLimitedError):
        waiter_call_create(guest=guest, kind="waiter")
    assert WaiterCall.objects.count() == CALLS_PER_WINDOW


def test_a_waiter_answers_and_the_response_time_is_recorded(
    guest, waiter, clock, capture_events
):
    # given
    call = waiter_call_create(guest=guest, kind="waiter")
    clock.advance(seconds=75)
    # when
    with capture_events() as sent:
        answered = waiter_call_acknowledge(call_id=call.pk, user=waiter)
    # then
    call.refresh_from_db()
    assert (call.status, call.acknowledged_by_id, call.version) == (
        "acknowledged",
        waiter.pk,
        2,
    )
    assert call.response_seconds == 75.0
    assert answered.pk == call.pk
    assert events_to(sent, "floor.") == ["waiter_call.acknowledged"]
    phone = next(env for group, env in sent if group.startswith("table."))
    assert (phone["event"], phone["version"], phone["data"]["status"]) == (
        "waiter_call.acknowledged",
        2,
        "acknowledged",
    )
    assert guest.table_session.floor_service.waiter_id == waiter.pk


def test_a_colleague_answering_second_changes_nothing(
    guest, waiter, staff, capture_events
):
    # given
    call = waiter_call_create(guest=guest, kind="waiter")
    waiter_call_acknowledge(call_id=call.pk, user=waiter)
    # when
    with capture_events() as sent:
        waiter_call_acknowledge(call_id=call.pk, user=staff("waiter"))
    # then
    call.refresh_from_db()
    assert (call.acknowledged_by_id, call.version) == (waiter.pk, 2)
    assert sent == []


def test_resolving_an_unanswered_call_answers_it_at_the_same_moment(
    guest, waiter, clock
):
    # given
    call = waiter_call_create(guest=guest, kind="help")
    clock.advance(seconds=40)
    # when
    waiter_call_resolve(call_id=call.pk, user=waiter)
    # then
    call.refresh_from_db()
    assert call.status == "resolved"
    assert call.acknowledged_at == call.resolved_at == clock.now
    assert (call.acknowledged_by_id, call.resolved_by_id) == (waiter.pk, waiter.pk)
    assert call.response_seconds == 40.0


def test_the_guest_takes_back_a_bill_request(guest, capture_events):
    # given
    call = waiter_call_create(guest=guest, kind="bill")
    # when
    with capture_events() as sent:
        waiter_call_cancel(guest=guest, call_id=call.pk)
    # then
    call.refresh_from_db()
    assert call.status == "cancelled"
    assert call.resolved_at is not None
    assert TableSession.objects.get(pk=guest.table_session_id).bill_requested_at is None
    assert events_to(sent, "floor.") == ["waiter_call.cancelled"]
    assert events_to(sent, "table.") == ["waiter_call.cancelled"]


def test_a_cancelled_call_cannot_be_answered(guest, waiter):
    call = waiter_call_create(guest=guest, kind="waiter")
    waiter_call_cancel(guest=guest, call_id=call.pk)
    with pytest.raises(CallStateError):
        waiter_call_acknowledge(call_id=call.pk, user=waiter)
    with pytest.raises(CallStateError):
        waiter_call_resolve(call_id=call.pk, user=waiter)


@pytest.mark.parametrize("_case", ["acknowledge", "resolve"])
def test_staff_of_another_restaurant_cannot_answer(
    guest, outsider, capture_events, _case
):
    # given
    call = waiter_call_create(guest=guest, kind="waiter")
    action = waiter_call_acknowledge if _case == "acknowledge" else waiter_call_resolve
    # when / then
    with capture_events() as sent, pytest.raises(PermissionDeniedError):
        action(call_id=call.pk, user=outsider)
    call.refresh_from_db()
    assert (call.status, call.version) == ("open", 1)
    assert sent == []


def test_a_phone_at_another_table_cannot_cancel(guest, restaurant):
    # given
    call = waiter_call_create(guest=guest, kind="waiter")
    other = TableFactory(restaurant=restaurant, label="99")
    stranger, _token = table_session_join(
        code=table_code_make(table_id=other.pk, version=other.qr_version)
    )
    # when / then
    with pytest.raises(NotFoundError):
        waiter_call_cancel(guest=stranger, call_id=call.pk)
    call.refresh_from_db()
    assert call.status == "open"


def test_response_seconds_is_empty_until_answered():
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    assert WaiterCall(created_at=now).response_seconds is None
