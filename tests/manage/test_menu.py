"""Menu management in the back office: categories, dishes, choices, photos,
order and sold out, for the restaurant's managers only."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from kitchen.groups import menu_group
from ordering.models import MenuCategory, MenuItem, Modifier, ModifierGroup
from ordering.money import price_parse
from tests.factories import (
    CategoryFactory,
    MenuItemFactory,
    ModifierGroupFactory,
    RestaurantFactory,
)

MENU = "/manage/menu/"


def _client(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def manager(staff):
    return _client(staff("manager"))


def _item_post(category, **overrides) -> dict:
    data = {
        "name_fi": "Lohikeitto",
        "name_sv": "Laxsoppa",
        "name_en": "Salmon soup",
        "description_fi": "Kermainen",
        "description_sv": "Krämig",
        "description_en": "Creamy",
        "category": category.pk,
        "price": "12,50",
        "vat_rate_bp": "1350",
        "station": category.items.values_list("station", flat=True).first()
        or "kitchen",
        "course": "1",
        "allergens": ["fish", "milk"],
        "diets": ["gluten_free"],
        "available_from": "10:30",
        "available_until": "14:00",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- Prices -------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "text", "cents"),
    [
        ("comma", "12,50", 1250),
        ("point", "12.50", 1250),
        ("one decimal", "12,5", 1250),
        ("whole euros", "12", 1200),
        ("euro sign and spaces", " 1 250,00 € ", 125000),
        ("zero", "0", 0),
        ("trailing separator", "9,", 900),
    ],
)
def test_prices_typed_as_euros_become_cents(_case, text, cents):
    assert price_parse(text) == cents


@pytest.mark.parametrize(
    ("_case", "text", "message"),
    [
        ("empty", "", "Enter a price, like 12,50."),
        ("letters", "twelve", "“twelve” is not a price."),
        ("three decimals", "12,505", "at most two decimals"),
        ("thousands and decimals", "1.250,00", "is not a price"),
        ("negative", "-2", "cannot be negative"),
        ("huge", "1000000", "check the decimal separator"),
    ],
)
def test_bad_prices_say_what_to_write(_case, text, message):
    with pytest.raises(ValidationError) as caught:
        price_parse(text)
    assert message in caught.value.messages[0]


def test_a_price_change_may_be_negative():
    assert price_parse("-2,00", allow_negative=True) == -200


# --- Permissions --------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "manager"])
def test_owners_and_managers_open_the_menu(staff, menu, role):
    page = _client(staff(role)).get(MENU)
    assert page.status_code == 200
    assert "Lohikeitto" in page.content.decode()


@pytest.mark.parametrize("role", ["waiter", "kitchen"])
@pytest.mark.parametrize(
    ("_case", "method", "path"),
    [
        ("overview", "get", MENU),
        ("new dish", "get", MENU + "items/new/"),
        ("edit dish", "get", MENU + "items/{soup}/"),
        ("sold out", "post", MENU + "items/{soup}/sold-out/"),
        ("export", "get", MENU + "export.csv"),
        ("import", "get", MENU + "import/"),
        ("reorder", "post", MENU + "reorder/"),
    ],
)
def test_waiters_and_cooks_are_refused(staff, menu, role, _case, method, path):
    client = _client(staff(role))
    response = getattr(client, method)(
        path.format(soup=menu.soup.pk), {"sold_out": "1"}
    )
    assert response.status_code == 403
    assert MenuItem.objects.get(pk=menu.soup.pk).is_available is True


@pytest.mark.parametrize(
    ("_case", "method", "path", "data"),
    [
        ("edit category", "get", "categories/{category}/", {}),
        ("save category", "post", "categories/{category}/", {"name_fi": "X"}),
        ("delete category", "post", "categories/{category}/delete/", {}),
        ("edit dish", "get", "items/{item}/", {}),
        ("save dish", "post", "items/{item}/", {"name_fi": "X"}),
        ("delete dish", "post", "items/{item}/delete/", {}),
        ("sold out", "post", "items/{item}/sold-out/", {"sold_out": "1"}),
        ("portions", "post", "items/{item}/stock/", {"stock": "2"}),
        ("photo", "post", "items/{item}/photo/", {"remove": "1"}),
        ("offer group", "post", "items/{item}/choices/", {"action": "detach"}),
        ("edit group", "get", "choices/{group}/", {}),
        ("delete group", "post", "choices/{group}/delete/", {}),
        ("move", "post", "move/", {"kind": "item", "id": "{item}", "step": "up"}),
    ],
)
def test_another_restaurants_manager_cannot_reach_its_menu(
    staff, menu, _case, method, path, data
):
    # given: a manager of restaurant B, and restaurant A's dish, category, group
    other = RestaurantFactory()
    client = _client(staff("manager", at=other))
    ids = {
        "category": menu.soup.category_id,
        "item": menu.soup.pk,
        "group": menu.doneness.pk,
    }
    data = {key: value.format(**ids) for key, value in data.items()}
    data["group"] = str(menu.doneness.pk)
    before = MenuItem.objects.get(pk=menu.soup.pk)

    # when
    response = getattr(client, method)(MENU + path.format(**ids), data)

    # then
    assert response.status_code == 404
    after = MenuItem.objects.get(pk=menu.soup.pk)
    assert (after.name_fi, after.is_available, after.position) == (
        before.name_fi,
        before.is_available,
        before.position,
    )
    assert MenuCategory.objects.filter(pk=ids["category"]).exists()
    assert ModifierGroup.objects.filter(pk=ids["group"]).exists()
    assert after.modifier_groups.count() == before.modifier_groups.count()


def test_another_restaurants_rows_do_not_show_on_the_menu(staff, menu):
    other = RestaurantFactory()
    MenuItemFactory(restaurant=other, name_fi="Muualla")
    page = _client(staff("manager", at=other)).get(MENU).content.decode()
    assert "Muualla" in page
    assert "Lohikeitto" not in page
    assert "Kypsyys" not in page


def test_reordering_with_another_restaurants_ids_is_refused(staff, menu):
    other = RestaurantFactory()
    client = _client(staff("manager", at=other))
    response = client.post(
        MENU + "reorder/", {"kind": "category", "order": [menu.soup.category_id]}
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- Categories ---------------------------------------------------------


def test_a_manager_adds_a_lunch_category_in_three_languages(
    manager, restaurant, capture_events
):
    # when
    with capture_events() as sent:
        response = manager.post(
            MENU + "categories/new/",
            {
                "name_fi": "Lounas",
                "name_sv": "Lunch",
                "name_en": "Lunch",
                "available_from": "10:30",
                "available_until": "14:00",
                "is_active": "on",
            },
        )

    # then
    category = MenuCategory.objects.get(restaurant=restaurant)
    assert response.status_code == 302
    assert response["Location"] == f"{MENU}?restaurant=testi#category-{category.pk}"
    assert (category.name_fi, category.name_sv, category.name_en) == (
        "Lounas",
        "Lunch",
        "Lunch",
    )
    assert category.available_from == datetime.time(10, 30)
    assert category.available_until == datetime.time(14, 0)
    restaurant.refresh_from_db()
    assert restaurant.menu_version > 1
    assert sent == []


def test_a_category_needs_both_ends_of_its_window(manager, restaurant):
    response = manager.post(
        MENU + "categories/new/", {"name_fi": "Lounas", "available_from": "10:30"}
    )
    assert response.status_code == 400
    assert "Give both ends of the time window, or neither." in response.content.decode()
    assert MenuCategory.objects.count() == 0


def test_a_category_with_dishes_is_not_deleted(manager, menu):
    category = menu.soup.category
    response = manager.post(f"{MENU}categories/{category.pk}/delete/", follow=True)
    assert "Move or delete the 1 dishes in “Keitot”" in response.content.decode()
    assert MenuCategory.objects.filter(pk=category.pk).exists()


def test_an_empty_category_is_deleted(manager, restaurant):
    category = CategoryFactory(restaurant=restaurant)
    response = manager.post(f"{MENU}categories/{category.pk}/delete/")
    assert response.status_code == 302
    assert not MenuCategory.objects.filter(pk=category.pk).exists()


# --- Dishes -------------------------------------------------------------


def test_a_manager_adds_a_dish_with_translations(manager, restaurant, capture_events):
    # given
    category = CategoryFactory(restaurant=restaurant, name_fi="Keitot")

    # when
    with capture_events() as sent:
        response = manager.post(MENU + "items/new/", _item_post(category))

    # then
    item = MenuItem.objects.get(restaurant=restaurant)
    assert response.status_code == 302
    assert response["Location"] == f"{MENU}items/{item.pk}/?restaurant=testi"
    assert (item.name_fi, item.name_sv, item.name_en) == (
        "Lohikeitto",
        "Laxsoppa",
        "Salmon soup",
    )
    assert (item.description_sv, item.description_en) == ("Krämig", "Creamy")
    assert item.price_minor == 1250
    assert item.vat_rate_bp == 1350
    assert item.allergens == ["fish", "milk"]
    assert item.diets == ["gluten_free"]
    assert (item.available_from, item.available_until) == (
        datetime.time(10, 30),
        datetime.time(14, 0),
    )
    # open guest menus hear of the new dish (and the kitchen screens)
    assert menu_group(restaurant.pk) in [group for group, _ in sent]


def test_editing_a_dish_keeps_the_price_as_typed_in_euros(manager, menu):
    page = manager.get(f"{MENU}items/{menu.soup.pk}/").content.decode()
    assert 'value="16.90"' in page  # English page: a point
    response = manager.post(
        f"{MENU}items/{menu.soup.pk}/",
        _item_post(menu.soup.category, price="17.40", name_sv="", station="hot"),
    )
    assert response.status_code == 302
    item = MenuItem.objects.get(pk=menu.soup.pk)
    assert (item.price_minor, item.name_sv) == (1740, "")


@pytest.mark.parametrize(
    ("_case", "price", "message"),
    [
        ("empty", "", "Enter a price, like 12,50."),
        ("words", "a lot", "“a lot” is not a price. Write euros and cents"),
        ("three decimals", "12,505", "A price has at most two decimals"),
    ],
)
def test_a_bad_price_is_shown_on_the_form_and_nothing_saved(
    manager, menu, _case, price, message
):
    response = manager.post(
        f"{MENU}items/{menu.soup.pk}/", _item_post(menu.soup.category, price=price)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert MenuItem.objects.get(pk=menu.soup.pk).price_minor == 1690


def test_a_vat_rate_outside_the_restaurants_is_refused(manager, menu):
    response = manager.post(
        f"{MENU}items/{menu.soup.pk}/",
        _item_post(menu.soup.category, vat_rate_bp="2400"),
    )
    assert response.status_code == 400
    assert MenuItem.objects.get(pk=menu.soup.pk).vat_rate_bp == 1350


def test_a_dish_cannot_move_into_another_restaurants_category(staff, manager, menu):
    elsewhere = CategoryFactory(restaurant=RestaurantFactory())
    response = manager.post(
        f"{MENU}items/{menu.soup.pk}/", _item_post(elsewhere, name_fi="Muutettu")
    )
    assert response.status_code == 400
    item = MenuItem.objects.get(pk=menu.soup.pk)
    assert (item.category_id, item.name_fi) == (menu.soup.category_id, "Lohikeitto")


def test_missing_translations_are_counted_and_flagged(manager, restaurant):
    # given: a dish without its Swedish name, another without its English
    # description, and a group of choices without Swedish
    category = CategoryFactory(restaurant=restaurant)
    soup = MenuItemFactory(restaurant=restaurant, category=category, name_sv="")
    MenuItemFactory(
        restaurant=restaurant,
        category=category,
        description_fi="Kermainen",
        description_sv="Krämig",
    )
    ModifierGroupFactory(restaurant=restaurant, name_sv="", name_en="Size")

    # when
    page = manager.get(MENU).content.decode()

    # then
    assert "3 missing translations" in page
    assert page.count(">No SV<") == 1
    assert page.count(">No EN<") == 1
    assert "1 missing translation<" in page  # the group's row
    item_page = manager.get(f"{MENU}items/{soup.pk}/").content.decode()
    assert 'class="badge warn">Missing</span>' in item_page


def test_a_fully_translated_menu_says_so(manager, restaurant):
    MenuItemFactory(restaurant=restaurant)
    page = manager.get(MENU).content.decode()
    assert "All translated" in page


def test_sold_out_reaches_open_guest_menus(manager, menu, capture_events):
    # when
    with capture_events() as sent:
        response = manager.post(
            f"{MENU}items/{menu.soup.pk}/sold-out/", {"sold_out": "1"}
        )

    # then
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{menu.soup.pk}")
    assert MenuItem.objects.get(pk=menu.soup.pk).is_available is False
    guests = [env for group, env in sent if group == menu_group(menu.restaurant.pk)]
    assert len(guests) == 1
    assert guests[0]["event"] == "menu.items_changed"
    assert guests[0]["data"]["items"] == [
        {"id": menu.soup.pk, "is_available": False, "stock": None, "sold_out": True}
    ]


def test_sold_out_answers_the_menu_script_in_json(manager, menu):
    response = manager.post(
        f"{MENU}items/{menu.soup.pk}/sold-out/",
        {"sold_out": "1"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "sold_out": True,
        "message": "“Lohikeitto” is sold out.",
    }
    assert MenuItem.objects.get(pk=menu.soup.pk).is_available is False


def test_sold_out_from_the_dishs_page_returns_there(manager, menu):
    response = manager.post(
        f"{MENU}items/{menu.soup.pk}/sold-out/", {"sold_out": "1", "back": "item"}
    )
    assert response["Location"] == (
        f"{MENU}items/{menu.soup.pk}/?restaurant=testi#availability"
    )
    assert MenuItem.objects.get(pk=menu.soup.pk).is_available is False


def test_back_on_clears_a_count_of_zero(manager, menu):
    MenuItem.objects.filter(pk=menu.soup.pk).update(stock=0)
    manager.post(f"{MENU}items/{menu.soup.pk}/sold-out/", {"sold_out": "0"})
    item = MenuItem.objects.get(pk=menu.soup.pk)
    assert (item.is_available, item.stock) == (True, None)


def test_portions_left_are_set_and_cleared(manager, menu, capture_events):
    url = f"{MENU}items/{menu.soup.pk}/stock/"
    with capture_events() as sent:
        response = manager.post(url, {"stock": "3"}, follow=True)
    assert "“Lohikeitto”: 3 portions left." in response.content.decode()
    assert MenuItem.objects.get(pk=menu.soup.pk).stock == 3
    guests = [env for group, env in sent if group == menu_group(menu.restaurant.pk)]
    assert guests[0]["data"]["items"][0]["stock"] == 3
    manager.post(url, {"stock": ""})
    assert MenuItem.objects.get(pk=menu.soup.pk).stock is None


def test_portions_left_must_be_a_whole_number(manager, menu):
    response = manager.post(
        f"{MENU}items/{menu.soup.pk}/stock/", {"stock": "-1"}, follow=True
    )
    assert "as a whole number" in response.content.decode()
    assert MenuItem.objects.get(pk=menu.soup.pk).stock is None


def test_deleting_a_dish(manager, menu):
    response = manager.post(f"{MENU}items/{menu.lunch.pk}/delete/")
    assert response.status_code == 302
    assert not MenuItem.objects.filter(pk=menu.lunch.pk).exists()


# --- Order --------------------------------------------------------------


def test_moving_a_category_up_with_the_arrow(manager, menu):
    drinks = menu.beer.category
    manager.post(MENU + "move/", {"kind": "category", "id": drinks.pk, "step": "up"})
    names = list(
        MenuCategory.objects.filter(restaurant=menu.restaurant)
        .order_by("position", "id")
        .values_list("name_fi", flat=True)
    )
    assert names == ["Keitot", "Juomat", "Pääruoat"]


def test_dragging_dishes_into_a_new_order(manager, menu):
    mains = menu.steak.category
    response = manager.post(
        MENU + "reorder/", {"kind": "item", "order": [menu.lunch.pk, menu.steak.pk]}
    )
    assert response.status_code == 200
    assert response.json() == {"message": "Order saved."}
    assert list(mains.items.order_by("position").values_list("pk", flat=True)) == [
        menu.lunch.pk,
        menu.steak.pk,
    ]


def test_a_stale_order_is_refused(manager, menu):
    response = manager.post(
        MENU + "reorder/", {"kind": "item", "order": [menu.lunch.pk]}
    )
    assert response.status_code == 400
    assert "Reload the page" in response.json()["message"]


# --- Choices ------------------------------------------------------------


def test_a_manager_adds_choices_to_a_dish(manager, menu):
    # when: a new group on the soup, then its choices
    response = manager.post(
        f"{MENU}items/{menu.soup.pk}/choices/",
        {
            "action": "new",
            "group-name_fi": "Leipä",
            "group-name_sv": "Bröd",
            "group-name_en": "Bread",
            "group-min_choices": "0",
            "group-max_choices": "1",
        },
    )
    group = ModifierGroup.objects.get(name_fi="Leipä")
    assert response.status_code == 302
    assert response["Location"] == (
        f"{MENU}choices/{group.pk}/?restaurant=testi&item={menu.soup.pk}"
    )
    response = manager.post(
        f"{MENU}choices/{group.pk}/?item={menu.soup.pk}",
        {
            "group-name_fi": "Leipä",
            "group-name_sv": "Bröd",
            "group-name_en": "Bread",
            "group-min_choices": "0",
            "group-max_choices": "1",
            "choices-TOTAL_FORMS": "2",
            "choices-INITIAL_FORMS": "0",
            "choices-0-name_fi": "Ruisleipä",
            "choices-0-name_sv": "Rågbröd",
            "choices-0-name_en": "Rye bread",
            "choices-0-price_delta": "1,50",
            "choices-0-is_available": "on",
            "choices-1-name_fi": "Ei leipää",
            "choices-1-price_delta": "-0,50",
            "choices-1-is_available": "on",
        },
    )

    # then
    assert response.status_code == 302
    assert list(menu.soup.modifier_groups.all()) == [group]
    assert list(
        group.modifiers.values_list("name_fi", "name_en", "price_delta_minor")
    ) == [("Ruisleipä", "Rye bread", 150), ("Ei leipää", "", -50)]


def test_a_group_cannot_allow_fewer_than_it_requires(manager, menu):
    response = manager.post(
        f"{MENU}choices/{menu.doneness.pk}/",
        {
            "group-name_fi": "Kypsyys",
            "group-min_choices": "2",
            "group-max_choices": "1",
            "choices-TOTAL_FORMS": "0",
            "choices-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 400
    assert "cannot be smaller" in response.content.decode()
    assert ModifierGroup.objects.get(pk=menu.doneness.pk).min_choices == 1


def test_removing_and_renaming_choices(manager, menu):
    rare, medium = menu.rare, menu.medium
    response = manager.post(
        f"{MENU}choices/{menu.doneness.pk}/",
        {
            "group-name_fi": "Kypsyys",
            "group-min_choices": "1",
            "group-max_choices": "1",
            "choices-TOTAL_FORMS": "2",
            "choices-INITIAL_FORMS": "2",
            "choices-0-id": str(rare.pk),
            "choices-0-name_fi": "Raaka",
            "choices-0-DELETE": "on",
            "choices-1-id": str(medium.pk),
            "choices-1-name_fi": "Puolikypsä",
            "choices-1-name_sv": "Medium",
            "choices-1-is_available": "on",
            "choices-1-allergens": ["milk", "mustard"],
        },
    )
    assert response.status_code == 302
    assert list(
        menu.doneness.modifiers.values_list("name_fi", "name_sv", "allergens")
    ) == [("Puolikypsä", "Medium", ["milk", "mustard"])]


def test_a_choice_of_another_group_cannot_be_edited_through_this_one(manager, menu):
    response = manager.post(
        f"{MENU}choices/{menu.doneness.pk}/",
        {
            "group-name_fi": "Kypsyys",
            "group-min_choices": "1",
            "group-max_choices": "1",
            "choices-TOTAL_FORMS": "1",
            "choices-INITIAL_FORMS": "1",
            "choices-0-id": str(menu.cheese.pk),
            "choices-0-name_fi": "Kaapattu",
        },
    )
    assert response.status_code == 404
    assert Modifier.objects.get(pk=menu.cheese.pk).name_fi == "Juusto"


def test_offering_and_removing_an_existing_group(manager, menu):
    manager.post(
        f"{MENU}items/{menu.soup.pk}/choices/",
        {"action": "attach", "group": menu.extras.pk},
    )
    assert list(menu.soup.modifier_groups.all()) == [menu.extras]
    manager.post(
        f"{MENU}items/{menu.soup.pk}/choices/",
        {"action": "detach", "group": menu.extras.pk},
    )
    assert menu.soup.modifier_groups.count() == 0


def test_another_restaurants_group_cannot_be_offered(manager, menu):
    foreign = ModifierGroupFactory(restaurant=RestaurantFactory())
    response = manager.post(
        f"{MENU}items/{menu.soup.pk}/choices/",
        {"action": "attach", "group": foreign.pk},
    )
    assert response.status_code == 404
    assert menu.soup.modifier_groups.count() == 0


# --- Photos -------------------------------------------------------------


def _picture(size=(3000, 2000), fmt="JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, fmt)
    return out.getvalue()


def test_a_photo_is_shrunk_and_served_light(manager, menu, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("soup.jpg", _picture(), content_type="image/jpeg")

    # when
    response = manager.post(f"{MENU}items/{menu.soup.pk}/photo/", {"photo": upload})

    # then
    assert response.status_code == 302
    item = MenuItem.objects.get(pk=menu.soup.pk)
    assert item.photo.name.startswith("menu/")
    assert item.photo.name.endswith(".webp")
    with Image.open(item.photo.path) as stored:
        assert stored.format == "WEBP"
        assert stored.size == (640, 427)
    assert item.photo.size < 30_000
    page = manager.get(MENU).content.decode()
    assert item.photo.url in page


def test_a_replaced_photo_is_removed_from_storage(
    manager, menu, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    url = f"{MENU}items/{menu.soup.pk}/photo/"
    manager.post(url, {"photo": SimpleUploadedFile("a.png", _picture(fmt="PNG"))})
    first = MenuItem.objects.get(pk=menu.soup.pk).photo.path
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(url, {"photo": SimpleUploadedFile("b.jpg", _picture())})
    assert not (tmp_path / first).exists()
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(url, {"remove": "1"})
    assert MenuItem.objects.get(pk=menu.soup.pk).photo.name == ""
    assert list((tmp_path / "menu").iterdir()) == []


def test_a_file_that_is_not_a_picture_is_refused(manager, menu, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("menu.jpg", b"not a picture", content_type="image/jpeg")
    response = manager.post(f"{MENU}items/{menu.soup.pk}/photo/", {"photo": upload})
    assert response.status_code == 400
    assert "not a picture we can read" in response.content.decode()
    assert MenuItem.objects.get(pk=menu.soup.pk).photo.name == ""


# --- Pages render -------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        MENU,
        MENU + "categories/new/",
        MENU + "categories/{category}/",
        MENU + "items/new/",
        MENU + "items/{item}/",
        MENU + "choices/{group}/",
        MENU + "import/",
    ],
)
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_menu_page_opens_in_every_language(staff, menu, path, language):
    client = Client(headers={"accept-language": language})
    client.force_login(staff("manager"))
    url = path.format(
        category=menu.soup.category_id, item=menu.steak.pk, group=menu.doneness.pk
    )
    assert client.get(url).status_code == 200


def test_the_menu_page_costs_the_same_queries_however_long_the_menu(
    manager, menu, django_assert_num_queries
):
    # given: the page's cost for the small menu
    with CaptureQueriesContext(connection) as small:
        assert manager.get(MENU).status_code == 200

    # when: ten more dishes with choices, in a new category
    category = CategoryFactory(restaurant=menu.restaurant)
    for _ in range(10):
        item = MenuItemFactory(restaurant=menu.restaurant, category=category)
        item.modifier_groups.add(menu.extras)

    # then
    with django_assert_num_queries(len(small.captured_queries)):
        assert manager.get(MENU).status_code == 200
