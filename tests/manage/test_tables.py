"""Tables and QR codes in the back office: areas, tables, the printable sheet
and a new code for a replaced sticker."""

import re

import pytest
from django.test import Client

from ordering.exceptions import InvalidTableTokenError
from ordering.models import Area, Table
from ordering.services.tables import table_session_join
from ordering.tokens import table_code_make, table_code_read
from tests.factories import AreaFactory, RestaurantFactory, TableFactory

URL = "/manage/tables/"


@pytest.fixture
def manager_client(staff):
    client = Client(headers={"accept-language": "en"})
    client.force_login(staff("manager"))
    return client


def _post(client, restaurant, **data):
    return client.post(f"{URL}?restaurant={restaurant.slug}", data, follow=True)


def test_the_page_lists_areas_and_tables(manager_client, restaurant):
    # given
    hall = AreaFactory(restaurant=restaurant, name="Sali")
    TableFactory(restaurant=restaurant, label="7", area=hall, seats=6)
    TableFactory(restaurant=RestaurantFactory(), label="99")
    # when
    page = manager_client.get(URL)
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="Sali"' in html
    assert 'value="7"' in html
    assert 'value="99"' not in html
    assert "1 table in use." in html


def test_a_manager_adds_an_area_and_a_table(manager_client, restaurant):
    # when
    _post(manager_client, restaurant, action="area_add", name="Terassi")
    area = Area.objects.get(restaurant=restaurant)
    page = _post(
        manager_client,
        restaurant,
        action="table_add",
        label="T1",
        seats="2",
        area=str(area.pk),
    )
    # then
    table = Table.objects.get(restaurant=restaurant)
    assert (table.label, table.seats, table.area, table.qr_version) == (
        "T1",
        2,
        area,
        1,
    )
    assert "Table T1 added." in page.content.decode()


def test_renaming_an_area_and_editing_a_table_keeps_its_code(
    manager_client, restaurant, table
):
    # given
    area = AreaFactory(restaurant=restaurant, name="Sali")
    code = table_code_make(table_id=table.pk, version=table.qr_version)
    # when
    _post(manager_client, restaurant, action="area_rename", area=area.pk, name="Ala")
    _post(
        manager_client,
        restaurant,
        action="table_save",
        table=table.pk,
        label="7A",
        seats="8",
        area=area.pk,
    )
    # then
    area.refresh_from_db()
    table.refresh_from_db()
    assert area.name == "Ala"
    assert (table.label, table.seats, table.area_id) == ("7A", 8, area.pk)
    guest, _token = table_session_join(code=code)
    assert guest.table_session.table_id == table.pk


@pytest.mark.parametrize(
    ("_case", "data", "message"),
    [
        ("taken", {"label": "7", "seats": "4"}, "There is already a table 7."),
        ("no seats", {"label": "8", "seats": "0"}, "Seats: write a whole number"),
        ("words", {"label": "8", "seats": "many"}, "Seats: write a whole number"),
        ("blank", {"label": " ", "seats": "4"}, "This field cannot be blank."),
    ],
)
def test_bad_table_input_is_refused_with_a_reason(
    manager_client, restaurant, table, _case, data, message
):
    # when
    page = _post(manager_client, restaurant, action="table_add", **data)
    # then
    assert message in page.content.decode()
    assert list(Table.objects.values_list("label", flat=True)) == ["7"]


def test_another_restaurants_table_cannot_be_edited(manager_client, restaurant):
    # given
    theirs = TableFactory(restaurant=RestaurantFactory(), label="5")
    # when
    page = _post(
        manager_client,
        restaurant,
        action="table_save",
        table=theirs.pk,
        label="X",
        seats="2",
    )
    # then
    theirs.refresh_from_db()
    assert theirs.label == "5"
    assert "does not exist" in page.content.decode()


def test_a_table_out_of_use_opens_no_visit_and_comes_back(
    manager_client, restaurant, table, table_code
):
    # when
    _post(manager_client, restaurant, action="table_deactivate", table=table.pk)
    # then
    table.refresh_from_db()
    assert not table.is_active
    with pytest.raises(InvalidTableTokenError):
        table_session_join(code=table_code)
    # when
    _post(manager_client, restaurant, action="table_activate", table=table.pk)
    # then
    table.refresh_from_db()
    assert table.is_active
    assert table_session_join(code=table_code)[0].table_session.table == table


def test_a_table_with_guests_stays_in_use(manager_client, restaurant, table, guest):
    # when
    page = _post(manager_client, restaurant, action="table_deactivate", table=table.pk)
    # then
    table.refresh_from_db()
    assert table.is_active
    assert "Table 7 has guests. Close their visit first." in page.content.decode()


