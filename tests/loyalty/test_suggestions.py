"""Suggestions at the table: safety rules, consent, reasons, the APIs and
the record of what was shown and taken."""

import datetime
import secrets
import zoneinfo

import pytest
from rest_framework.test import APIClient

from loyalty import suggestions
from loyalty.models import (
    Consent,
    ConsentPurpose,
    Identification,
    MemberSuggestions,
    MemberToken,
    ShownSuggestion,
    SuggestionFit,
)
from loyalty.suggestions import diet_rules, guest_suggestions, table_suggestions
from loyalty.suggestions_fit import suggestions_refit
from loyalty.suggestions_record import suggestion_acceptance_rate
from loyalty.tasks import PERIODIC, refit_suggestions
from ordering.models import (
    Guest,
    Order,
    OrderLine,
    OrderStatus,
    TableSession,
    TableSessionStatus,
)
from ordering.selectors import token_hash
from ordering.services.orders import cart_line_add
from tests.factories import CategoryFactory, MenuItemFactory, RestaurantFactory

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
EVENING = datetime.datetime(2026, 11, 20, 19, 0, tzinfo=HELSINKI)
NOON = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=HELSINKI)
URL = "/api/v1/loyalty/staff/suggestions"


@pytest.fixture(autouse=True)
def _fresh_process_copies():
    """Forget the per-process menu and fit copies: ids repeat across tests."""
    suggestions._dishes.clear()
    suggestions._fits.clear()


@pytest.fixture
def extra(menu):
    """More dishes, so that there is something to choose from."""
    restaurant = menu.restaurant
    sides = CategoryFactory(restaurant=restaurant, name_fi="Lisukkeet", name_en="Sides")
    return {
        "salad": MenuItemFactory(
            restaurant=restaurant,
            category=sides,
            name_en="Green salad",
            diets=["vegan", "gluten_free"],
        ),
        "bread": MenuItemFactory(
            restaurant=restaurant,
            category=sides,
            name_en="Rye bread",
            allergens=["gluten"],
            diets=["vegan"],
        ),
        "cake": MenuItemFactory(
            restaurant=restaurant,
            category=sides,
            name_en="Almond cake",
            allergens=["nuts", "eggs", "milk", "gluten"],
        ),
        "wine": MenuItemFactory(
            restaurant=restaurant, category=sides, name_en="Riesling", diets=["vegan"]
        ),
    }


@pytest.fixture
def visit(table):
    """Record a past visit: a closed table session where `member` (or an
    anonymous phone) ordered `items`, `days_ago` days before EVENING."""

    def _visit(member, items, *, days_ago: int, hour: int = 19) -> TableSession:
        at = (EVENING - datetime.timedelta(days=days_ago)).replace(hour=hour)
        session = TableSession.objects.create(
            restaurant=table.restaurant,
            table=table,
            status=TableSessionStatus.CLOSED,
            opened_at=at,
            closed_at=at + datetime.timedelta(hours=1),
        )
        guest = Guest.objects.create(
            table_session=session, token_hash=secrets.token_hex(32)
        )
        if member is not None:
            Identification.objects.create(guest=guest, member=member)
        order = Order.objects.create(
            restaurant=table.restaurant,
            table_session=session,
            guest=guest,
            status=OrderStatus.SERVED,
            placed_at=at,
        )
        for item in items:
            OrderLine.objects.create(
                order=order,
                menu_item=item,
                name={"en": item.name_en},
                quantity=1,
                unit_price_minor=item.price_minor,
                line_total_minor=item.price_minor,
                vat_rate_bp=item.vat_rate_bp,
                station=item.station,
            )
        return session

    return _visit


def consent(member, granted: bool = True) -> None:
    Consent.objects.create(
        member=member,
        purpose=ConsentPurpose.PERSONALISATION,
        is_granted=granted,
        wording_version="test",
        wording="Personal suggestions?",
        language="en",
        source="test",
    )


