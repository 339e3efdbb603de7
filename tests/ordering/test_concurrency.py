"""Races that only a real database with row locks can decide (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from ordering.exceptions import DomainError
from ordering.models import Guest, Order, TableSession
from ordering.services.orders import cart_line_add, order_submit
from ordering.services.tables import table_session_join

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(count: int, work) -> list:
    """Run `work(i)` in `count` threads released at the same moment."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except DomainError as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_phones_scanning_at_once_share_one_session(table_code):
    assert connection.vendor == "postgresql"
    # when: eight phones scan the same sticker at the same moment
    results = _race(8, lambda i: table_session_join(code=table_code))
    # then
    assert TableSession.objects.count() == 1
    assert Guest.objects.count() == 8
    assert len({guest.table_session_id for guest, _ in results}) == 1


def test_double_submit_at_once_places_one_order(menu, join):
    # given
    guest, _ = join()
    cart = cart_line_add(guest=guest, menu_item_id=menu.soup.pk, quantity=1)
    # when: the same cart is submitted from two taps at the same moment
    results = _race(2, lambda i: order_submit(guest=guest, cart_id=cart.pk))
    # then
    assert {order.pk for order in results} == {cart.pk}
    placed = Order.objects.exclude(status="draft")
    assert list(placed.values_list("number", flat=True)) == [1]


def test_concurrent_orders_get_distinct_consecutive_numbers(menu, join):
    # given: six phones, each with a cart
    carts = []
    for _ in range(6):
        guest, _ = join()
        carts.append(
            (guest, cart_line_add(guest=guest, menu_item_id=menu.soup.pk, quantity=1))
        )
    # when
    results = _race(
        6, lambda i: order_submit(guest=carts[i][0], cart_id=carts[i][1].pk)
    )
    # then
    assert sorted(order.number for order in results) == [1, 2, 3, 4, 5, 6]
