import datetime

import pytest
from django.utils import timezone

from ordering.exceptions import (
    InvalidTableTokenError,
    PermissionDeniedError,
    TableClosedError,
)
from ordering.models import Guest, Order, Table, TableSession
from ordering.selectors import table_session_orders
from ordering.services.orders import cart_line_add, order_submit
from ordering.services.tables import (
    table_code_rotate,
    table_session_close,
    table_session_join,
    table_session_open,
    table_sessions_close_idle,
)
from ordering.tokens import table_code_make
from tests.factories import RestaurantFactory, TableFactory


def test_first_scan_opens_a_session_and_second_phone_joins_it(
    table_code, capture_events
):
    # when
    with capture_events() as sent:
        first, first_token = table_session_join(code=table_code)
        second, second_token = table_session_join(code=table_code)
    # then
    assert first.table_session_id == second.table_session_id
    assert first.pk != second.pk
    assert first_token != second_token
    assert TableSession.objects.count() == 1
    session = first.table_session
    assert [(group, env["event"]) for group, env in sent] == [
        (f"floor.{session.restaurant_id}", "table_session.opened"),
        (f"table.{session.pk}", "table_session.opened"),
    ]


def test_rescanning_phone_keeps_its_guest(table_code):
    # given
    guest, token = table_session_join(code=table_code)
    # when
    again, again_token = table_session_join(code=table_code, current_token=token)
    # then
    assert (again.pk, again_token) == (guest.pk, token)
    assert Guest.objects.count() == 1


def test_token_hash_not_token_is_stored(table_code):
    guest, token = table_session_join(code=table_code)
    assert token not in guest.token_hash
    assert len(guest.token_hash) == 64


@pytest.mark.parametrize(
    "_case",
    ["forged", "rotated", "inactive table", "inactive restaurant", "unknown table"],
)
def test_bad_codes_are_refused_and_create_nothing(
    table, table_code, _case, capture_events
):
    # given
    code = table_code
    if _case == "forged":
        code = table_code[:-2] + ("AA" if not table_code.endswith("AA") else "BB")
    elif _case == "rotated":
        Table.objects.filter(pk=table.pk).update(qr_version=2)
    elif _case == "inactive table":
        Table.objects.filter(pk=table.pk).update(is_active=False)
    elif _case == "inactive restaurant":
        table.restaurant.is_active = False
        table.restaurant.save()
    else:
        code = table_code_make(table_id=table.pk + 1000, version=1)
    # when
    with capture_events() as sent, pytest.raises(InvalidTableTokenError):
        table_session_join(code=code)
    # then
    assert TableSession.objects.count() == 0
    assert Guest.objects.count() == 0
    assert sent == []


def test_next_party_never_sees_the_previous_partys_orders(
    menu, table, table_code, staff
):
    # given: a party ordered and left
    guest, _ = table_session_join(code=table_code)
    cart = cart_line_add(guest=guest, menu_item_id=menu.soup.pk, quantity=1)
    order_submit(guest=guest, cart_id=cart.pk)
    table_session_close(table_session_id=guest.table_session_id, user=staff("waiter"))
    # when: the next party scans the same sticker
    newcomer, _ = table_session_join(code=table_code)
    # then
    assert newcomer.table_session_id != guest.table_session_id
    assert list(table_session_orders(table_session_id=newcomer.table_session_id)) == []
    with pytest.raises(TableClosedError):
        cart_line_add(guest=guest, menu_item_id=menu.soup.pk, quantity=1)


def test_closing_twice_is_an_error(guest, staff):
    waiter = staff("waiter")
    table_session_close(table_session_id=guest.table_session_id, user=waiter)
    with pytest.raises(TableClosedError):
        table_session_close(table_session_id=guest.table_session_id, user=waiter)