@pytest.fixture
def regular(menu, extra, member, visit):
    """Anna: salmon soup on all five visits, wine on two; other guests often
    take the Riesling with the soup. Consent given; the fit is done."""
    consent(member)
    for days_ago in range(5):
        visit(
            member,
            [menu.soup] + ([extra["wine"]] if days_ago < 2 else []),
            days_ago=days_ago + 1,
        )
    for days_ago in range(12):
        visit(None, [menu.soup, extra["wine"]], days_ago=days_ago + 1)
        visit(None, [menu.steak, extra["bread"]], days_ago=days_ago + 1)
        visit(None, [extra["salad"]], days_ago=days_ago + 1)
    suggestions_refit(restaurant_id=menu.restaurant.pk, now=EVENING)
    return member


@pytest.fixture
def at_table(join, identify):
    """Seat `member` at the (open) table 7; return the guest."""

    def _seat(member) -> Guest:
        guest = join()[0]
        identify(guest, member)
        return guest

    return _seat


def _ids(picks) -> list[int]:
    return [p.item_id for p in picks]


def _suggest(guest, **kwargs):
    session = TableSession.objects.select_related("restaurant").get(
        pk=guest.table_session_id
    )
    return table_suggestions(
        table_session=session, now=kwargs.pop("now", EVENING), **kwargs
    )


# --- rules ------------------------------------------------------------------


def test_regular_gets_the_usual_with_reason(menu, regular, at_table):
    # given
    guest = at_table(regular)
    # when
    found = _suggest(guest)
    # then
    (view,) = found.members
    assert _ids(view.usual) == [menu.soup.pk]
    assert view.usual[0].reason == "Ordered on 5 of the last 5 visits"
    assert menu.soup.pk not in _ids(view.suggestions)
    assert 3 <= len(view.suggestions) <= 5
    assert all(p.reason for p in view.suggestions)


@pytest.mark.parametrize("_case", ["unavailable", "no_stock"])
def test_sold_out_dish_is_never_suggested(_case, menu, regular, at_table):
    # given
    if _case == "unavailable":
        menu.soup.is_available = False
    else:
        menu.soup.stock = 0
    menu.soup.save()
    guest = at_table(regular)
    # when
    (view,) = _suggest(guest).members
    # then
    assert menu.soup.pk not in _ids(view.usual) + _ids(view.suggestions)


def test_dish_outside_its_time_window_is_not_suggested(
    menu, extra, member, visit, at_table
):
    # given: the lunch dish is what everyone orders
    consent(member)
    for days_ago in range(6):
        visit(None, [menu.lunch], days_ago=days_ago + 1, hour=12)
        visit(member, [menu.lunch], days_ago=days_ago + 1, hour=12)
    suggestions_refit(restaurant_id=menu.restaurant.pk, now=EVENING)
    guest = at_table(member)
    # when
    evening = _suggest(guest, now=EVENING).members[0]
    noon = _suggest(guest, now=NOON).members[0]
    # then
    assert menu.lunch.pk not in _ids(evening.usual) + _ids(evening.suggestions)
    assert _ids(noon.usual) == [menu.lunch.pk]


@pytest.mark.parametrize(
    ("_case", "notes", "banned"),
    [
        ("fish_allergy_fi", "Kala-allergia", {"soup"}),
        ("nuts_sv", "nötallergi", {"cake"}),
        ("lactose", "laktoositon ruokavalio", {"soup", "cake"}),
        ("coeliac", "Coeliac, no gluten please", {"beer", "bread", "cake"}),
    ],
)
def test_allergies_in_notes_exclude_dishes(
    _case, notes, banned, menu, extra, regular, at_table
):
    # given
    regular.diet_notes = notes
    regular.save()
    guest = at_table(regular)
    dishes = {"soup": menu.soup, "beer": menu.beer, **extra}
    # when
    (view,) = _suggest(guest).members
    # then
    shown = set(_ids(view.usual) + _ids(view.suggestions))
    assert shown.isdisjoint({dishes[name].pk for name in banned})
    assert view.suggestions


