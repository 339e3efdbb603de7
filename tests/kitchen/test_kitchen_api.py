import pytest
from django.test import Client
from rest_framework.test import APIClient

from kitchen.access import SCREEN_COOKIE
from kitchen.models import Screen, Station, Ticket
from kitchen.services.screens import screen_pairing_create


@pytest.fixture
def ticket(menu, place):
    return Ticket.objects.get(order=place([(menu.soup, 1)]))


@pytest.fixture
def paired(menu, staff):
    """A browser that paired itself as the hot station's screen."""
    hot = Station.objects.get_or_create(
        restaurant=menu.restaurant, code="hot", defaults={"name": "Hot"}
    )[0]
    pairing = screen_pairing_create(
        restaurant_id=menu.restaurant.pk,
        name="Hot",
        station_id=hot.pk,
        user=staff("manager"),
    )
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/kitchen/pair/")
    response = browser.post(
        "/kitchen/pair/",
        {"code": pairing.code, "csrfmiddlewaretoken": page.cookies["csrftoken"].value},
    )
    assert response.status_code == 302
    assert SCREEN_COOKIE in browser.cookies
    return browser


def test_a_paired_screen_bumps_tickets_with_its_csrf_token(paired, ticket):
    # given: the display page sets the CSRF cookie
    assert paired.get("/kitchen/").status_code == 200
    token = paired.cookies["csrftoken"].value
    url = f"/api/v1/kitchen/tickets/{ticket.pk}/bump"
    # when: a forged cross-site post without the token
    forged = paired.post(url, content_type="application/json")
    # then
    assert forged.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).status == "received"
    ok = paired.post(
        url, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert ok.status_code == 200
    assert ok.json()["status"] == "ready"


def test_snapshot_api_for_a_screen_and_for_staff(paired, ticket, staff_client, menu):
    screen = paired.get("/api/v1/kitchen/snapshot").json()
    assert [t["id"] for t in screen["tickets"]] == [ticket.pk]
    cook = staff_client("kitchen")
    expo = cook.get(f"/api/v1/kitchen/snapshot?restaurant={menu.restaurant.slug}")
    assert [t["id"] for t in expo.json()["tickets"]] == [ticket.pk]
    nobody = APIClient().get(
        f"/api/v1/kitchen/snapshot?restaurant={menu.restaurant.slug}"
    )
    assert nobody.status_code == 403


def test_bad_action_is_a_409_with_a_message(staff_client, ticket):
    response = staff_client("kitchen").post(
        f"/api/v1/kitchen/tickets/{ticket.pk}/serve", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "ticket_state"
    assert "cannot" in body["message"]


def test_wrong_pairing_code_shows_the_form_again(db):
    browser = Client()
    response = browser.post(
        "/kitchen/pair/", {"code": "123456"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert SCREEN_COOKIE not in browser.cookies
    assert Screen.objects.count() == 0


def test_kitchen_page_sends_strangers_to_pairing(db):
    response = Client().get("/kitchen/")
    assert response.status_code == 302
    assert response["Location"] == "/kitchen/pair/"


def test_managers_pair_and_revoke_from_the_screens_page(menu, staff):
    # given
    manager = Client()
    manager.force_login(staff("manager"))
    # when
    page = manager.post("/kitchen/screens/", {"name": "Bar", "station": ""})
    # then
    assert page.status_code == 200
    code = page.context["pairing"].code
    assert code in page.content.decode()
    pair = APIClient().post("/api/v1/kitchen/pair", {"code": code}, format="json")
    assert pair.status_code == 201
    screen = Screen.objects.get()
    manager.post("/kitchen/screens/", {"revoke": str(screen.pk)})
    screen.refresh_from_db()
    assert screen.revoked_at is not None


def test_cooks_cannot_open_the_screens_page(menu, staff):
    cook = Client()
    cook.force_login(staff("kitchen"))
    assert cook.get("/kitchen/screens/").status_code == 403


def test_eighty_six_through_the_api(staff_client, menu):
    response = staff_client("kitchen").post(
        f"/api/v1/kitchen/items/{menu.soup.pk}/availability",
        {"is_available": True, "stock": 4},
        format="json",
    )
    assert response.json() == {"id": menu.soup.pk, "is_available": True, "stock": 4}
    menu_api = APIClient().get(f"/api/v1/restaurants/{menu.restaurant.slug}/menu")
    soup = menu_api.json()["categories"][0]["items"][0]
    assert (soup["stock"], soup["sold_out"]) == (4, False)
