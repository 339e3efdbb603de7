import datetime

import pytest
from django.conf import settings
from django.test import override_settings

from ordering.exceptions import (
    CartError,
    ItemUnavailableError,
    ModifierRuleError,
    NotFoundError,
    RateLimitedError,
)
from ordering.models import Order, OrderLine, OrderStatus, Restaurant
from ordering.serializers import OrderOutputSerializer
from ordering.services.orders import (
    cart_line_add,
    cart_line_remove,
    cart_line_update,
    order_submit,
)
from tests.factories import RestaurantFactory


def _steak(menu, guest, **kw):
    return cart_line_add(
        guest=guest,
        menu_item_id=menu.steak.pk,
        quantity=kw.pop("quantity", 1),
        modifier_ids=kw.pop("modifier_ids", [menu.medium.pk, menu.fries.pk]),
        **kw,
    )


def test_adding_the_same_dish_twice_merges_the_line(menu, guest):
    # when
    _steak(menu, guest)
    cart = _steak(menu, guest, quantity=2)
    # then
    line = cart.lines.get()
    assert (line.quantity, line.unit_price_minor, line.line_total_minor) == (
        3,
        3550,
        10650,
    )
    assert cart.total_minor == 10650
    assert line.added_by_id == guest.pk


def test_different_choices_or_notes_make_separate_lines(menu, guest):
    _steak(menu, guest)
    _steak(menu, guest, modifier_ids=[menu.rare.pk, menu.mash.pk])
    cart = _steak(menu, guest, note="ei suolaa")
    assert cart.lines.count() == 3
    assert cart.total_minor == 3550 + 3400 + 3550


def test_failed_add_leaves_no_cart_behind(menu, guest):
    with pytest.raises(ModifierRuleError):
        _steak(menu, guest, modifier_ids=[menu.fries.pk])
    assert Order.objects.count() == 0


def test_update_and_remove_reprice_the_cart(menu, guest):
    # given
    cart = _steak(menu, guest)
    soup_cart = cart_line_add(guest=guest, menu_item_id=menu.soup.pk, quantity=1)
    steak_line = cart.lines.get(menu_item=menu.steak)
    # when
    cart = cart_line_update(guest=guest, line_id=steak_line.pk, quantity=4, note="well")
    # then
    assert cart.total_minor == 4 * 3550 + 1690
    steak_line.refresh_from_db()
    assert (steak_line.quantity, steak_line.note) == (4, "well")
    # when
    cart = cart_line_remove(guest=guest, line_id=steak_line.pk)
    # then
    assert cart.total_minor == 1690
    assert soup_cart.pk == cart.pk


def test_a_guest_cannot_touch_another_guests_cart(menu, join):
    # given
    alice, _ = join()
    bob, _ = join()
    line = _steak(menu, alice).lines.get()
    # when / then
    with pytest.raises(NotFoundError):
        cart_line_update(guest=bob, line_id=line.pk, quantity=9)
    with pytest.raises(NotFoundError):
        cart_line_remove(guest=bob, line_id=line.pk)
    line.refresh_from_db()
    assert line.quantity == 1


def test_item_of_another_restaurant_is_unknown(menu, guest):
    from tests.factories import MenuItemFactory

    foreign = MenuItemFactory(restaurant=RestaurantFactory())
    with pytest.raises(NotFoundError) as error:
        cart_line_add(guest=guest, menu_item_id=foreign.pk, quantity=1)
    assert error.value.code == "unknown_item"


def test_submit_numbers_the_order_and_publishes_it(menu, guest, capture_events):
    # given
    cart = _steak(menu, guest)
    # when
    with capture_events() as sent:
        order = order_submit(guest=guest, cart_id=cart.pk, note="allergia: pähkinä")
    # then
    assert (order.status, order.number, order.total_minor) == ("received", 1, 3550)
    assert order.note == "allergia: pähkinä"
    assert order.placed_at is not None
    session = guest.table_session
    rid = session.restaurant_id
    assert [(group, env["event"]) for group, env in sent] == [
        (f"kitchen.{rid}", "ticket.created"),
        (f"table.{session.pk}", "order.placed"),
        (f"floor.{rid}", "order.placed"),
    ]
    assert [env.get("seq") for _, env in sent] == [1, None, 2]
    envelope = sent[1][1]
    assert envelope["version"] == order.version
    assert envelope["data"]["id"] == order.pk
    assert envelope["data"]["lines"][0]["line_total_minor"] == 3550
    assert envelope["data"]["placed_at"].endswith("Z")


def test_order_numbers_run_per_restaurant(menu, guest, join):
    # given
    other, _ = join()
    # when
    first = order_submit(guest=guest, cart_id=_steak(menu, guest).pk)
    second = order_submit(guest=other, cart_id=_steak(menu, other).pk)
    # then
    assert (first.number, second.number) == (1, 2)
    assert Restaurant.objects.get(pk=menu.restaurant.pk).order_counter == 2


