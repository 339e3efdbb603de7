"""Guests asking for a waiter, the bill or help; waiters answering.

Each change goes to the floor stream (the tablets) and to the table's group
(the phones, which show "on the way" once a waiter has answered).
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kitchen.events import publish_on_commit
from kitchen.floor.exceptions import CallError, CallStateError
from kitchen.floor.models import LIVE_CALL_STATUSES, CallKind, CallStatus, WaiterCall
from kitchen.floor.selectors.payloads import (
    call_data,
    call_data_for_guest,
    calls_with_details,
)
from kitchen.floor.services.common import floor_publish, waiter_of_record_claim
from kitchen.groups import table_group
from kitchen.services.access import FLOOR_ROLES
from ordering.exceptions import NotFoundError, RateLimitedError
from ordering.models import Guest, TableSession
from ordering.ratelimit import hit
from ordering.services.staff import staff_require
from ordering.services.tables import guest_session_check

REASON_MAX_LENGTH = 200
# New calls one table may make per window: plenty for a real party, not for
# a phone that taps the button in a loop.
CALLS_PER_WINDOW = 12
CALL_WINDOW_SECONDS = 600


def _publish(call_id: int, event: str) -> WaiterCall:
    call = calls_with_details().get(pk=call_id)
    floor_publish(
        restaurant_id=call.restaurant_id,
        event=event,
        version=call.version,
        data=call_data(call),
    )
    publish_on_commit(
        groups=[table_group(call.table_session_id)],
        event=event,
        version=call.version,
        data=call_data_for_guest(call),
    )
    return call


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise CallError(
            _("Keep the reason under 200 characters."), code="reason_too_long"
        )
    return reason


def _rate_limit(table_session_id: int) -> None:
    allowed, retry_after = hit(
        f"waiter-call:{table_session_id}",
        limit=CALLS_PER_WINDOW,
        window_seconds=CALL_WINDOW_SECONDS,
    )
    if not allowed:
        raise RateLimitedError(
            _(
                "Your table has called many times in a short while. Please wait "
                "%(seconds)d seconds, or wave to the staff."
            )
            % {"seconds": retry_after},
            extra={"retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


@transaction.atomic
def waiter_call_create(*, guest: Guest, kind: str, reason: str = "") -> WaiterCall:
    """Call a waiter to the guest's table (or ask for the bill, or for help).

    A call of the same kind still waiting at the table is returned instead of
    making a second one: a double tap, or two phones at one table, make one
    call. Asking for the bill records when the table first asked.
    """
    if kind not in CallKind.values:
        raise CallError(
            _("Choose what you need: a waiter, the bill or help."), code="call_kind"
        )
    reason = _clean_reason(reason)
    # The lock queues calls from the phones of one table.
    guest_session_check(guest, lock=True)
    live = (
        WaiterCall.objects.select_for_update()
        .filter(
            table_session_id=guest.table_session_id,
            kind=kind,
            status__in=LIVE_CALL_STATUSES,
        )
        .first()
    )
    if live is not None:
        return live
    _rate_limit(guest.table_session_id)
    now = timezone.now()
    call = WaiterCall(
        restaurant_id=guest.table_session.restaurant_id,
        table_session_id=guest.table_session_id,
        guest=guest,
        kind=kind,
        reason=reason,
        created_at=now,
    )
    call.full_clean(exclude=["restaurant", "table_session", "guest"])
    call.save()
    if kind == CallKind.BILL:
        TableSession.objects.filter(
            pk=guest.table_session_id, bill_requested_at__isnull=True
        ).update(bill_requested_at=now)
    return _publish(call.pk, "waiter_call.created")


def _locked(call_id: int) -> WaiterCall:
    call = WaiterCall.objects.select_for_update().filter(pk=call_id).first()
    if call is None:
        raise NotFoundError(_("That call does not exist."), code="unknown_call")
    return call


def _save(call: WaiterCall, fields: list[str]) -> None:
    call.version = F("version") + 1  # type: ignore[assignment]
    call.save(update_fields=[*fields, "version"])


@transaction.atomic
def waiter_call_acknowledge(*, call_id: int, user) -> WaiterCall:
    """Answer a call: the guest's phone shows that a waiter is on the way.

    A call a colleague answered a moment earlier stays theirs.
    """
    call = _locked(call_id)
    staff_require(user=user, restaurant_id=call.restaurant_id, roles=FLOOR_ROLES)
    if call.status in (CallStatus.RESOLVED, CallStatus.CANCELLED):
        raise CallStateError(
            _("This call is already closed."), extra={"status": call.status}
        )
    if call.status == CallStatus.ACKNOWLEDGED:
        return calls_with_details().get(pk=call.pk)
    call.status = CallStatus.ACKNOWLEDGED
    call.acknowledged_at = timezone.now()
    call.acknowledged_by = user
    _save(call, ["status", "acknowledged_at", "acknowledged_by"])
    waiter_of_record_claim(table_session_id=call.table_session_id, user=user)
    return _publish(call.pk, "waiter_call.acknowledged")


def _resolve(call: WaiterCall, *, user, now) -> None:
    fields = ["status", "resolved_at", "resolved_by"]
    if call.acknowledged_at is None:
        # Dealt with at once: answered and done at the same moment.
        call.acknowledged_at = now
        call.acknowledged_by = user
        fields += ["acknowledged_at", "acknowledged_by"]
    call.status = CallStatus.RESOLVED
    call.resolved_at = now
    call.resolved_by = user
    _save(call, fields)


@transaction.atomic
def waiter_call_resolve(*, call_id: int, user) -> WaiterCall:
    """Mark a call dealt with; it leaves the tablets and the guest's phone."""
    call = _locked(call_id)
    staff_require(user=user, restaurant_id=call.restaurant_id, roles=FLOOR_ROLES)
    if call.status == CallStatus.CANCELLED:
        raise CallStateError(
            _("The guest cancelled this call."), extra={"status": call.status}
        )
    if call.status == CallStatus.RESOLVED:
        return calls_with_details().get(pk=call.pk)
    _resolve(call, user=user, now=timezone.now())
    waiter_of_record_claim(table_session_id=call.table_session_id, user=user)
    return _publish(call.pk, "waiter_call.resolved")


@transaction.atomic
def waiter_call_cancel(*, guest: Guest, call_id: int) -> WaiterCall:
    """Take back a call from a phone at the same table ("never mind")."""
    call = (
        WaiterCall.objects.select_for_update()
        .filter(pk=call_id, table_session_id=guest.table_session_id)
        .first()
    )
    if call is None:
        raise NotFoundError(_("That call does not exist."), code="unknown_call")
    if not call.is_live:
        return call
    call.status = CallStatus.CANCELLED
    call.resolved_at = timezone.now()
    _save(call, ["status", "resolved_at"])
    if call.kind == CallKind.BILL:
        # The table asked for the bill by mistake: it has not asked after all.
        TableSession.objects.filter(
            pk=call.table_session_id, bill_requested_at=call.created_at
        ).update(bill_requested_at=None)
    return _publish(call.pk, "waiter_call.cancelled")


def waiter_calls_resolve_for_sessions(*, table_session_ids: list[int], user) -> int:
    """Resolve every live call of these sessions (their party has left).

    Call inside a transaction; return how many were resolved.
    """
    calls = list(
        WaiterCall.objects.select_for_update()
        .filter(table_session_id__in=table_session_ids, status__in=LIVE_CALL_STATUSES)
        .order_by("pk")
    )
    now = timezone.now()
    for call in calls:
        _resolve(call, user=user, now=now)
        _publish(call.pk, "waiter_call.resolved")
    return len(calls)
