"""Publishing an order to the phones at its table and to the floor."""

from kitchen.events import FLOOR, publish_on_commit, publish_on_stream
from kitchen.groups import floor_group, table_group
from ordering.models import Order
from ordering.serializers import order_data


def order_publish(*, order_id: int, event: str) -> Order:
    """Publish an order's current state (after commit) as `event`.

    The table's phones get it keyed by the order's version; the floor stream
    numbers it, so waiter tablets can spot a gap. Return the order as
    published, with its restaurant and lines loaded.
    """
    order = (
        Order.objects.select_related("restaurant")
        .prefetch_related("lines")
        .get(pk=order_id)
    )
    data = order_data(order)
    publish_on_commit(
        groups=[table_group(order.table_session_id)],
        event=event,
        version=order.version,
        data=data,
    )
    publish_on_stream(
        restaurant_id=order.restaurant_id,
        stream=FLOOR,
        group=floor_group(order.restaurant_id),
        event=event,
        version=order.version,
        data=data,
    )
    return order
