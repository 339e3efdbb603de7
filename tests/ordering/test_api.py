import pytest
from django.conf import settings
from django.test import Client, override_settings
from rest_framework.test import APIClient

from ordering.models import Order, OrderLine, TableSession
from ordering.services.tables import table_session_close
from ordering.tokens import table_code_make
from tests.factories import TableFactory


def _add_steak(client, menu, **extra):
    return client.post(
        "/api/v1/cart/lines",
        {
            "menu_item_id": menu.steak.pk,
            "quantity": 1,
            "modifier_ids": [menu.medium.pk, menu.fries.pk],
            **extra,
        },
        format="json",
    )


def test_join_then_order_through_the_api(menu, table_code):
    # given
    client = APIClient()
    joined = client.post(
        "/api/v1/table-sessions/join", {"code": table_code}, format="json"
    )
    assert joined.status_code == 201
    client.credentials(HTTP_AUTHORIZATION=f"Guest {joined.json()['guest_token']}")
    # when
    added = _add_steak(client, menu)
    placed = client.post(
        "/api/v1/cart/submit", {"cart_id": added.json()["id"]}, format="json"
    )
    # then
    assert added.status_code == 201
    assert added.json()["total_minor"] == 3550
    assert placed.status_code == 201
    body = placed.json()
    assert (body["status"], body["number"], body["currency"]) == ("received", 1, "EUR")
    assert client.get("/api/v1/orders").json()[0]["id"] == body["id"]
    assert client.get(f"/api/v1/orders/{body['id']}").status_code == 200


def test_prices_sent_by_the_client_are_ignored(menu, guest_client):
    # given
    client = guest_client()
    # when
    response = _add_steak(
        client, menu, unit_price_minor=1, line_total_minor=1, total_minor=1
    )
    # then
    assert response.status_code == 201
    line = OrderLine.objects.get()
    assert (line.unit_price_minor, line.line_total_minor) == (3550, 3550)
    assert response.json()["total_minor"] == 3550


@pytest.mark.parametrize(
    ("_case", "payload", "status", "code"),
    [
        ("quantity not a number", {"quantity": "lots"}, 400, "invalid"),
        ("quantity zero", {"quantity": 0}, 400, "invalid_quantity"),
        ("absurd quantity", {"quantity": 5000}, 400, "invalid_quantity"),
        ("unknown dish", {"menu_item_id": 999999}, 404, "unknown_item"),
        ("missing required choice", {"modifier_ids": []}, 400, "modifier_too_few"),
        ("note too long", {"note": "x" * 300}, 400, "note_too_long"),
    ],
)
def test_bad_cart_input_gets_an_actionable_error(
    menu, guest_client, _case, payload, status, code
):
    # given
    client = guest_client()
    # when
    response = _add_steak(client, menu, **payload)
    # then
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"code", "message", "extra"}
    assert body["code"] == code
    assert len(body["message"]) > 10
    assert Order.objects.count() == 0


