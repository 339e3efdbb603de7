"""The floor page: a waiter's tablet opens on its restaurant's floor; anyone
else is sent to sign in, or refused."""

import json
import re

from django.test import Client

from tests.factories import StaffFactory

PAGE = "/kitchen/floor/"


def _client(user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def _boot(response) -> dict:
    match = re.search(
        r'<script id="boot" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "no boot data on the page"
    return json.loads(match.group(1))


def test_a_waiter_gets_the_floor_of_their_restaurant(floor, waiter):
    # when
    response = _client(waiter).get(f"{PAGE}?restaurant=testi")
    # then
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "floor/floor.html"
    assert response["Cache-Control"].startswith("max-age=0")
    boot = _boot(response)
    assert boot["restaurant"]["slug"] == "testi"
    assert boot["me"] == waiter.pk
    assert boot["socket"] == "/ws/floor/?restaurant=testi"
    assert boot["api"] == "/api/v1/kitchen/floor"
    assert boot["menu_url"] == "/api/v1/restaurants/testi/menu"
    assert boot["pay_url"] == "/api/v1/staff/table-sessions/0/payments"
    assert boot["bill_url"] == "/api/v1/staff/table-sessions/0/bill"
    assert boot["approve_order_url"] == "/api/v1/staff/orders/0/approve"
    assert boot["strings"]["on_my_way"] == "On my way"
    assert boot["states"]["bill_requested"] == "Bill requested"
    assert set(boot["calls"]) == {"waiter", "bill", "help"}
    assert b"floor/floor.js" in response.content


def test_a_waiter_of_one_restaurant_needs_no_slug(floor, waiter):
    response = _client(waiter).get(PAGE)
    assert response.status_code == 200
    assert _boot(response)["restaurant"]["slug"] == "testi"


def test_a_manager_gets_the_floor_too(floor, manager):
    response = _client(manager).get(PAGE)
    assert response.status_code == 200
    assert _boot(response)["restaurant"]["slug"] == "testi"


def test_anonymous_is_sent_to_sign_in(floor):
    response = _client().get(f"{PAGE}?restaurant=testi")
    assert response.status_code == 302
    assert response["Location"] == (
        "/accounts/login/?next=/kitchen/floor/%3Frestaurant%3Dtesti"
    )


def test_kitchen_staff_are_refused(floor, staff):
    # given
    cook = staff("kitchen")
    # when
    response = _client(cook).get(f"{PAGE}?restaurant=testi")
    # then
    assert response.status_code == 403
    assert [t.name for t in response.templates][0] == "floor/choose.html"
    assert b'id="boot"' not in response.content
    assert b"You do not work on the floor of any restaurant here." in response.content


def test_staff_of_another_restaurant_are_refused(floor, outsider, elsewhere):
    # when: a manager of "toinen" asks for this restaurant's floor
    response = _client(outsider).get(f"{PAGE}?restaurant=testi")
    # then: refused, shown only their own floor to open
    assert response.status_code == 403
    body = response.content.decode()
    assert 'id="boot"' not in body
    assert "Bistro Testi" not in body
    assert "/kitchen/floor/?restaurant=toinen" in body


def test_staff_of_two_restaurants_choose_one(floor, waiter, elsewhere):
    # given
    StaffFactory(user=waiter, restaurant=elsewhere, role="waiter")
    # when
    response = _client(waiter).get(PAGE)
    # then
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "floor/choose.html"
    body = response.content.decode()
    assert "/kitchen/floor/?restaurant=testi" in body
    assert "/kitchen/floor/?restaurant=toinen" in body
    # and with a slug, the chosen floor opens
    chosen = _client(waiter).get(f"{PAGE}?restaurant=toinen")
    assert chosen.status_code == 200
    assert _boot(chosen)["restaurant"]["slug"] == "toinen"


def test_the_page_accepts_only_get(floor, waiter):
    assert _client(waiter).post(PAGE).status_code == 405
