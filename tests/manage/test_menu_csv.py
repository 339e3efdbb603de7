"""The menu as CSV: export, a previewed import with per-row errors, and an
import that writes every row or none."""

import csv
import datetime
import html as html_lib
import io

import pytest
from django.test import Client

from kitchen.groups import menu_group
from ordering.models import MenuCategory, MenuItem, Restaurant
from ordering.services.menu_csv import (
    COLUMNS,
    MenuCsvError,
    menu_csv_apply,
    menu_csv_export,
    menu_csv_preview,
)
from tests.factories import (
    MenuItemFactory,
    ModifierGroupFactory,
    RestaurantFactory,
)

IMPORT = "/manage/menu/import/"


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _csv(rows: list[dict], *, delimiter: str = ",", columns=None) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=columns or list(rows[0]), delimiter=delimiter
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _menu_state(restaurant: Restaurant) -> list[tuple]:
    return list(
        MenuItem.objects.filter(restaurant=restaurant)
        .order_by("pk")
        .values_list("pk", "name_fi", "name_sv", "price_minor", "category_id")
    )


@pytest.fixture
def manager(staff):
    client = Client(headers={"accept-language": "en"})
    client.force_login(staff("manager"))
    return client


def test_export_has_the_documented_header_and_every_dish(menu):
    # when
    text = menu_csv_export(restaurant=menu.restaurant)

    # then
    assert text.splitlines()[0] == ",".join(COLUMNS)
    rows = _rows(text)
    assert [row["name_fi"] for row in rows] == [
        "Lohikeitto",
        "Häränfilee",
        "Päivän lounas",
        "Olut",
    ]
    soup, steak, lunch, beer = rows
    assert soup["id"] == str(menu.soup.pk)
    assert (soup["category_fi"], soup["category_sv"], soup["category_en"]) == (
        "Keitot",
        "Soppor",
        "Soups",
    )
    assert (soup["price"], soup["vat_percent"]) == ("16.90", "13.5")
    assert (soup["allergens"], soup["diets"]) == ("fish|milk", "gluten_free")
    assert (beer["vat_percent"], beer["station"]) == ("25.5", "bar")
    assert (lunch["available_from"], lunch["available_until"]) == ("10:30", "14:00")
    assert steak["choices"] == "Kypsyys|Lisuke|Lisät"
    assert steak["course"] == "2"


def test_round_trip_changes_nothing(menu):
    # given
    restaurant = menu.restaurant
    before = _menu_state(restaurant)
    groups_before = list(menu.steak.modifier_groups.order_by("pk"))

    # when: the export is imported back as it is
    text = menu_csv_export(restaurant=restaurant)
    preview = menu_csv_apply(restaurant=restaurant, data=text.encode())

    # then
    assert [row.action for row in preview.rows] == ["update"] * 4
    assert _menu_state(restaurant) == before
    assert list(menu.steak.modifier_groups.order_by("pk")) == groups_before
    assert menu_csv_export(restaurant=restaurant) == text
    assert MenuCategory.objects.filter(restaurant=restaurant).count() == 3


def test_an_edited_export_updates_adds_and_makes_a_category(menu, capture_events):
    # given: the soup costs more, sold out; a new dessert in a new category
    restaurant = menu.restaurant
    rows = _rows(menu_csv_export(restaurant=restaurant))
    rows[0]["price"] = "17,90"
    rows[0]["name_sv"] = "Laxsoppa med dill"
    rows[0]["sold_out"] = "yes"
    rows.append(
        {
            **dict.fromkeys(COLUMNS, ""),
            "category_fi": "Jälkiruoat",
            "category_en": "Desserts",
            "name_fi": "Mustikkapiirakka",
            "name_en": "Blueberry pie",
            "price": "8.50",
            "vat_percent": "13,5",
            "station": "cold",
            "course": "3",
            "allergens": "gluten|milk",
            "diets": "vegetarian",
            "choices": "Lisät",
        }
    )

    # when
    with capture_events() as sent:
        menu_csv_apply(restaurant=restaurant, data=_csv(rows, delimiter=";"))

    # then
    soup = MenuItem.objects.get(pk=menu.soup.pk)
    assert (soup.price_minor, soup.name_sv, soup.is_available) == (
        1790,
        "Laxsoppa med dill",
        False,
    )
    pie = MenuItem.objects.get(name_fi="Mustikkapiirakka")
    assert (pie.price_minor, pie.vat_rate_bp, pie.station, pie.course) == (
        850,
        1350,
        "cold",
        3,
    )
    assert (pie.allergens, pie.diets) == (["gluten", "milk"], ["vegetarian"])
    assert list(pie.modifier_groups.all()) == [menu.extras]
    desserts = pie.category
    assert (desserts.name_fi, desserts.name_en) == ("Jälkiruoat", "Desserts")
    last = MenuCategory.objects.filter(restaurant=restaurant).order_by("position", "id")
    assert last.last() == desserts
    guests = [env for group, env in sent if group == menu_group(restaurant.pk)]
    assert len(guests) == 1
    sold_out = {i["id"]: i["sold_out"] for i in guests[0]["data"]["items"]}
    assert sold_out[soup.pk] is True
    assert sold_out[pie.pk] is False


