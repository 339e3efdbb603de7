"""Who may open each back-office page of tables, staff and the overview:
owners and managers of the restaurant; not its waiters or cooks, not another
restaurant's manager, and nobody signed out. Posts from the refused change
nothing."""

import pytest
from django.test import Client

from ordering import qr_pdf
from ordering.models import StaffInvitation, StaffMember, Table
from tests.factories import RestaurantFactory, StaffFactory, TableFactory

ROLES = ["owner", "manager", "waiter", "kitchen", "other-manager", "anonymous"]
EXPECTED = {
    "owner": 200,
    "manager": 200,
    "waiter": 403,
    "kitchen": 403,
    "other-manager": 403,
    "anonymous": 302,
}


@pytest.fixture
def world(restaurant):
    """Restaurant A (the `restaurant` fixture) with a table and a waiter row,
    restaurant B with its own manager."""
    elsewhere = RestaurantFactory(name="Toinen", slug="toinen")
    table = TableFactory(restaurant=restaurant, label="7")
    people = {
        role: StaffFactory(restaurant=restaurant, role=role).user
        for role in ["owner", "manager", "waiter", "kitchen"]
    }
    people["other-manager"] = StaffFactory(restaurant=elsewhere, role="manager").user
    people["anonymous"] = None
    return {"table": table, "people": people, "elsewhere": elsewhere}


def _client(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


PAGES = [
    "/manage/",
    "/manage/?start=2026-11-01&end=2026-11-20",
    "/manage/dashboard.csv?table=days",
    "/manage/dashboard.csv?table=waiters",
    "/manage/tables/",
    "/manage/tables/qr/",
    "/manage/tables/qr.svg?page=1",
    "/manage/tables/qr.pdf",
    "/manage/tables/{table}/new-code/",
    "/manage/staff/",
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_every_role(world, restaurant, page, role):
    # given
    url = page.format(table=world["table"].pk)
    joiner = "&" if "?" in url else "?"
    url = f"{url}{joiner}restaurant={restaurant.slug}"
    # when
    response = _client(world["people"][role]).get(url)
    # then
    expected = EXPECTED[role]
    if expected == 200 and "qr.pdf" in url and not qr_pdf.pdf_available():
        expected = 404  # no font on this machine: the sheet offers no PDF
    assert response.status_code == expected, url
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=")
    if response.status_code == 200 and "text/html" in response["Content-Type"]:
        assert restaurant.name in response.content.decode()


def test_another_managers_own_back_office_hides_this_restaurants_table(
    world, restaurant
):
    # given: B's manager, on B's back office, names A's table
    client = _client(world["people"]["other-manager"])
    table = world["table"]
    # when
    rotate = client.get(f"/manage/tables/{table.pk}/new-code/")
    rotate_post = client.post(f"/manage/tables/{table.pk}/new-code/")
    sheet = client.get(f"/manage/tables/qr/?table={table.pk}")
    svg = client.get(f"/manage/tables/qr.svg?table={table.pk}&page=1")
    staff_page = client.get("/manage/staff/").content.decode()
    overview = client.get("/manage/").content.decode()
    # then
    assert (rotate.status_code, rotate_post.status_code, svg.status_code) == (
        404,
        404,
        404,
    )
    assert ">7</text>" not in sheet.content.decode()
    assert world["people"]["waiter"].username not in staff_page
    assert restaurant.name not in overview
    table.refresh_from_db()
    assert table.qr_version == 1


POSTS = [
    ("/manage/tables/", {"action": "table_add", "label": "99", "seats": "2"}),
    ("/manage/tables/", {"action": "area_add", "name": "Kellari"}),
    ("/manage/tables/", {"action": "table_deactivate", "table": "{table}"}),
    ("/manage/tables/{table}/new-code/", {}),
    (
        "/manage/staff/",
        {"action": "invite", "email": "x@example.com", "role": "waiter"},
    ),
    ("/manage/staff/", {"action": "deactivate", "member": "{waiter_row}"}),
]


@pytest.mark.parametrize(("path", "data"), POSTS)
@pytest.mark.parametrize("role", ["waiter", "kitchen", "other-manager", "anonymous"])
def test_refused_posts_change_nothing(world, restaurant, path, data, role):
    # given
    table = world["table"]
    waiter_row = StaffMember.objects.get(user=world["people"]["waiter"])
    fill = {"table": table.pk, "waiter_row": waiter_row.pk}
    url = f"{path.format(**fill)}?restaurant={restaurant.slug}"
    body = {key: value.format(**fill) for key, value in data.items()}
    before = (
        list(Table.objects.values_list("label", "is_active", "qr_version")),
        list(StaffMember.objects.values_list("role", "is_active")),
    )
    # when
    response = _client(world["people"][role]).post(url, body)
    # then
    assert response.status_code == (302 if role == "anonymous" else 403)
    after = (
        list(Table.objects.values_list("label", "is_active", "qr_version")),
        list(StaffMember.objects.values_list("role", "is_active")),
    )
    assert after == before
    assert not StaffInvitation.objects.exists()
    assert not restaurant.areas.exists()
