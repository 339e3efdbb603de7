import datetime

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from kitchen.exceptions import PairingError
from kitchen.models import Alert, Screen, ScreenConnection, Station, Ticket
from kitchen.selectors import kitchen_snapshot, screen_get_by_token
from kitchen.services.alerts import alerts_check
from kitchen.services.menu import item_availability_set
from kitchen.services.screens import (
    screen_connected,
    screen_pair,
    screen_pairing_create,
    screen_revoke,
)
from kitchen.services.tickets import tickets_acknowledge
from ordering.exceptions import ItemUnavailableError, PermissionDeniedError
from ordering.models import MenuItem

LATER = datetime.timedelta(seconds=25)


def _connect(restaurant, station=None, name="ch.1"):
    screen_connected(
        restaurant_id=restaurant.pk,
        station_id=station.pk if station else None,
        channel_name=name,
    )


def test_unseen_ticket_raises_an_alert_until_a_screen_confirms_it(
    menu, place, staff, capture_events
):
    # given: an order nobody's screen has confirmed for 25 s
    order = place([(menu.soup, 1)])
    ticket = Ticket.objects.get(order=order)
    _connect(menu.restaurant, ticket.station)
    now = timezone.now() + LATER
    # when
    with capture_events() as sent:
        result = alerts_check(now=now)
    # then
    assert result == {"raised": 1, "resolved": 0}
    alert = Alert.objects.get()
    assert (alert.kind, alert.ticket_id) == ("ticket_unacknowledged", ticket.pk)
    rid = menu.restaurant.pk
    assert [(g, e["event"]) for g, e in sent] == [
        (f"kitchen.{rid}", "alert.raised"),
        (f"floor.{rid}", "alert.raised"),
    ]
    assert sent[0][1]["data"]["table"] == "7"
    # raising again does nothing
    assert alerts_check(now=now) == {"raised": 0, "resolved": 0}
    # and the screen confirming it resolves it
    tickets_acknowledge(ticket_ids=[ticket.pk], by=staff("kitchen"))
    assert alerts_check(now=now) == {"raised": 0, "resolved": 1}
    assert Alert.objects.get().resolved_at == now


def test_a_confirmed_ticket_raises_nothing(menu, place, staff):
    order = place([(menu.soup, 1)])
    ticket = Ticket.objects.get(order=order)
    _connect(menu.restaurant, ticket.station)
    tickets_acknowledge(ticket_ids=[ticket.pk], by=staff("kitchen"))
    assert alerts_check(now=timezone.now() + LATER) == {"raised": 0, "resolved": 0}


@override_settings(TABLESIDE={**settings.TABLESIDE, "TICKET_ACK_SECONDS": 60})
def test_the_confirmation_deadline_is_configurable(menu, place):
    order = place([(menu.soup, 1)])
    _connect(menu.restaurant, Ticket.objects.get(order=order).station)
    assert alerts_check(now=timezone.now() + LATER) == {"raised": 0, "resolved": 0}


def test_a_station_with_food_and_no_live_screen_raises_an_alert(menu, place):
    # given: a soup waiting and nobody watching the hot station
    place([(menu.soup, 1)])
    hot = Station.objects.get(code="hot")
    now = timezone.now()
    # when
    alerts_check(now=now)
    # then
    assert list(Alert.objects.values_list("kind", "station_id")) == [
        ("station_offline", hot.pk)
    ]
    # a screen for that station connects: the alert clears
    _connect(menu.restaurant, hot)
    alerts_check(now=now)
    assert Alert.objects.get(kind="station_offline").resolved_at == now


def test_an_expo_screen_watches_every_station(menu, place):
    place([(menu.soup, 1)])
    _connect(menu.restaurant, None)
    alerts_check(now=timezone.now())
    assert not Alert.objects.filter(kind="station_offline").exists()


def test_a_silent_screen_stops_counting_as_live(menu, place):
    # given: the hot screen's last heartbeat was a minute ago
    place([(menu.soup, 1)])
    hot = Station.objects.get(code="hot")
    _connect(menu.restaurant, hot)
    ScreenConnection.objects.update(last_seen_at=timezone.now() - LATER * 3)
    # when
    alerts_check(now=timezone.now())
    # then
    assert Alert.objects.filter(kind="station_offline", station=hot).exists()


def test_pairing_a_screen(menu, staff, table):
    # given
    manager = staff("manager")
    hot = Station.objects.create(restaurant=menu.restaurant, code="hot", name="Hot")
    pairing = screen_pairing_create(
        restaurant_id=menu.restaurant.pk, name="Grill", station_id=hot.pk, user=manager
    )
    # when
    screen, token = screen_pair(code=pairing.code, client_key="1.2.3.4")
    # then
    assert len(pairing.code) == 6
    assert screen_get_by_token(token=token) == screen
    assert (screen.name, screen.station_id, screen.paired_by) == (
        "Grill",
        hot.pk,
        manager,
    )
    # a code works once
    with pytest.raises(PairingError):
        screen_pair(code=pairing.code, client_key="1.2.3.4")