def test_a_partial_file_changes_only_what_it_names(menu):
    # given: only id, name and price columns... plus the required category
    data = _csv(
        [
            {
                "id": menu.beer.pk,
                "category_fi": "Juomat",
                "name_fi": "Olut 0,5 l",
                "price": "9",
            }
        ]
    )

    # when
    menu_csv_apply(restaurant=menu.restaurant, data=data)

    # then
    beer = MenuItem.objects.get(pk=menu.beer.pk)
    assert (beer.name_fi, beer.price_minor) == ("Olut 0,5 l", 900)
    assert (beer.name_en, beer.vat_rate_bp, beer.station) == ("Beer", 2550, "bar")
    assert beer.allergens == ["gluten"]
    assert MenuItem.objects.filter(restaurant=menu.restaurant).count() == 4


def test_bad_rows_are_reported_per_line_and_nothing_is_applied(menu):
    # given
    restaurant = menu.restaurant
    foreign = MenuItemFactory(restaurant=RestaurantFactory())
    rows = _rows(menu_csv_export(restaurant=restaurant))
    steak = dict(rows[1])
    rows[0]["price"] = "12,505"
    rows[1]["vat_percent"] = "24"
    rows[2]["allergens"] = "gluten|pollen"
    rows[3]["id"] = str(foreign.pk)
    rows.append({**steak, "id": "", "name_fi": "Uusi", "available_from": "25:00"})
    rows.append(steak)
    rows.append({**steak, "id": "", "name_fi": "", "choices": "Kastike"})
    rows.append({**steak, "id": "", "name_fi": "Hyvä rivi"})
    before = _menu_state(restaurant)
    version = Restaurant.objects.get(pk=restaurant.pk).menu_version

    # when
    preview = menu_csv_preview(restaurant=restaurant, data=_csv(rows))
    with pytest.raises(MenuCsvError) as caught:
        menu_csv_apply(restaurant=restaurant, data=_csv(rows))

    # then: each bad line says what is wrong, in the order of the file
    errors = {row.line: row.errors for row in preview.rows}
    assert errors[2] == ["price: A price has at most two decimals, like 12,50."]
    assert errors[3] == [
        "vat_percent: VAT “24” is not one of this restaurant's rates (13.5 %, 25.5 %)."
    ]
    assert errors[4][0].startswith("allergens: unknown code pollen (use gluten, ")
    assert errors[5] == [f"id: no dish {foreign.pk} on this menu."]
    assert errors[6] == ["available_from: “25:00” is not a time like 11:30."]
    assert errors[7] == [f"id {menu.steak.pk} is also on line 3."]
    assert errors[8] == [
        "name_fi: required.",
        "choices: no group of choices called “Kastike”.",
    ]
    assert errors[9] == []
    assert preview.error_count == 7
    assert not preview.is_valid
    assert caught.value.extra["preview"].error_count == 7
    # and nothing changed
    assert _menu_state(restaurant) == before
    assert not MenuItem.objects.filter(name_fi="Hyvä rivi").exists()
    assert Restaurant.objects.get(pk=restaurant.pk).menu_version == version


def test_a_row_failing_the_models_rules_rolls_back_the_rows_before_it(menu):
    # given: a valid first row, and a name too long for the column second
    rows = _rows(menu_csv_export(restaurant=menu.restaurant))[:2]
    rows[0]["name_fi"] = "Uusi nimi"
    rows[1]["name_fi"] = "x" * 121
    before = _menu_state(menu.restaurant)

    # when
    with pytest.raises(MenuCsvError) as caught:
        menu_csv_apply(restaurant=menu.restaurant, data=_csv(rows))

    # then
    assert caught.value.extra["preview"].rows[1].errors == [
        "name_fi: Ensure this value has at most 120 characters (it has 121)."
    ]
    assert _menu_state(menu.restaurant) == before