def test_double_submit_places_once(menu, guest, capture_events):
    # given
    cart = _steak(menu, guest)
    first = order_submit(guest=guest, cart_id=cart.pk)
    # when
    with capture_events() as sent:
        again = order_submit(guest=guest, cart_id=cart.pk)
    # then
    assert again.pk == first.pk
    assert again.number == 1
    assert sent == []
    assert Order.objects.exclude(status="draft").count() == 1


def test_empty_cart_cannot_be_placed(menu, guest, capture_events):
    # given
    cart = _steak(menu, guest)
    cart_line_remove(guest=guest, line_id=cart.lines.get().pk)
    # when
    with capture_events() as sent, pytest.raises(CartError) as error:
        order_submit(guest=guest, cart_id=cart.pk)
    # then
    assert error.value.code == "cart_empty"
    assert sent == []
    assert Order.objects.get().status == "draft"


def test_sold_out_after_adding_blocks_the_order(menu, guest, capture_events):
    # given
    cart = _steak(menu, guest)
    menu.steak.is_available = False
    menu.steak.save()
    # when
    with capture_events() as sent, pytest.raises(ItemUnavailableError) as error:
        order_submit(guest=guest, cart_id=cart.pk)
    # then
    assert error.value.extra == {"menu_item_id": menu.steak.pk}
    assert sent == []
    cart.refresh_from_db()
    assert (cart.status, cart.number) == ("draft", None)


def test_price_change_is_shown_before_the_order_is_placed(menu, guest, capture_events):
    # given
    cart = _steak(menu, guest)
    menu.steak.price_minor = 3600
    menu.steak.save()
    # when
    with capture_events() as sent, pytest.raises(CartError) as error:
        order_submit(guest=guest, cart_id=cart.pk)
    # then
    assert error.value.code == "prices_changed"
    assert error.value.extra["total_minor"] == 3750
    assert sent == []
    cart.refresh_from_db()
    assert (cart.status, cart.total_minor) == ("draft", 3750)
    # and placing again with the new price works
    assert order_submit(guest=guest, cart_id=cart.pk).total_minor == 3750


@override_settings(TABLESIDE={**settings.TABLESIDE, "ORDER_RATE_LIMIT": 2})
def test_order_placement_is_rate_limited_per_table(menu, join):
    # given: two orders from the table already
    guests = [join()[0] for _ in range(3)]
    for g in guests[:2]:
        order_submit(guest=g, cart_id=_steak(menu, g).pk)
    cart = _steak(menu, guests[2])
    # when / then
    with pytest.raises(RateLimitedError) as error:
        order_submit(guest=guests[2], cart_id=cart.pk)
    assert error.value.http_status == 429
    assert 1 <= error.value.extra["retry_after"] <= 60
    cart.refresh_from_db()
    assert cart.status == "draft"


def test_line_snapshot_survives_menu_edits(menu, guest):
    # given
    order = order_submit(guest=guest, cart_id=_steak(menu, guest).pk)
    # when
    menu.steak.name_fi = "Uusi nimi"
    menu.steak.price_minor = 9900
    menu.steak.save()
    menu.steak.delete()
    # then
    line = OrderLine.objects.get(order=order)
    assert line.name["fi"] == "Häränfilee"
    assert line.unit_price_minor == 3550
    assert line.menu_item_id is None
    assert OrderStatus(order.status) == OrderStatus.RECEIVED


def test_order_data_shape(menu, guest):
    # given
    order = order_submit(guest=guest, cart_id=_steak(menu, guest).pk, note="n")
    line = order.lines.get()
    # when
    data = OrderOutputSerializer(order).data
    # then
    assert data == {
        "id": order.pk,
        "number": 1,
        "status": "received",
        "table_session": guest.table_session_id,
        "guest": guest.pk,
        "note": "n",
        "total_minor": 3550,
        "currency": "EUR",
        "created_at": order.created_at.astimezone(datetime.UTC)
        .isoformat()
        .replace("+00:00", "Z"),
        "placed_at": data["placed_at"],
        "status_changed_at": data["status_changed_at"],
        "version": order.version,
        "lines": [
            {
                "id": line.pk,
                "menu_item": menu.steak.pk,
                "name": line.name,
                "modifiers": line.modifiers,
                "allergens": [],
                "quantity": 1,
                "unit_price_minor": 3550,
                "line_total_minor": 3550,
                "vat_rate_bp": 1350,
                "course": 2,
                "note": "",
                "status": "received",
                "added_by": guest.pk,
            }
        ],
    }
    assert data["placed_at"].endswith("Z")
