"""Table sessions: opening on first scan, joining, closing, and QR rotation."""

import datetime
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kitchen.events import FLOOR, publish_on_commit, publish_on_stream
from kitchen.groups import floor_group, table_group
from ordering.exceptions import InvalidTableTokenError, NotFoundError, TableClosedError
from ordering.models import (
    Guest,
    Order,
    OrderStatus,
    StaffRole,
    Table,
    TableSession,
    TableSessionStatus,
)
from ordering.selectors import guest_get_by_token, token_hash
from ordering.services.staff import staff_require
from ordering.tokens import table_code_make, table_code_read

FLOOR_ROLES = {StaffRole.OWNER, StaffRole.MANAGER, StaffRole.WAITER}


def _session_event(session: TableSession, event: str) -> None:
    data = {
        "table_session": session.pk,
        "table": session.table_id,
        "status": session.status,
    }
    publish_on_stream(
        restaurant_id=session.restaurant_id,
        stream=FLOOR,
        group=floor_group(session.restaurant_id),
        event=event,
        version=1,
        data=data,
    )
    publish_on_commit(
        groups=[table_group(session.pk)], event=event, version=1, data=data
    )


def _open_session(
    *, table: Table, user=None, party_size: int | None = None
) -> TableSession:
    session = TableSession(
        restaurant_id=table.restaurant_id,
        table=table,
        opened_by=user,
        party_size=party_size,
    )
    session.full_clean()
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:
        # Another phone opened it a moment ago (SQLite has no row lock to
        # queue behind); join theirs.
        return TableSession.objects.get(table=table, status=TableSessionStatus.OPEN)
    _session_event(session, "table_session.opened")
    return session


@transaction.atomic
def table_session_join(
    *, code: str, current_token: str | None = None, language: str = ""
) -> tuple[Guest, str]:
    """Join the open session at a scanned table, opening one if there is none.

    Return the phone's guest and its secret token. A phone that already
    belongs to that session keeps its guest (and its cart).
    """
    parsed = table_code_read(code)
    if parsed is None:
        raise InvalidTableTokenError()
    table_id, version = parsed
    # The lock queues phones scanning the same table at once, so they all
    # land in one session.
    table = (
        Table.objects.select_for_update()
        .select_related("restaurant")
        .filter(pk=table_id)
        .first()
    )
    if (
        table is None
        or table.qr_version != version
        or not table.is_active
        or not table.restaurant.is_active
    ):
        raise InvalidTableTokenError()

    current = guest_get_by_token(token=current_token)
    if (
        current is not None
        and current.table_session.table_id == table.pk
        and current.table_session.is_open
    ):
        return current, current_token  # type: ignore[return-value]

    session = TableSession.objects.filter(
        table=table, status=TableSessionStatus.OPEN
    ).first() or _open_session(table=table)
    token = secrets.token_urlsafe(32)
    guest = Guest(
        table_session=session,
        token_hash=token_hash(token),
        language=language[:2],
    )
    guest.full_clean(exclude=["table_session"])
    guest.save()
    TableSession.objects.filter(pk=session.pk).update(last_activity_at=timezone.now())
    return guest, token


def table_session_open(
    *, table_id: int, user, party_size: int | None = None
) -> TableSession:
    """Seat a party at a table (staff); return the open session."""
    with transaction.atomic():
        table = Table.objects.select_for_update().filter(pk=table_id).first()
        if table is None:
            raise NotFoundError()
        staff_require(user=user, restaurant_id=table.restaurant_id, roles=FLOOR_ROLES)
        existing = TableSession.objects.filter(
            table=table, status=TableSessionStatus.OPEN
        ).first()
        if existing is not None:
            if party_size and existing.party_size != party_size:
                existing.party_size = party_size
                existing.full_clean()
                existing.save(update_fields=["party_size"])
            return existing
        return _open_session(table=table, user=user, party_size=party_size)