@pytest.mark.parametrize(
    ("_case", "data", "problem"),
    [
        ("not utf-8", "name_fi\nPäivän".encode("latin-1"), "not UTF-8"),
        ("no header", b"Lohikeitto,12.50\n", "missing: category_fi, name_fi, price"),
        (
            "unknown column",
            b"category_fi,name_fi,price,colour\nA,B,1,red\n",
            "Unknown columns: colour.",
        ),
        ("header only", b"category_fi,name_fi,price\n", "no dishes under its header"),
    ],
)
def test_a_file_that_is_not_a_menu_is_refused(restaurant, _case, data, problem):
    try:
        preview = menu_csv_preview(restaurant=restaurant, data=data)
        messages = preview.problems
    except MenuCsvError as error:
        messages = [str(error.message)]
    assert any(problem in message for message in messages), messages
    assert MenuItem.objects.count() == 0


# --- Pages --------------------------------------------------------------


def test_the_export_downloads_as_a_file(manager, menu):
    response = manager.get("/manage/menu/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="menu-testi-'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffid,category_fi,")
    assert "Lohikeitto" in text


def test_upload_shows_a_preview_then_imports(manager, menu):
    # given
    rows = _rows(menu_csv_export(restaurant=menu.restaurant))
    rows[0]["price"] = "18,00"
    upload = io.BytesIO(_csv(rows))
    upload.name = "menu.csv"

    # when: uploaded, it is only previewed
    page = manager.post(IMPORT, {"file": upload})
    html = page.content.decode()
    assert page.status_code == 200
    assert "4 rows read." in html
    assert "Import 4 dishes" in html
    assert MenuItem.objects.get(pk=menu.soup.pk).price_minor == 1690

    # when: the manager imports the previewed text
    text = html.split('<textarea name="csv" hidden aria-hidden="true">\n')[1]
    text = text.split("</textarea>")[0]
    response = manager.post(
        IMPORT, {"action": "apply", "csv": html_lib.unescape(text)}, follow=True
    )

    # then
    assert "Imported 4 dishes." in response.content.decode()
    assert MenuItem.objects.get(pk=menu.soup.pk).price_minor == 1800


def test_upload_with_errors_shows_them_and_offers_no_import(manager, menu):
    rows = _rows(menu_csv_export(restaurant=menu.restaurant))
    rows[0]["price"] = "lots"
    upload = io.BytesIO(_csv(rows))
    upload.name = "menu.csv"
    page = manager.post(IMPORT, {"file": upload})
    html = page.content.decode()
    assert page.status_code == 400
    assert "price: “lots” is not a price." in html
    assert "1 row has errors; nothing will be imported" in html
    assert 'name="action" value="apply"' not in html


def test_applying_a_tampered_text_imports_nothing(manager, menu):
    before = _menu_state(menu.restaurant)
    response = manager.post(
        IMPORT,
        {"action": "apply", "csv": "category_fi,name_fi,price\nA,B,oops\n"},
    )
    assert response.status_code == 400
    assert "Nothing was imported" in response.content.decode()
    assert _menu_state(menu.restaurant) == before


def test_import_keeps_times_and_clears_them(menu):
    rows = _rows(menu_csv_export(restaurant=menu.restaurant))
    rows[2]["available_from"] = ""
    rows[2]["available_until"] = ""
    rows[0]["available_from"] = "9:00"
    rows[0]["available_until"] = "11:00"
    menu_csv_apply(restaurant=menu.restaurant, data=_csv(rows))
    lunch = MenuItem.objects.get(pk=menu.lunch.pk)
    soup = MenuItem.objects.get(pk=menu.soup.pk)
    assert (lunch.available_from, lunch.available_until) == (None, None)
    assert soup.available_from == datetime.time(9, 0)


def test_a_dish_moved_to_another_category_goes_to_its_end(menu):
    rows = _rows(menu_csv_export(restaurant=menu.restaurant))
    rows[0]["category_fi"] = "Pääruoat"
    menu_csv_apply(restaurant=menu.restaurant, data=_csv(rows))
    mains = list(
        MenuItem.objects.filter(category=menu.steak.category)
        .order_by("position", "id")
        .values_list("name_fi", flat=True)
    )
    assert mains == ["Häränfilee", "Päivän lounas", "Lohikeitto"]


def test_two_groups_of_one_name_cannot_be_named_in_a_file(menu):
    ModifierGroupFactory(restaurant=menu.restaurant, name_fi="Lisät")
    rows = _rows(menu_csv_export(restaurant=menu.restaurant))
    preview = menu_csv_preview(restaurant=menu.restaurant, data=_csv(rows))
    assert preview.rows[1].errors == [
        "choices: more than one group is called “Lisät”; rename one."
    ]
    assert [row.errors for row in preview.rows if row is not preview.rows[1]] == [
        [],
        [],
        [],
    ]