def test_expired_and_unknown_codes_are_refused(menu, staff):
    pairing = screen_pairing_create(
        restaurant_id=menu.restaurant.pk,
        name="Bar",
        station_id=None,
        user=staff("manager"),
    )
    pairing.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    pairing.save()
    for code in (pairing.code, "000000"):
        with pytest.raises(PairingError):
            screen_pair(code=code, client_key="1.2.3.4")
    assert Screen.objects.count() == 0


def test_guessing_codes_is_rate_limited(menu, staff):
    pairing = screen_pairing_create(
        restaurant_id=menu.restaurant.pk,
        name="Bar",
        station_id=None,
        user=staff("manager"),
    )
    for _ in range(10):
        with pytest.raises(PairingError):
            screen_pair(code="999999", client_key="6.6.6.6")
    # the eleventh try fails even with the right code
    with pytest.raises(PairingError) as error:
        screen_pair(code=pairing.code, client_key="6.6.6.6")
    assert error.value.code == "rate_limited"
    # another device is not affected
    assert screen_pair(code=pairing.code, client_key="1.2.3.4")[0].name == "Bar"


def test_only_managers_pair_and_revoke(menu, staff):
    cook = staff("kitchen")
    with pytest.raises(PermissionDeniedError):
        screen_pairing_create(
            restaurant_id=menu.restaurant.pk, name="x", station_id=None, user=cook
        )
    pairing = screen_pairing_create(
        restaurant_id=menu.restaurant.pk, name="x", station_id=None, user=staff("owner")
    )
    screen, _ = screen_pair(code=pairing.code, client_key="k")
    with pytest.raises(PermissionDeniedError):
        screen_revoke(screen_id=screen.pk, user=cook)


def test_a_revoked_screen_stops_working_at_once(menu, place, staff, capture_events):
    # given
    manager = staff("manager")
    pairing = screen_pairing_create(
        restaurant_id=menu.restaurant.pk, name="Pass", station_id=None, user=manager
    )
    screen, token = screen_pair(code=pairing.code, client_key="k")
    ticket = Ticket.objects.get(order=place([(menu.soup, 1)]))
    # when
    with capture_events() as sent:
        screen_revoke(screen_id=screen.pk, user=manager)
    # then
    assert screen_get_by_token(token=token) is None
    assert [e["event"] for _, e in sent] == ["screen.revoked"]
    screen.refresh_from_db()
    with pytest.raises(PermissionDeniedError):
        tickets_acknowledge(ticket_ids=[ticket.pk], by=screen)


def test_eighty_six_from_the_kitchen(menu, place, staff, capture_events):
    # when: the kitchen marks the soup sold out
    with capture_events() as sent:
        item_availability_set(
            item_id=menu.soup.pk, is_available=False, stock=None, by=staff("kitchen")
        )
    # then: every guest menu and kitchen screen hears it
    rid = menu.restaurant.pk
    assert [(g, e["event"]) for g, e in sent] == [
        (f"menu.{rid}", "menu.items_changed"),
        (f"kitchen.{rid}", "menu.items_changed"),
    ]
    assert sent[0][1]["data"]["items"] == [
        {"id": menu.soup.pk, "is_available": False, "stock": None, "sold_out": True}
    ]
    # and new orders for it get a clear error
    with pytest.raises(ItemUnavailableError, match="sold out"):
        place([(menu.soup, 1)])


def test_portions_left_count_down_and_run_out(menu, place, staff):
    # given: three portions left
    item_availability_set(
        item_id=menu.soup.pk, is_available=True, stock=3, by=staff("kitchen")
    )
    # when
    place([(menu.soup, 2)])
    # then
    assert MenuItem.objects.get(pk=menu.soup.pk).stock == 1
    with pytest.raises(ItemUnavailableError) as error:
        place([(menu.soup, 2)])
    assert error.value.code == "not_enough_left"
    assert error.value.extra == {"menu_item_id": menu.soup.pk, "left": 1}
    place([(menu.soup, 1)])
    with pytest.raises(ItemUnavailableError, match="sold out"):
        place([(menu.soup, 1)])


def test_snapshot_for_a_station_screen(menu, place, staff):
    # given
    place([(menu.soup, 1), (menu.beer, 1)])
    hot = Station.objects.get(code="hot")
    # when
    snapshot = kitchen_snapshot(restaurant=menu.restaurant, station=hot)
    # then
    assert snapshot["seq"] == 2
    assert [t["station"] for t in snapshot["tickets"]] == ["hot"]
    ticket = snapshot["tickets"][0]
    assert ticket["table"] == "7"
    assert ticket["lines"][0]["name"]["fi"] == "Lohikeitto"
    assert ticket["lines"][0]["allergens"] == ["fish", "milk"]
    assert [i["id"] for i in snapshot["items"]] == [menu.soup.pk, menu.lunch.pk]
    expo = kitchen_snapshot(restaurant=menu.restaurant, station=None)
    assert {t["station"] for t in expo["tickets"]} == {"hot", "bar"}
