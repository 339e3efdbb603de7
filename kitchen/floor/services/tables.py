"""Tables on the floor: seating a party, moving it, merging two tables'
parties into one, and clearing a table after the party leaves.

Locks follow the order ordering's services use: tables first (in id order),
then table sessions, so a phone scanning a table never deadlocks with a
waiter moving its party.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitchen.events import publish_on_commit
from kitchen.floor.exceptions import FloorTableError
from kitchen.floor.models import TableService
from kitchen.floor.selectors.detail import session_group
from kitchen.floor.services.calls import waiter_calls_resolve_for_sessions
from kitchen.floor.services.common import floor_publish, waiter_of_record_claim
from kitchen.groups import table_group
from kitchen.services.access import FLOOR_ROLES
from ordering.exceptions import NotFoundError, TableClosedError
from ordering.models import Table, TableSession, TableSessionStatus
from ordering.services.staff import staff_require
from ordering.services.tables import table_session_close, table_session_open


def floor_table_seat(*, table_id: int, party_size: int, user) -> TableSession:
    """Seat a party of `party_size` at a table and look after it.

    A table whose guests already scanned its code keeps their visit; the
    party size is recorded on it.
    """
    with transaction.atomic():
        session = table_session_open(
            table_id=table_id, user=user, party_size=party_size
        )
        waiter_of_record_claim(table_session_id=session.pk, user=user)
        floor_publish(
            restaurant_id=session.restaurant_id,
            event="table_session.seated",
            data={
                "table_session": session.pk,
                "table": session.table_id,
                "party_size": session.party_size,
            },
        )
    return session


def _lock_tables(table_ids: set[int]) -> dict[int, Table]:
    tables = Table.objects.select_for_update().filter(pk__in=table_ids).order_by("pk")
    return {table.pk: table for table in tables}


def _lock_open_session(
    *, table_session_id: int, user, other_table_id: int | None = None
) -> tuple[TableSession, Table | None]:
    """Lock a session's table (and `other_table_id`), then the session.

    Tables are locked in id order. Return the session, with the other table
    if it is in the same restaurant. Raise if the user may not act, or the
    session is gone, closed, or moved while the lock was awaited.
    """
    table_id = (
        TableSession.objects.filter(pk=table_session_id)
        .values_list("table_id", flat=True)
        .first()
    )
    if table_id is None:
        raise NotFoundError()
    wanted = {table_id} if other_table_id is None else {table_id, other_table_id}
    tables = _lock_tables(wanted)
    session = (
        TableSession.objects.select_for_update()
        .select_related("table")
        .get(pk=table_session_id)
    )
    staff_require(user=user, restaurant_id=session.restaurant_id, roles=FLOOR_ROLES)
    if session.table_id != table_id:
        raise FloorTableError(_("This party was just moved. Look at the floor again."))
    if not session.is_open:
        raise TableClosedError(_("This table session is closed."))
    if other_table_id is None:
        return session, None
    other = tables.get(other_table_id)
    if other is None or other.restaurant_id != session.restaurant_id:
        raise NotFoundError(_("There is no such table here."), code="unknown_table")
    if not other.is_active:
        raise FloorTableError(
            _("Table %(label)s is not in use.") % {"label": other.label}
        )
    if other.pk == session.table_id:
        raise FloorTableError(_("The party is already at this table."))
    return session, other


@transaction.atomic
def table_session_move(
    *, table_session_id: int, to_table_id: int, user
) -> TableSession:
    """Move a party, with its orders, phones and calls, to a free table."""
    session, target = _lock_open_session(
        table_session_id=table_session_id, user=user, other_table_id=to_table_id
    )
    assert target is not None
    if TableSession.objects.filter(
        table=target, status=TableSessionStatus.OPEN
    ).exists():
        raise FloorTableError(
            _("Table %(label)s is taken. Merge the parties instead.")
            % {"label": target.label}
        )
    from_table = session.table_id
    session.table = target
    session.save(update_fields=["table"])
    waiter_of_record_claim(table_session_id=session.pk, user=user)
    data = {
        "table_session": session.pk,
        "from_table": from_table,
        "to_table": target.pk,
    }
    floor_publish(
        restaurant_id=session.restaurant_id, event="table_session.moved", data=data
    )
    # The phones: their visit now belongs to another table.
    publish_on_commit(
        groups=[table_group(session.pk)],
        event="table_session.moved",
        version=1,
        data={**data, "table": target.label},
    )
    return session


def _root_locked(session: TableSession) -> TableSession:
    seen = {session.pk}
    while session.merged_into_id is not None and session.merged_into_id not in seen:
        parent = (
            TableSession.objects.select_for_update()
            .select_related("table")
            .filter(pk=session.merged_into_id, status=TableSessionStatus.OPEN)
            .first()
        )
        if parent is None:
            break
        session = parent
        seen.add(session.pk)
    return session


@transaction.atomic
def table_session_merge(
    *, table_session_id: int, into_table_id: int, user
) -> TableSession:
    """Join a party to the one at another table: tables pushed together.

    Both visits stay open (phones at either table keep ordering, and each
    table's tickets name their own table); the moved-in party, and any table
    merged into it, now belongs to the other party's visit (`merged_into`),
    so the floor shows one party and the bill covers both.
    """
    source, target_table = _lock_open_session(
        table_session_id=table_session_id, user=user, other_table_id=into_table_id
    )
    assert target_table is not None
    target = (
        TableSession.objects.select_for_update()
        .select_related("table")
        .filter(table=target_table, status=TableSessionStatus.OPEN)
        .first()
    )
    if target is None:
        raise FloorTableError(
            _("Nobody is seated at table %(label)s. Move the party there instead.")
            % {"label": target_table.label}
        )
    root = _root_locked(target)
    if root.pk == source.pk:
        raise FloorTableError(_("These tables are already together."))
    if source.merged_into_id == root.pk:
        return source
    TableSession.objects.filter(merged_into=source).update(merged_into=root)
    source.merged_into = root
    source.save(update_fields=["merged_into"])
    waiter_of_record_claim(table_session_id=root.pk, user=user)
    floor_publish(
        restaurant_id=source.restaurant_id,
        event="table_session.merged",
        data={
            "table_session": source.pk,
            "table": source.table_id,
            "into_table_session": root.pk,
            "into_table": root.table_id,
        },
    )
    return source


@transaction.atomic
def table_session_unmerge(*, table_session_id: int, user) -> TableSession:
    """Undo a merge: the party at this table has its own visit again."""
    session, _other = _lock_open_session(table_session_id=table_session_id, user=user)
    if session.merged_into_id is None:
        raise FloorTableError(_("This table is not merged with another."))
    into = session.merged_into_id
    session.merged_into = None
    session.save(update_fields=["merged_into"])
    floor_publish(
        restaurant_id=session.restaurant_id,
        event="table_session.unmerged",
        data={
            "table_session": session.pk,
            "table": session.table_id,
            "from_table_session": into,
        },
    )
    return session


@transaction.atomic
def floor_table_clear(*, table_id: int, user) -> list[TableSession]:
    """Close the party's visit at a table, and mark its tables cleared.

    The whole party goes: every table merged with it is closed and cleared
    too, and their calls are resolved. A table whose visit was already
    closed (the party paid and left) is only marked cleared. Return the
    sessions cleared (none if the table was already free and clear).
    """
    table = Table.objects.select_for_update().filter(pk=table_id).first()
    if table is None:
        raise NotFoundError(_("There is no such table here."), code="unknown_table")
    staff_require(user=user, restaurant_id=table.restaurant_id, roles=FLOOR_ROLES)
    session = TableSession.objects.filter(
        table=table, status=TableSessionStatus.OPEN
    ).first()
    if session is not None:
        sessions = session_group(table_session=session)
        ids = [s.pk for s in sessions]
        waiter_calls_resolve_for_sessions(table_session_ids=ids, user=user)
        for member in sessions:
            table_session_close(table_session_id=member.pk, user=user)
    else:
        last = (
            TableSession.objects.filter(table=table, status=TableSessionStatus.CLOSED)
            .order_by("-closed_at", "-pk")
            .first()
        )
        already = (
            last is None
            or TableService.objects.filter(
                table_session=last, cleared_at__isnull=False
            ).exists()
        )
        if already:
            return []
        sessions = [last]  # type: ignore[list-item]
    now = timezone.now()
    for member in sessions:
        service, _created = TableService.objects.get_or_create(
            table_session_id=member.pk
        )
        if service.cleared_at is None:
            service.cleared_at = now
            service.cleared_by = user
            service.save(update_fields=["cleared_at", "cleared_by"])
    floor_publish(
        restaurant_id=table.restaurant_id,
        event="table.cleared",
        data={
            "tables": sorted({s.table_id for s in sessions}),
            "table_sessions": [s.pk for s in sessions],
        },
    )
    return sessions