def test_validation_errors_name_the_field(menu, guest_client):
    response = guest_client().post(
        "/api/v1/cart/lines", {}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["message"] == "menu_item_id: This field is required."
    assert response.json()["extra"]["fields"] == {
        "menu_item_id": ["This field is required."]
    }


def test_guest_endpoints_need_a_guest(menu):
    response = APIClient().get("/api/v1/cart")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_unknown_guest_token_is_refused(menu):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Guest nope")
    assert client.get("/api/v1/cart").status_code == 401


def test_forged_table_code_is_a_404_with_a_message(table_code):
    response = APIClient().post(
        "/api/v1/table-sessions/join", {"code": table_code + "x"}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "invalid_table_code"
    assert TableSession.objects.count() == 0


def test_closed_session_is_a_409(menu, join, staff):
    # given
    guest, token = join()
    table_session_close(table_session_id=guest.table_session_id, user=staff())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Guest {token}")
    # when
    response = _add_steak(client, menu)
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "table_session_closed"


def test_another_tables_order_is_invisible(menu, restaurant, guest_client):
    # given: an order at table 7 and a phone at table 8
    here = guest_client()
    cart = _add_steak(here, menu).json()
    order = here.post("/api/v1/cart/submit", {"cart_id": cart["id"]}, format="json")
    other_table = TableFactory(restaurant=restaurant, label="8")
    code = table_code_make(table_id=other_table.pk, version=1)
    there = APIClient()
    token = there.post("/api/v1/table-sessions/join", {"code": code}, format="json")
    there.credentials(HTTP_AUTHORIZATION=f"Guest {token.json()['guest_token']}")
    # when / then
    assert there.get(f"/api/v1/orders/{order.json()['id']}").status_code == 404
    assert there.get("/api/v1/orders").json() == []
    assert there.post(
        "/api/v1/cart/submit", {"cart_id": cart["id"]}, format="json"
    ).json()["code"] in {"unknown_cart", "not_found"}


@override_settings(TABLESIDE={**settings.TABLESIDE, "ORDER_RATE_LIMIT": 1})
def test_rate_limited_submit_answers_429_with_retry_after(menu, guest_client):
    client = guest_client()
    first = _add_steak(client, menu).json()
    client.post("/api/v1/cart/submit", {"cart_id": first["id"]}, format="json")
    second = _add_steak(client, menu).json()
    response = client.post(
        "/api/v1/cart/submit", {"cart_id": second["id"]}, format="json"
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert response.json()["code"] == "rate_limited"


def test_cookie_guest_must_send_the_csrf_token(menu, table_code):
    # given: a browser that scanned the code
    browser = Client(enforce_csrf_checks=True)
    assert browser.get(f"/t/{table_code}/").status_code == 302
    # when: a cross-site form posts without the token
    response = browser.post(
        "/api/v1/cart/lines",
        {"menu_item_id": menu.soup.pk, "quantity": 1},
        content_type="application/json",
    )
    # then
    assert response.status_code == 403
    assert Order.objects.count() == 0
    # and with the token (as the page script sends it) it works
    browser.get("/table/")
    ok = browser.post(
        "/api/v1/cart/lines",
        {"menu_item_id": menu.soup.pk, "quantity": 1},
        content_type="application/json",
        headers={"X-CSRFToken": browser.cookies["csrftoken"].value},
    )
    assert ok.status_code == 201


def test_menu_is_public_and_translated(menu):
    # when
    fi = APIClient().get(f"/api/v1/restaurants/{menu.restaurant.slug}/menu?lang=fi")
    en = APIClient().get(f"/api/v1/restaurants/{menu.restaurant.slug}/menu?lang=en")
    # then
    assert fi.status_code == en.status_code == 200
    soup_fi = fi.json()["categories"][0]["items"][0]
    soup_en = en.json()["categories"][0]["items"][0]
    assert (soup_fi["name"], soup_en["name"]) == ("Lohikeitto", "Salmon soup")
    assert soup_fi["allergens"] == ["fish", "milk"]
    assert soup_fi["price_minor"] == 1690
    steak_groups = {g["id"] for g in fi.json()["modifier_groups"]}
    assert steak_groups == {menu.doneness.pk, menu.side.pk, menu.extras.pk}


def test_menu_of_unknown_restaurant_is_404(db):
    response = APIClient().get("/api/v1/restaurants/nowhere/menu")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_menu_query_count_does_not_grow_with_the_menu(menu, django_assert_num_queries):
    url = f"/api/v1/restaurants/{menu.restaurant.slug}/menu"
    # restaurant, categories, items, item groups, group modifiers
    with django_assert_num_queries(5):
        APIClient().get(url)
    # then from the cache: the restaurant row only
    with django_assert_num_queries(1):
        APIClient().get(url)


def test_staff_seat_close_and_rotate(table, staff_client):
    manager = staff_client("manager")
    opened = manager.post(
        f"/api/v1/staff/tables/{table.pk}/session", {"party_size": 3}, format="json"
    )
    assert opened.status_code == 201
    assert opened.json()["party_size"] == 3
    closed = manager.post(f"/api/v1/staff/table-sessions/{opened.json()['id']}/close")
    assert closed.json()["status"] == "closed"
    rotated = manager.post(f"/api/v1/staff/tables/{table.pk}/rotate-code")
    assert rotated.json()["code"].startswith(f"{table.pk}.2:")


def test_openapi_schema_and_docs_are_served(db):
    client = APIClient()
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/cart/submit" in schema.json()["paths"]
    assert client.get("/api/docs/").status_code == 200


def test_health_endpoint_needs_no_database(db, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.json() == {"ok": True}
