"""The floor plan a manager keeps: areas (dining room, terrace…) and tables.

QR stickers are rotated by `ordering.services.tables.table_code_rotate`.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ordering.exceptions import DomainError, NotFoundError
from ordering.models import Area, Table, TableSession, TableSessionStatus
from ordering.services.staff import staff_require
from ordering.services.team import MANAGER_ROLES


def _clean(row) -> None:
    """full_clean(), with the first problem as a DomainError a person can read."""
    try:
        row.full_clean()
    except ValidationError as error:
        messages = [m for ms in error.message_dict.values() for m in ms]
        raise DomainError(messages[0] if messages else None) from None


def _name_taken(row) -> None:
    """Raise when another area or table of the restaurant has the same name."""
    if isinstance(row, Area):
        taken = (
            Area.objects.filter(restaurant_id=row.restaurant_id, name=row.name)
            .exclude(pk=row.pk)
            .exists()
        )
        message = _("There is already an area called %(name)s.")
        name = row.name
    else:
        taken = (
            Table.objects.filter(restaurant_id=row.restaurant_id, label=row.label)
            .exclude(pk=row.pk)
            .exists()
        )
        message = _("There is already a table %(name)s.")
        name = row.label
    if taken:
        raise DomainError(message % {"name": name}, code="name_taken")


def _save(row, **kwargs) -> None:
    # Unique names are checked by full_clean(); the constraint still catches
    # two managers saving the same name at once.
    try:
        with transaction.atomic():
            row.save(**kwargs)
    except IntegrityError:
        raise DomainError(_("That name is already in use here.")) from None


def _area(*, restaurant_id: int, area_id: int | None) -> Area | None:
    if area_id is None:
        return None
    area = Area.objects.filter(pk=area_id, restaurant_id=restaurant_id).first()
    if area is None:
        raise NotFoundError()
    return area


def area_create(*, restaurant_id: int, name: str, user) -> Area:
    staff_require(user=user, restaurant_id=restaurant_id, roles=MANAGER_ROLES)
    last = Area.objects.filter(restaurant_id=restaurant_id).aggregate(
        last=Max("position")
    )["last"]
    area = Area(
        restaurant_id=restaurant_id,
        name=(name or "").strip(),
        position=(last + 1) if last is not None else 0,
    )
    _name_taken(area)
    _clean(area)
    _save(area)
    return area


def area_rename(*, restaurant_id: int, area_id: int, name: str, user) -> Area:
    staff_require(user=user, restaurant_id=restaurant_id, roles=MANAGER_ROLES)
    area = _area(restaurant_id=restaurant_id, area_id=area_id)
    assert area is not None
    area.name = (name or "").strip()
    _name_taken(area)
    _clean(area)
    _save(area, update_fields=["name"])
    return area


def table_create(
    *, restaurant_id: int, label: str, seats: int, area_id: int | None, user
) -> Table:
    """Add a table; its QR code starts at version 1."""
    staff_require(user=user, restaurant_id=restaurant_id, roles=MANAGER_ROLES)
    last = Table.objects.filter(restaurant_id=restaurant_id).aggregate(
        last=Max("position")
    )["last"]
    table = Table(
        restaurant_id=restaurant_id,
        label=(label or "").strip(),
        seats=seats,
        area=_area(restaurant_id=restaurant_id, area_id=area_id),
        position=(last + 1) if last is not None else 0,
    )
    _name_taken(table)
    _clean(table)
    _save(table)
    return table


@transaction.atomic
def table_update(
    *,
    restaurant_id: int,
    table_id: int,
    label: str,
    seats: int,
    area_id: int | None,
    user,
) -> Table:
    """Rename a table, change its seats or move it to another area.

    Its QR code names the table by id, so printed stickers keep working.
    """
    staff_require(user=user, restaurant_id=restaurant_id, roles=MANAGER_ROLES)
    table = (
        Table.objects.select_for_update()
        .filter(pk=table_id, restaurant_id=restaurant_id)
        .first()
    )
    if table is None:
        raise NotFoundError()
    table.label = (label or "").strip()
    table.seats = seats
    table.area = _area(restaurant_id=restaurant_id, area_id=area_id)
    _name_taken(table)
    _clean(table)
    _save(table, update_fields=["label", "seats", "area"])
    return table


@transaction.atomic
def table_active_set(
    *, restaurant_id: int, table_id: int, is_active: bool, user
) -> Table:
    """Take a table out of use (its code stops opening visits) or back in.

    A table with guests at it stays in use until their visit is closed.
    """
    staff_require(user=user, restaurant_id=restaurant_id, roles=MANAGER_ROLES)
    table = (
        Table.objects.select_for_update()
        .filter(pk=table_id, restaurant_id=restaurant_id)
        .first()
    )
    if table is None:
        raise NotFoundError()
    if (
        not is_active
        and TableSession.objects.filter(
            table=table, status=TableSessionStatus.OPEN
        ).exists()
    ):
        raise DomainError(
            _("Table %(table)s has guests. Close their visit first.")
            % {"table": table.label},
            code="table_in_use",
        )
    if table.is_active != is_active:
        table.is_active = is_active
        table.save(update_fields=["is_active"])
    return table