def test_closing_drops_left_over_carts(menu, guest, staff):
    # given
    cart_line_add(guest=guest, menu_item_id=menu.soup.pk, quantity=1)
    # when
    table_session_close(table_session_id=guest.table_session_id, user=staff("waiter"))
    # then
    assert Order.objects.count() == 0


def test_staff_of_another_restaurant_cannot_close_or_open(guest, table, staff):
    # given
    outsider = staff("manager", at=RestaurantFactory())
    # when / then
    with pytest.raises(PermissionDeniedError):
        table_session_close(table_session_id=guest.table_session_id, user=outsider)
    with pytest.raises(PermissionDeniedError):
        table_session_open(table_id=table.pk, user=outsider)
    assert TableSession.objects.get().is_open


def test_kitchen_staff_cannot_seat_a_party(table, staff):
    with pytest.raises(PermissionDeniedError):
        table_session_open(table_id=table.pk, user=staff("kitchen"))
    assert TableSession.objects.count() == 0


def test_waiter_seats_a_party_and_guests_join_it(table, table_code, staff):
    # when
    session = table_session_open(table_id=table.pk, user=staff("waiter"), party_size=4)
    guest, _ = table_session_join(code=table_code)
    # then
    assert guest.table_session_id == session.pk
    assert session.party_size == 4
    assert session.opened_by is not None


def test_rotation_invalidates_old_stickers(table, table_code, staff):
    # when
    new_code = table_code_rotate(table_id=table.pk, user=staff("manager"))
    # then
    assert new_code != table_code
    with pytest.raises(InvalidTableTokenError):
        table_session_join(code=table_code)
    assert table_session_join(code=new_code)[0].table_session.table_id == table.pk


def test_only_managers_rotate_codes(table, table_code, staff):
    with pytest.raises(PermissionDeniedError):
        table_code_rotate(table_id=table.pk, user=staff("waiter"))
    table.refresh_from_db()
    assert table.qr_version == 1


def test_idle_sessions_close_but_busy_ones_stay_open(menu, restaurant, capture_events):
    # given: one table idle for 8 h, one idle as long but with food in the kitchen,
    # one recently active
    now = timezone.now()
    idle, busy, recent = (TableFactory(restaurant=restaurant) for _ in range(3))
    guests = {}
    for table in (idle, busy, recent):
        code = table_code_make(table_id=table.pk, version=1)
        guests[table.pk] = table_session_join(code=code)[0]
    cart = cart_line_add(guest=guests[busy.pk], menu_item_id=menu.soup.pk, quantity=1)
    order_submit(guest=guests[busy.pk], cart_id=cart.pk)
    TableSession.objects.exclude(table=recent).update(
        last_activity_at=now - datetime.timedelta(hours=8)
    )
    # when
    with capture_events() as sent:
        closed = table_sessions_close_idle(
            idle_for=datetime.timedelta(hours=6), now=now
        )
    # then
    assert closed == 1
    states = dict(TableSession.objects.values_list("table_id", "status"))
    assert states == {idle.pk: "closed", busy.pk: "open", recent.pk: "open"}
    assert [env["event"] for _, env in sent] == ["table_session.closed"] * 2


def test_a_waiter_orders_through_their_own_guest_at_the_table(menu, guest, staff):
    # given
    from ordering.services.orders import cart_line_add, order_submit
    from ordering.services.tables import guest_for_staff

    waiter = staff("waiter")
    # when
    own = guest_for_staff(table_session_id=guest.table_session_id, user=waiter)
    again = guest_for_staff(table_session_id=guest.table_session_id, user=waiter)
    cart = cart_line_add(guest=own, menu_item_id=menu.soup.pk, quantity=2)
    order = order_submit(guest=own, cart_id=cart.pk)
    # then
    assert own.pk == again.pk
    assert own.staff_user == waiter
    assert order.table_session_id == guest.table_session_id
    assert order.total_minor == 2 * 1690
    with pytest.raises(PermissionDeniedError):
        guest_for_staff(table_session_id=guest.table_session_id, user=staff("kitchen"))
