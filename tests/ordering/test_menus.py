import datetime
import zoneinfo

from django.contrib.auth import get_user_model
from django.test import Client

from ordering.menus import availability_key, menu_data
from ordering.models import MenuItem, Restaurant
from ordering.services.menu import menu_changed

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")


def _at(hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 11, 25, hour, 0, tzinfo=HELSINKI)


def _items(menu: dict) -> dict[str, dict]:
    return {i["name"]: i for c in menu["categories"] for i in c["items"]}


def test_availability_follows_the_clock_even_from_the_cache(menu):
    # given: the menu built and cached at noon
    noon = menu_data(restaurant=menu.restaurant, lang="en", now=_at(12))
    # when
    evening = menu_data(restaurant=menu.restaurant, lang="en", now=_at(19))
    # then
    assert _items(noon)["Lunch of the day"]["orderable_now"] is True
    assert _items(evening)["Lunch of the day"]["orderable_now"] is False
    assert _items(evening)["Lunch of the day"]["window"] == "10:30–14:00"
    assert availability_key(noon) != availability_key(evening)


def test_orderable_dishes_come_first(menu):
    # given: at 19:00 the lunch dish is out of its window
    mains = next(
        c
        for c in menu_data(restaurant=menu.restaurant, lang="en", now=_at(19))[
            "categories"
        ]
        if c["name"] == "Mains"
    )
    # then
    assert [i["name"] for i in mains["items"]] == [
        "Beef tenderloin",
        "Lunch of the day",
    ]


def test_a_menu_change_retires_the_cached_menu(menu):
    # given: a change that bypasses the model (a bulk update sends no signal)
    version = Restaurant.objects.get(pk=menu.restaurant.pk).menu_version
    menu.restaurant.menu_version = version
    before = _items(menu_data(restaurant=menu.restaurant, lang="en"))
    MenuItem.objects.filter(pk=menu.soup.pk).update(price_minor=1790)
    # when: unchanged version, the cached copy is served
    cached = _items(menu_data(restaurant=menu.restaurant, lang="en"))
    menu_changed(restaurant_id=menu.restaurant.pk)
    restaurant = Restaurant.objects.get(pk=menu.restaurant.pk)
    fresh = _items(menu_data(restaurant=restaurant, lang="en"))
    # then
    assert before["Salmon soup"]["price_minor"] == 1690
    assert cached["Salmon soup"]["price_minor"] == 1690
    assert fresh["Salmon soup"]["price_minor"] == 1790
    assert restaurant.menu_version == version + 1


def test_saving_a_menu_row_retires_the_cached_menu(menu):
    # given
    restaurant = Restaurant.objects.get(pk=menu.restaurant.pk)
    menu_data(restaurant=restaurant, lang="en")
    # when: anyone saves a dish (admin, shell, a service)
    menu.soup.price_minor = 1890
    menu.soup.save()
    # then
    restaurant.refresh_from_db()
    assert (
        _items(menu_data(restaurant=restaurant, lang="en"))["Salmon soup"][
            "price_minor"
        ]
        == 1890
    )


def test_marking_sold_out_in_the_admin_updates_the_menu(menu):
    # given
    admin = get_user_model().objects.create_superuser("boss", password="pw")
    client = Client()
    client.force_login(admin)
    menu_data(restaurant=menu.restaurant, lang="en")  # cached
    # when: the manager unticks "available" in the admin's list
    response = client.post(
        "/admin/ordering/menuitem/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(menu.soup.pk),
            "_save": "Save",
        },
    )
    # then
    assert response.status_code == 302
    restaurant = Restaurant.objects.get(pk=menu.restaurant.pk)
    soup = _items(menu_data(restaurant=restaurant, lang="en"))["Salmon soup"]
    assert soup["is_available"] is False
    assert soup["orderable_now"] is False