def test_vegan_gets_only_vegan_dishes(menu, extra, regular, at_table):
    # given
    regular.diet_notes = "Vegaani"
    regular.save()
    guest = at_table(regular)
    # when
    (view,) = _suggest(guest).members
    # then
    vegan = {menu.beer.pk, extra["salad"].pk, extra["bread"].pk, extra["wine"].pk}
    assert view.usual == []
    assert set(_ids(view.suggestions)) <= vegan
    assert len(view.suggestions) == 3


@pytest.mark.parametrize(
    ("_case", "notes", "allergens"),
    [
        ("empty", "", set()),
        ("peanut_is_not_nut", "peanut allergy", {"peanuts"}),
        ("minute_is_not_nut", "needs a minute", set()),
        ("finnish_compound", "pähkinäallergia", {"nuts"}),
        ("shellfish_sv", "skaldjursallergi", {"crustaceans"}),
    ],
)
def test_diet_rules_read_notes(_case, notes, allergens):
    # when
    rules = diet_rules(notes)
    # then
    assert set().union(*(rule.allergens for rule in rules)) == allergens


@pytest.mark.parametrize("_case", ["never_asked", "withdrawn"])
def test_without_consent_only_popular_dishes(_case, menu, extra, regular, at_table):
    # given
    if _case == "withdrawn":
        consent(regular, granted=False)
    else:
        Consent.objects.filter(member=regular).delete()
    guest = at_table(regular)
    # when
    (view,) = _suggest(guest).members
    # then
    assert view.is_personal is False
    assert view.usual == []
    assert len(view.suggestions) == 3
    assert {p.reason_kind for p in view.suggestions} == {"popular"}
    assert all("visit" not in p.reason for p in view.suggestions)


def test_fit_stores_nothing_personal_without_consent(menu, member, visit):
    # given
    for days_ago in range(3):
        visit(member, [menu.soup], days_ago=days_ago + 1)
    # when
    result = suggestions_refit(restaurant_id=menu.restaurant.pk, now=EVENING)
    # then
    assert result.members == 0
    assert MemberSuggestions.objects.count() == 0
    assert SuggestionFit.objects.get().orders == 3


def test_pairings_for_what_the_table_ordered(menu, extra, regular, at_table):
    # given: Anna has the soup in her cart
    guest = at_table(regular)
    cart_line_add(guest=guest, menu_item_id=menu.soup.pk, quantity=1, modifier_ids=[])
    # when
    found = _suggest(guest)
    # then
    assert _ids(found.pairings)[0] == extra["wine"].pk
    assert found.pairings[0].reason == "Guests who have the Salmon soup often take this"
    assert menu.soup.pk not in _ids(found.members[0].usual)


def test_retired_dish_fans_get_its_successor(menu, extra, member, visit, at_table):
    # given: Anna always had the old soup; its other fans moved to the new one
    consent(member)
    old_section = CategoryFactory(restaurant=menu.restaurant, name_en="Old")
    old = MenuItemFactory(
        restaurant=menu.restaurant, category=old_section, name_en="Old soup"
    )
    other = menu.restaurant.members.create(first_name="Bo")
    for days_ago in range(4):
        visit(member, [old], days_ago=days_ago + 20)
        visit(other, [old], days_ago=days_ago + 20)
        visit(other, [menu.soup], days_ago=days_ago + 1)
    old_section.is_active = False
    old_section.save()
    suggestions_refit(restaurant_id=menu.restaurant.pk, now=EVENING)
    guest = at_table(member)
    # when
    (view,) = _suggest(guest).members
    # then
    first = view.suggestions[0]
    assert first.item_id == menu.soup.pk
    assert first.reason == (
        "Closest to the Old soup they used to order, now off the menu"
    )