def test_a_new_code_asks_first_then_kills_the_old_sticker(
    manager_client, restaurant, table, table_code
):
    # given
    url = f"/manage/tables/{table.pk}/new-code/?restaurant={restaurant.slug}"
    # when: the confirmation page changes nothing
    confirm = manager_client.get(url)
    # then
    assert "stops working the moment you confirm" in confirm.content.decode()
    table.refresh_from_db()
    assert table.qr_version == 1
    # when
    done = manager_client.post(url, follow=True)
    # then
    table.refresh_from_db()
    assert table.qr_version == 2
    html = done.content.decode()
    assert done.request["PATH_INFO"] == "/manage/tables/qr/"
    assert "The old sticker no longer works" in html
    with pytest.raises(InvalidTableTokenError):
        table_session_join(code=table_code)
    new_code = table_code_make(table_id=table.pk, version=2)
    assert table_session_join(code=new_code)[0].table_session.table == table


def test_the_sheet_has_a_tent_per_active_table_with_name_and_number(
    manager_client, restaurant
):
    # given: five tables in use (two pages) and one out of use
    for label in ["1", "2", "3", "4", "5"]:
        TableFactory(restaurant=restaurant, label=label)
    TableFactory(restaurant=restaurant, label="old", is_active=False)
    # when
    page = manager_client.get(f"/manage/tables/qr/?restaurant={restaurant.slug}")
    # then
    html = page.content.decode()
    assert html.count('<svg class="qr-page"') == 2
    assert "page 1 of 2: tables 1, 2, 3, 4" in html
    assert "page 2 of 2: tables 5<" in html
    # both faces of every tent carry the name and the number
    assert html.count(">Bistro Testi</text>") == 10
    assert ">old</text>" not in html
    assert 'style="' not in html.split("<main", 1)[1]  # the CSP forbids inline styles


def test_the_svg_download_holds_the_tables_guest_links(manager_client, restaurant):
    # given
    table = TableFactory(restaurant=restaurant, label="12")
    # when
    response = manager_client.get(
        f"/manage/tables/qr.svg?restaurant={restaurant.slug}&table={table.pk}&page=1"
    )
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert 'filename="testi-tables-1.svg"' in response["Content-Disposition"]
    svg = response.content.decode()
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns=')
    assert svg.count(">12</text>") == 2
    assert (
        manager_client.get(
            f"/manage/tables/qr.svg?restaurant={restaurant.slug}&page=2"
        ).status_code
        == 404
    )


def test_the_qr_code_decodes_to_the_tables_guest_link(restaurant, settings):
    """The drawn modules are the code segno makes for the link."""
    import segno

    from ordering.manage.tables import guest_link
    from ordering.qr_sheet import _qr_path

    settings.TABLESIDE = {**settings.TABLESIDE, "PUBLIC_URL": "https://bistro.example/"}
    table = TableFactory(restaurant=restaurant, label="3")
    link = guest_link(table)
    assert re.fullmatch(r"https://bistro\.example/t/[^/]+/", link)
    code = link.split("/t/")[1].rstrip("/")
    assert table_code_read(code) == (table.pk, 1)
    matrix = segno.make_qr(link, error="m").matrix
    path = _qr_path(link, x=0, y=0, size=100)
    dark = sum(sum(row) for row in matrix)
    # one rectangle per run of dark modules: never more than the dark modules
    runs = path.count("M")
    assert 0 < runs <= dark


def test_the_pdf_has_an_a4_page_per_four_tables(manager_client, restaurant):
    # given
    for label in ["1", "2", "3", "4", "5"]:
        TableFactory(restaurant=restaurant, label=label)
    # when
    response = manager_client.get(f"/manage/tables/qr.pdf?restaurant={restaurant.slug}")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="testi-tables.pdf"' in response["Content-Disposition"]
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 2
    # A4 at 300 dpi: 2480 × 3508 pixels, 595.2 × 841.92 points
    assert b"/MediaBox [ 0 0 595.2 841.92 ]" in pdf


def test_the_pdf_of_no_tables_is_not_found(manager_client, restaurant):
    response = manager_client.get(f"/manage/tables/qr.pdf?restaurant={restaurant.slug}")
    assert response.status_code == 404


def test_the_pdf_prints_with_pillows_own_font_where_the_server_has_none(
    manager_client, restaurant, monkeypatch
):
    # given: a server without Liberation or DejaVu fonts
    from ordering import qr_pdf

    monkeypatch.setattr(qr_pdf, "FONTS", [("/nowhere/a.ttf", "/nowhere/b.ttf")])
    qr_pdf._font_files.cache_clear()
    qr_pdf._font.cache_clear()
    TableFactory(restaurant=restaurant, label="1")
    try:
        # when
        response = manager_client.get(
            f"/manage/tables/qr.pdf?restaurant={restaurant.slug}"
        )
    finally:
        qr_pdf._font_files.cache_clear()
        qr_pdf._font.cache_clear()
    # then
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