def _close(session: TableSession, *, now: datetime.datetime) -> None:
    session.status = TableSessionStatus.CLOSED
    session.closed_at = now
    session.save(update_fields=["status", "closed_at"])
    # Carts left behind can never be placed; drop them with the visit.
    Order.objects.filter(table_session=session, status=OrderStatus.DRAFT).delete()
    _session_event(session, "table_session.closed")


@transaction.atomic
def table_session_close(*, table_session_id: int, user) -> TableSession:
    """End a party's visit (staff); the next scan at the table opens a new one."""
    session = (
        TableSession.objects.select_for_update().filter(pk=table_session_id).first()
    )
    if session is None:
        raise NotFoundError()
    staff_require(user=user, restaurant_id=session.restaurant_id, roles=FLOOR_ROLES)
    if not session.is_open:
        raise TableClosedError(_("This table session is already closed."))
    _close(session, now=timezone.now())
    return session


def table_sessions_close_idle(*, idle_for: datetime.timedelta, now=None) -> int:
    """Close open sessions idle for `idle_for` with nothing still in the kitchen.

    Return how many were closed. Run by the background worker, so a party that
    left without the staff closing their table never leaks into the next.
    """
    now = now or timezone.now()
    active = [OrderStatus.RECEIVED, OrderStatus.PREPARING, OrderStatus.READY]
    candidates = (
        TableSession.objects.filter(
            status=TableSessionStatus.OPEN, last_activity_at__lt=now - idle_for
        )
        .exclude(orders__status__in=active)
        .values_list("pk", flat=True)
    )
    closed = 0
    for pk in list(candidates):
        with transaction.atomic():
            session = (
                TableSession.objects.select_for_update()
                .filter(pk=pk, status=TableSessionStatus.OPEN)
                .first()
            )
            if session is None or session.last_activity_at >= now - idle_for:
                continue
            _close(session, now=now)
            closed += 1
    return closed


@transaction.atomic
def table_code_rotate(*, table_id: int, user) -> str:
    """Invalidate the table's printed QR code and return the new code."""
    table = Table.objects.select_for_update().filter(pk=table_id).first()
    if table is None:
        raise NotFoundError()
    staff_require(
        user=user,
        restaurant_id=table.restaurant_id,
        roles={StaffRole.OWNER, StaffRole.MANAGER},
    )
    Table.objects.filter(pk=table.pk).update(qr_version=F("qr_version") + 1)
    table.refresh_from_db(fields=["qr_version"])
    return table_code_make(table_id=table.pk, version=table.qr_version)


def guest_session_check(guest: Guest, *, lock: bool = False) -> None:
    """Raise TableClosedError if the guest's visit has ended.

    Reads the session afresh (optionally locking it, to serialize with staff
    closing it) rather than trusting the copy loaded with the guest.
    """
    sessions = TableSession.objects.filter(pk=guest.table_session_id)
    if lock:
        sessions = sessions.select_for_update()
    status = sessions.values_list("status", flat=True).first()
    guest.table_session.status = status or TableSessionStatus.CLOSED
    if status != TableSessionStatus.OPEN:
        raise TableClosedError()


@transaction.atomic
def guest_for_staff(*, table_session_id: int, user) -> Guest:
    """Return the waiter's own guest at an open table, creating it on first use.

    Orders a waiter takes for the table go through this guest's cart, so they
    follow exactly the rules and prices guests' orders do.
    """
    session = (
        TableSession.objects.select_for_update().filter(pk=table_session_id).first()
    )
    if session is None:
        raise NotFoundError()
    staff_require(user=user, restaurant_id=session.restaurant_id, roles=FLOOR_ROLES)
    if not session.is_open:
        raise TableClosedError(_("This table session is closed."))
    guest = Guest.objects.filter(table_session=session, staff_user=user).first()
    if guest is None:
        guest = Guest.objects.create(
            table_session=session,
            staff_user=user,
            token_hash=token_hash(secrets.token_urlsafe(32)),
            display_name=(user.get_short_name() or user.get_username())[:40],
        )
    return guest