def test_new_dish_in_a_favourite_section(menu, extra, regular, at_table):
    # given: a soup added after the fit, in Anna's section
    new = MenuItemFactory(
        restaurant=menu.restaurant, category=menu.soup.category, name_en="Pea soup"
    )
    guest = at_table(regular)
    # when
    (view,) = _suggest(guest).members
    # then
    (pick,) = [p for p in view.suggestions if p.item_id == new.pk]
    assert pick.reason == "New on the menu, from a section they often order from"


# --- staff API --------------------------------------------------------------


@pytest.fixture
def seated(regular, at_table):
    return at_table(regular)


def test_staff_api_contract(seated, regular, staff_client, menu):
    # given
    client = staff_client("waiter")
    # when
    response = client.get(
        URL, {"session": seated.table_session_id}, HTTP_ACCEPT_LANGUAGE="en"
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"members", "pairings"}
    (member,) = body["members"]
    assert set(member) == {"member_id", "first_name", "usual", "suggestions"}
    assert member["member_id"] == regular.pk
    assert member["first_name"] == "Anna"
    assert member["usual"] == [{"menu_item_id": menu.soup.pk, "name": "Salmon soup"}]
    assert {tuple(sorted(s)) for s in member["suggestions"]} == {
        ("allergens", "menu_item_id", "name", "reason")
    }
    assert body["pairings"] == []


def test_staff_api_records_shown_once_per_visit(seated, staff_client):
    # given
    client = staff_client("waiter")
    client.get(URL, {"session": seated.table_session_id})
    count = ShownSuggestion.objects.count()
    # when
    client.get(URL, {"session": seated.table_session_id})
    # then
    assert count >= 4
    assert ShownSuggestion.objects.count() == count


@pytest.mark.parametrize(
    ("_case", "role", "other_restaurant", "status"),
    [
        ("waiter", "waiter", False, 200),
        ("manager", "manager", False, 200),
        ("kitchen", "kitchen", False, 403),
        ("other_restaurants_waiter", "waiter", True, 403),
    ],
)
def test_staff_api_only_for_this_restaurants_floor(
    _case, role, other_restaurant, status, seated, staff_client
):
    # given
    at = RestaurantFactory() if other_restaurant else None
    client = staff_client(role, at)
    # when
    response = client.get(URL, {"session": seated.table_session_id})
    # then
    assert response.status_code == status
    if status != 200:
        assert ShownSuggestion.objects.count() == 0


def test_staff_api_refuses_guests_and_strangers(seated, guest_client):
    # when
    as_guest = guest_client().get(URL, {"session": seated.table_session_id})
    anonymous = APIClient().get(URL, {"session": seated.table_session_id})
    # then
    assert as_guest.status_code == 403
    assert anonymous.status_code == 403
    assert ShownSuggestion.objects.count() == 0


@pytest.mark.parametrize(
    ("_case", "params", "status"),
    [
        ("unknown", {"session": 999999}, 404),
        ("missing", {}, 400),
        ("bad", {"session": "x"}, 400),
    ],
)
def test_staff_api_bad_session(_case, params, status, menu, staff_client):
    # when
    response = staff_client("waiter").get(URL, params)
    # then
    assert response.status_code == status
    assert "message" in response.json()


# --- accepting ---------------------------------------------------------------


def test_accept_records_and_rate(seated, regular, staff_client, menu):
    # given
    client = staff_client("waiter")
    client.get(URL, {"session": seated.table_session_id})
    shown = ShownSuggestion.objects.count()
    body = {
        "session": seated.table_session_id,
        "menu_item_id": menu.soup.pk,
        "member_id": regular.pk,
    }
    # when
    first = client.post(f"{URL}/accept", body, format="json")
    again = client.post(f"{URL}/accept", body, format="json")
    # then
    assert first.status_code == 200
    assert first.json()["accepted_at"] == again.json()["accepted_at"]
    row = ShownSuggestion.objects.get(member=regular, menu_item=menu.soup)
    assert row.placement == "usual"
    assert row.accepted_by is not None
    rate = suggestion_acceptance_rate(restaurant_id=menu.restaurant.pk)
    assert (rate.shown, rate.accepted) == (shown, 1)
    assert rate.by_placement["usual"] == (1, 1)
    assert rate.rate == pytest.approx(1 / shown)


