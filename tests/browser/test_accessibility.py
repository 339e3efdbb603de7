"""axe-core finds no moderate, serious or critical problem on the guest pages."""

import re

import pytest

from ordering.tokens import table_code_make

pytestmark = pytest.mark.browser


def test_guest_pages_have_no_serious_accessibility_problems(
    server, menu, table, phone, axe
):
    code = table_code_make(table_id=table.pk, version=table.qr_version)
    page = phone(bypass_csp=True)
    found = {}

    page.goto(f"{server.url}/t/{code}/")
    found["menu"] = axe(page)
    page.locator("summary", has_text="Allergies and diets").click()
    found["menu with filters"] = axe(page)

    page.locator(f".item[data-id='{menu.steak.pk}'] .item-open").click()
    found["dish sheet"] = axe(page)
    page.locator("#dish").get_by_label("Rare").check()
    page.locator("#dish").get_by_role("button", name=re.compile("^Add")).click()

    page.locator("#cart-open").click()
    found["cart"] = axe(page)
    page.get_by_role("button", name="Place order").click()
    page.wait_for_url(f"{server.url}/table/orders/")
    page.locator("article.order").wait_for()
    found["orders"] = axe(page)

    page.goto(f"{server.url}/t/forged/")
    found["problem page"] = axe(page)
    page.goto(f"{server.url}/accounts/login/")
    found["staff sign-in"] = axe(page)

    assert {name: issues for name, issues in found.items() if issues} == {}
