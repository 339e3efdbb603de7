"""A manager builds a lunch menu on a tablet in the back office, and a guest's
open menu follows a sold-out dish live."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from ordering.models import MenuCategory, MenuItem, ModifierGroup
from ordering.tokens import table_code_make

pytestmark = pytest.mark.browser

TABLET = {"width": 1180, "height": 820}


def _sign_in(browser, server, user):
    context = browser.new_context(
        viewport=TABLET, locale="en-GB", has_touch=True, bypass_csp=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{server.url}/accounts/login/?next=/manage/menu/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Menu")
    return context, page


def _photo(path) -> str:
    image = Image.new("RGB", (2400, 1600), (214, 140, 60))
    for x in range(0, 2400, 200):
        image.paste((90, 120, 60), (x, 0, x + 100, 1600))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    path.write_bytes(out.getvalue())
    return str(path)


def test_a_manager_builds_a_lunch_menu_and_a_guest_sees_sold_out_live(
    server_factory, browser, menu, table, phone, staff, shoot, axe, tmp_path, settings
):
    # photos go to a folder of this test's, for the server and for this test
    settings.MEDIA_ROOT = tmp_path / "media"
    server = server_factory({"MEDIA_ROOT": str(settings.MEDIA_ROOT)})
    # given: a guest has the menu open on a phone
    alice = phone()
    alice.goto(f"{server.url}/t/{table_code_make(table_id=table.pk, version=1)}/")
    soup_on_phone = alice.locator(f".item[data-id='{menu.soup.pk}']")
    expect(soup_on_phone).not_to_have_class(re.compile("is-unavailable"))
    context, page = _sign_in(browser, server, staff("manager"))
    expect(page.locator("#gaps-count")).to_contain_text("missing translation")
    shoot(page, "manage-menu-01-overview")

    # when: the manager adds a lunch category, 10:30–14:00, in three languages
    page.get_by_role("link", name="New category").first.click()
    page.get_by_label("Name (Finnish)").fill("Lounas")
    page.get_by_label("Name (Swedish)").fill("Lunch")
    page.get_by_label("Name (English)").fill("Lunch")
    page.get_by_label("Served from").fill("10:30")
    page.get_by_label("until").fill("14:00")
    shoot(page, "manage-menu-01b-category")
    page.get_by_role("button", name="Add category").click()
    lunch = page.locator(
        "section.menu-cat", has=page.get_by_role("heading", name="Lounas", exact=True)
    )
    expect(lunch.locator(".badge.window")).to_have_text("10:30–14:00")
    expect(page.get_by_role("status").first).to_contain_text("Category “Lounas” added.")

    # and a dish in it, first with a mistyped price
    lunch.get_by_role("link", name=re.compile("Dish")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New dish")
    page.get_by_label("Name (Finnish)").fill("Päivän kala")
    page.get_by_label("Name (Swedish)").fill("Dagens fisk")
    page.get_by_label("Name (English)").fill("Fish of the day")
    page.get_by_label("Description (Finnish)").fill("Paistettua kuhaa, tilliperunat")
    page.get_by_label("Description (Swedish)").fill("Stekt gös, dillpotatis")
    page.get_by_label("Description (English)").fill("Pan-fried zander, dill potatoes")
    page.get_by_label("Price (€, VAT included)").fill("12,5O")
    page.get_by_label("Kitchen station").select_option("hot")
    page.get_by_label("Fish", exact=True).check()
    page.get_by_label("Milk", exact=True).check()
    page.get_by_label("Gluten free").check()
    page.get_by_role("button", name="Add dish").click()
    expect(page.locator(".field-error")).to_have_text(
        "“12,5O” is not a price. Write euros and cents, like 12,50."
    )
    shoot(page, "manage-menu-02-price-error")
    page.get_by_label("Price (€, VAT included)").fill("12,50")
    page.get_by_role("button", name="Add dish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Päivän kala")
    fish = MenuItem.objects.get(name_fi="Päivän kala")
    assert (fish.price_minor, fish.category.name_fi) == (1250, "Lounas")
    assert (fish.allergens, fish.diets) == (["fish", "milk"], ["gluten_free"])

    # a photo, shrunk on the server
    page.get_by_label("Upload a photo").set_input_files(_photo(tmp_path / "kala.jpg"))
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator("img.photo-preview")).to_be_visible()
    fish.refresh_from_db()
    assert fish.photo.name.endswith(".webp")
    assert (fish.photo.width, fish.photo.height) == (640, 427)

    # a group of choices: bread, one required, with a dearer gluten-free one
    choices = page.locator("#choices")
    choices.get_by_text("New group of choices").click()
    choices.get_by_label("Name in Finnish").fill("Leipä")
    choices.get_by_label("Name in Swedish").fill("Bröd")
    choices.get_by_label("Name in English").fill("Bread")
    choices.get_by_label("Guest picks at least").fill("1")
    choices.get_by_role("button", name="Add group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choices: Leipä")
    rows = page.locator(".choices-table tbody tr")
    rows.nth(0).get_by_label("Finnish").fill("Ruisleipä")
    rows.nth(0).get_by_label("Swedish").fill("Rågbröd")
    rows.nth(0).get_by_label("English").fill("Rye bread")
    rows.nth(0).get_by_label("Preselected").check()
    rows.nth(1).get_by_label("Finnish").fill("Gluteeniton leipä")
    rows.nth(1).get_by_label("Swedish").fill("Glutenfritt bröd")
    rows.nth(1).get_by_label("English").fill("Gluten-free bread")
    rows.nth(1).get_by_label("Price change (€)").fill("1,00")
    rows.nth(0).locator(".mod-allergens summary").click()
    rows.nth(0).get_by_label("Cereals containing gluten").check()
    shoot(page, "manage-menu-03-choices")
    assert axe(page, impacts=("serious", "critical")) == []
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Päivän kala")
    expect(choices.locator(".group-list li")).to_contain_text(
        "Ruisleipä · Gluteeniton leipä +€1.00"
    )
    bread = ModifierGroup.objects.get(name_fi="Leipä")
    assert list(fish.modifier_groups.all()) == [bread]
    assert list(
        bread.modifiers.values_list(
            "name_en", "price_delta_minor", "is_default", "allergens"
        )
    ) == [("Rye bread", 0, True, ["gluten"]), ("Gluten-free bread", 100, False, [])]
    shoot(page, "manage-menu-04-dish")
    # the dish page fits the tablet: nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") == TABLET["width"]
    assert axe(page, impacts=("serious", "critical")) == []

    # the lunch goes before the drinks: dragged by its handle (in the middle
    # of the screen, away from the edges that scroll the page)
    page.get_by_role("link", name="Menu", exact=True).first.click()
    handle = lunch.locator(".menu-cat-head .drag-handle")
    handle.evaluate("handle => handle.scrollIntoView({block: 'center'})")
    drinks = page.locator(f"#category-{menu.beer.category_id}")
    start, target = handle.bounding_box(), drinks.bounding_box()
    page.mouse.move(start["x"] + 10, start["y"] + 10)
    page.mouse.down()
    page.mouse.move(start["x"] + 10, target["y"] + 20, steps=8)
    page.mouse.up()
    expect(page.locator("#menu-status")).to_have_text("Order saved.")
    order = ["Keitot", "Pääruoat", "Lounas", "Juomat"]
    expect(page.locator("section.menu-cat h2")).to_have_text(order)
    assert [
        category.name_fi
        for category in MenuCategory.objects.filter(
            restaurant=menu.restaurant
        ).order_by("position", "id")
    ] == order

    # when: the soup runs out
    soup_row = page.locator(f"#item-{menu.soup.pk}")
    soup_row.get_by_role("button", name="Sold out").click()

    # then: the manager's page and the guest's open phone both show it
    expect(soup_row.get_by_role("button", name="Sold out")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(soup_row).to_have_class(re.compile("is-sold-out"))
    # flipped in place, without reloading the list
    expect(page.locator("#menu-status")).to_have_text("“Lohikeitto” is sold out.")
    expect(soup_on_phone).to_have_class(re.compile("is-unavailable"))
    expect(soup_on_phone.locator(".badge")).to_have_text("Sold out")
    assert MenuItem.objects.get(pk=menu.soup.pk).is_available is False
    shoot(page, "manage-menu-05-sold-out")
    assert axe(page, impacts=("serious", "critical")) == []

    # and a guest opening the menu now finds the lunch in English
    alice.reload()
    expect(alice.get_by_role("heading", name=re.compile("^Lunch"))).to_be_visible()
    fish_on_phone = alice.locator(f".item[data-id='{fish.pk}']")
    expect(fish_on_phone.locator(".item-name")).to_have_text("Fish of the day")
    expect(fish_on_phone.locator("img.item-photo")).to_be_visible()
    shoot(alice, "manage-menu-06-guest")
    context.close()


def test_the_import_page_shows_bad_rows_on_a_tablet(
    server, browser, menu, staff, shoot, axe, tmp_path
):
    # given: an export with one mistyped price
    context, page = _sign_in(browser, server, staff("manager"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    lines[1] = lines[1].replace(",16.90,", ',"16,9O",')
    bad = tmp_path / "menu.csv"
    bad.write_text("\n".join(lines), encoding="utf-8")

    # when
    page.get_by_role("link", name="Import CSV").click()
    shoot(page, "manage-menu-07a-import")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()

    # then
    preview = page.locator(".preview-table tbody tr")
    expect(preview).to_have_count(4)
    expect(preview.nth(0).locator(".row-errors")).to_have_text(
        "price: “16,9O” is not a price. Write euros and cents, like 12,50."
    )
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    shoot(page, "manage-menu-07-import-errors")
    assert axe(page, impacts=("serious", "critical")) == []

    # when: the file is fixed, the preview offers the import
    bad.write_text(text, encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Import 4 dishes").click()
    expect(page.get_by_role("status").first).to_have_text("Imported 4 dishes.")
    context.close()