def test_accept_pairing_for_the_table(seated, staff_client, extra):
    # when
    response = staff_client("waiter").post(
        f"{URL}/accept",
        {
            "session": seated.table_session_id,
            "menu_item_id": extra["wine"].pk,
            "member_id": None,
        },
        format="json",
    )
    # then
    assert response.status_code == 200
    row = ShownSuggestion.objects.get()
    assert (row.member_id, row.placement) == (None, "pairing")


@pytest.mark.parametrize("_case", ["member_not_at_table", "dish_of_another_restaurant"])
def test_accept_refuses_bad_input(_case, seated, staff_client, make_member, menu):
    # given
    body = {"session": seated.table_session_id, "menu_item_id": menu.soup.pk}
    if _case == "member_not_at_table":
        body["member_id"] = make_member("Bo").pk
        expected = 400
    else:
        body["menu_item_id"] = MenuItemFactory().pk
        expected = 404
    # when
    response = staff_client("waiter").post(f"{URL}/accept", body, format="json")
    # then
    assert response.status_code == expected
    assert ShownSuggestion.objects.count() == 0


def test_accept_refused_for_other_restaurants_staff(seated, staff_client, menu):
    # when
    response = staff_client("waiter", RestaurantFactory()).post(
        f"{URL}/accept",
        {"session": seated.table_session_id, "menu_item_id": menu.soup.pk},
        format="json",
    )
    # then
    assert response.status_code == 403
    assert ShownSuggestion.objects.count() == 0


def test_manager_sees_acceptance_rate(seated, staff_client, menu):
    # given
    staff_client("waiter").get(URL, {"session": seated.table_session_id})
    # when
    as_manager = staff_client("manager").get(
        f"{URL}/acceptance", {"restaurant": menu.restaurant.slug}
    )
    as_waiter = staff_client("waiter").get(
        f"{URL}/acceptance", {"restaurant": menu.restaurant.slug}
    )
    # then
    assert as_manager.status_code == 200
    assert as_manager.json()["accepted"] == 0
    assert as_manager.json()["shown"] == ShownSuggestion.objects.count()
    assert as_waiter.status_code == 403


# --- guests' phones ------------------------------------------------------------


def _member_client(guest_token: str, member) -> APIClient:
    token = secrets.token_urlsafe(32)
    MemberToken.objects.create(member=member, token_hash=token_hash(token))
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Guest {guest_token}",
        HTTP_X_MEMBER_TOKEN=token,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    return client


def test_guest_with_consent_sees_usual_and_pairings(
    regular, join, identify, menu, extra
):
    # given
    guest, token = join()
    identify(guest, regular)
    cart_line_add(
        guest=guest,
        menu_item_id=menu.steak.pk,
        quantity=1,
        modifier_ids=[menu.rare.pk, menu.mash.pk],
    )
    client = _member_client(token, regular)
    # when
    response = client.get("/api/v1/loyalty/me/suggestions")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["is_personal"] is True
    assert [u["menu_item_id"] for u in body["usual"]] == [menu.soup.pk]
    assert [p["menu_item_id"] for p in body["pairings"]] == [extra["bread"].pk]
    assert body["labels"]["usual"] == "Your usual?"


def test_guest_without_consent_sees_popular_only(regular, join, identify):
    # given
    consent(regular, granted=False)
    guest, token = join()
    identify(guest, regular)
    # when
    body = _member_client(token, regular).get("/api/v1/loyalty/me/suggestions").json()
    # then
    assert body["is_personal"] is False
    assert body["usual"] == []
    assert body["pairings"] == []
    assert len(body["more"]) == 3
    assert body["labels"]["more"] == "Popular right now"


