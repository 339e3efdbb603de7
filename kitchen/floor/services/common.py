"""Helpers the floor's services share: publishing on the floor stream and
recording the waiter who looks after a party."""

from typing import Any

from django.db import IntegrityError, transaction

from kitchen.events import FLOOR, publish_on_stream
from kitchen.floor.models import TableService
from kitchen.groups import floor_group


def floor_publish(
    *, restaurant_id: int, event: str, data: dict[str, Any], version: int = 1
) -> int:
    """Number an event on the restaurant's floor stream; send it after commit.

    Call inside the transaction that made the change.
    """
    return publish_on_stream(
        restaurant_id=restaurant_id,
        stream=FLOOR,
        group=floor_group(restaurant_id),
        event=event,
        version=version,
        data=data,
    )


def waiter_of_record_claim(*, table_session_id: int, user) -> None:
    """Record `user` as the waiter looking after a party, unless someone is.

    The first member of staff to seat, answer, order for or serve a party
    gets the table session in the service-time reports.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return
    service = TableService.objects.filter(table_session_id=table_session_id).first()
    if service is None:
        try:
            with transaction.atomic():
                TableService.objects.create(
                    table_session_id=table_session_id, waiter=user
                )
            return
        except IntegrityError:
            pass  # created a moment ago by a colleague's request
    TableService.objects.filter(
        table_session_id=table_session_id, waiter__isnull=True
    ).update(waiter=user)
