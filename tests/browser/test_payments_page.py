"""The manager's payments page on a tablet: refund part of a payment with a
reason, and no serious accessibility issue."""

import re

import pytest
from playwright.sync_api import expect

from ordering.models import Refund
from ordering.services.payments import payment_record
from tests.browser.conftest import off_thread

pytestmark = pytest.mark.browser

TABLET = {"width": 1180, "height": 820}


def test_a_manager_refunds_part_of_a_payment_on_a_tablet(
    server, browser, menu, join, place, staff, shoot, axe
):
    # given: table 7 paid €25.40 in cash (recorded off this thread, whose
    # event loop belongs to Playwright and would refuse the pushes)
    def pay():
        guest, _ = join()
        place([(menu.soup, 1), (menu.beer, 1)], guest=guest)
        payment_record(
            table_session_id=guest.table_session_id,
            user=staff("waiter"),
            method="cash",
            split="all",
            tip_minor=0,
        )

    off_thread(pay)
    context = browser.new_context(
        viewport=TABLET, locale="en-GB", has_touch=True, bypass_csp=True
    )
    page = context.new_page()
    manager = staff("manager")
    page.goto(f"{server.url}/accounts/login/?next=/staff/payments/")
    page.get_by_label("Username").fill(manager.username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Payments")

    # when: €1.50 back because the soup was cold
    row = page.locator("table.payments-list tbody tr").first
    expect(row).to_contain_text("€25.40")
    row.get_by_text("Refund…").click()
    row.get_by_label("Amount").fill("1.50")
    row.get_by_label("Reason").fill("Soup was cold")
    shoot(page, "30-payments-refund")
    row.get_by_role("button", name="Refund").click()

    # then
    expect(page.get_by_role("status")).to_have_text(
        re.compile(r"^Refunded €1\.50\. Refund receipt \d+\.$")
    )
    expect(row).to_contain_text("€1.50 refunded")
    assert Refund.objects.get().amount_minor == 150
    assert axe(page, impacts=("serious", "critical")) == []
    context.close()