def test_anonymous_phone_sees_popular_only(regular, guest_client):
    # when
    body = guest_client().get("/api/v1/loyalty/me/suggestions").json()
    # then
    assert body["is_personal"] is False
    assert len(body["more"]) == 3


def test_guest_endpoint_needs_a_phone_at_the_table(regular):
    # when
    response = APIClient().get("/api/v1/loyalty/me/suggestions")
    # then
    assert response.status_code in (401, 403)


def test_guest_accept_is_recorded(regular, join, identify, menu):
    # given
    guest, token = join()
    identify(guest, regular)
    client = _member_client(token, regular)
    client.get("/api/v1/loyalty/me/suggestions")
    # when
    response = client.post(
        "/api/v1/loyalty/me/suggestions/accept",
        {"menu_item_id": menu.soup.pk},
        format="json",
    )
    # then
    assert response.status_code == 204
    row = ShownSuggestion.objects.get(menu_item=menu.soup, channel="guest")
    assert row.accepted_at is not None


def test_guest_selector_skips_what_is_in_the_cart(regular, join, identify, menu):
    # given
    guest, _token = join()
    identify(guest, regular)
    cart_line_add(guest=guest, menu_item_id=menu.soup.pk, quantity=1, modifier_ids=[])
    session = TableSession.objects.select_related("restaurant").get(
        pk=guest.table_session_id
    )
    # when
    found = guest_suggestions(
        table_session=session, guest_id=guest.pk, member=regular, now=EVENING
    )
    # then
    assert found.usual == []
    assert menu.soup.pk not in _ids(found.pairings)


# --- the background job ---------------------------------------------------------


def test_refit_runs_as_a_periodic_task(menu, extra, member, visit, program):
    # given
    consent(member)
    for days_ago in range(3):
        visit(member, [menu.soup], days_ago=days_ago + 1)
    # when
    result = refit_suggestions.enqueue()
    # then
    assert result.return_value == {str(menu.restaurant.pk): 1}
    assert refit_suggestions in [task for task, _seconds in PERIODIC]
    assert MemberSuggestions.objects.get().data["usual"] == [[menu.soup.pk, 3, 3]]


def test_menu_page_loads_the_script_and_it_can_ask(regular, table_code, client):
    # given: a phone that scanned the table's code (cookie session)
    client.get(f"/t/{table_code}/")
    # when
    page = client.get("/table/")
    answer = client.get(
        "/api/v1/loyalty/me/suggestions",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    # then
    assert page.status_code == 200
    assert "tableside/suggest.js" in page.content.decode()
    assert answer.status_code == 200
    assert answer.json()["is_personal"] is False


def test_no_fit_no_popular_claims(menu, guest_client):
    # when: nothing has been fitted yet
    body = guest_client().get("/api/v1/loyalty/me/suggestions").json()
    # then
    assert body["more"] == []


def test_dish_had_once_is_named_with_its_daypart(menu, extra, member, visit, at_table):
    # given: Anna had the lunch dish once; at lunch everyone has it
    consent(member)
    visit(member, [menu.lunch], days_ago=8, hour=12)
    for days_ago in range(1, 5):
        visit(member, [menu.soup], days_ago=days_ago)
    for days_ago in range(1, 31):
        visit(None, [menu.lunch], days_ago=days_ago, hour=12)
        visit(None, [extra["salad"]], days_ago=days_ago, hour=19)
    suggestions_refit(restaurant_id=menu.restaurant.pk, now=EVENING)
    guest = at_table(member)
    # when
    (view,) = _suggest(guest, now=NOON).members
    # then
    (pick,) = [p for p in view.suggestions if p.item_id == menu.lunch.pk]
    assert pick.reason == "Has had it before · Popular at lunch"
