"""The back office on a tablet (1180×820): tables and their printable QR
sheet (print media and a real A4 PDF), a new code for a copied sticker, the
overview with its charts, and inviting a waiter; no serious accessibility
issue on any of them."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from kitchen.models import Ticket
from ordering.models import StaffInvitation, Table
from tests.browser.conftest import off_thread
from tests.factories import AreaFactory, TableFactory

pytestmark = pytest.mark.browser

TABLET = {"width": 1180, "height": 820}


def _tablet(browser, server, user):
    context = browser.new_context(
        viewport=TABLET, locale="en-GB", has_touch=True, bypass_csp=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{server.url}/accounts/login/?next=/manage/tables/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign in").click()
    return context, page


def test_a_manager_adds_a_table_and_prints_the_qr_sheet(
    server, browser, restaurant, staff, shoot, axe
):
    # given: two areas and five tables
    def setup():
        hall = AreaFactory(restaurant=restaurant, name="Sali")
        AreaFactory(restaurant=restaurant, name="Terassi")
        for label in ["1", "2", "3", "4", "5"]:
            TableFactory(restaurant=restaurant, label=label, area=hall)
        return staff("manager")

    manager = off_thread(setup)
    context, page = _tablet(browser, server, manager)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tables and QR codes")

    # when: a sixth table on the terrace
    form = page.locator("form.add-table")
    form.get_by_label("Table number or name").fill("T6")
    form.get_by_label("Seats").fill("2")
    form.get_by_label("Area").select_option(label="Terassi")
    form.get_by_role("button", name="Add table").click()

    # then
    expect(page.get_by_role("status")).to_contain_text("Table T6 added.")
    expect(page.locator("p.lead")).to_contain_text("6 tables in use.")
    shoot(page, "40-manage-tables")
    assert axe(page, impacts=("serious", "critical")) == []

    # when: the QR sheet
    page.get_by_role("link", name="Print the QR sheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("QR sheet")
    sheets = page.locator(".qr-sheet svg")
    expect(sheets).to_have_count(2)
    expect(sheets.first).to_have_accessible_name(
        "QR table tents, page 1 of 2: tables 1, 2, 3, 4"
    )
    expect(page.get_by_role("link", name="Download as PDF")).to_be_visible()
    assert axe(page, impacts=("serious", "critical")) == []
    shoot(page, "41-manage-qr-sheet")

    # then: printed, only the tents remain, one A4 page per sheet
    page.emulate_media(media="print")
    expect(page.locator(".manage-top")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    box = sheets.first.bounding_box()
    assert box is not None
    # 210 mm at 96 dpi
    assert abs(box["width"] - 210 / 25.4 * 96) < 2
    shoot(page, "42-manage-qr-print")
    pdf = page.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 2
    page.emulate_media(media="screen")
    context.close()


def test_a_copied_sticker_gets_a_new_code_after_a_warning(
    server, browser, restaurant, staff, shoot
):
    # given
    def setup():
        TableFactory(restaurant=restaurant, label="7")
        return staff("owner")

    owner = off_thread(setup)
    context, page = _tablet(browser, server, owner)

    # when
    row = page.locator("table.tables-list tbody tr").filter(
        has=page.locator('input[value="7"]')
    )
    row.get_by_role("link", name="New code…").click()

    # then: the warning, and nothing changed yet
    expect(page.get_by_role("alert")).to_contain_text(
        "The sticker on the table now stops working the moment you confirm."
    )
    shoot(page, "43-manage-new-code")
    assert off_thread(lambda: Table.objects.get(label="7").qr_version) == 1

    # when
    page.get_by_role("button", name="Make a new code for table 7").click()

    # then: straight to the new tent, ready to print
    expect(page.get_by_role("status")).to_contain_text(
        "The old sticker no longer works"
    )
    expect(page.locator(".qr-sheet svg")).to_have_count(1)
    assert off_thread(lambda: Table.objects.get(label="7").qr_version) == 2
    context.close()


def test_the_overview_shows_the_days_figures_with_charts(
    server, browser, menu, join, place, staff, shoot, axe
):
    # given: three orders today, one of them paid
    def setup():
        from ordering.services.payments import payment_record

        first, _ = join()
        place([(menu.soup, 2), (menu.beer, 2)], guest=first)
        second, _ = join()
        place([(menu.steak, 1, [menu.medium.pk, menu.mash.pk])], guest=second)
        place([(menu.beer, 1)], guest=second)
        payment_record(
            table_session_id=first.table_session_id,
            user=staff("waiter"),
            method="cash",
        )
        # The kitchen took six minutes a ticket (the bar's target is less).
        for ticket in Ticket.objects.exclude(fired_at=None):
            ticket.ready_at = ticket.fired_at + datetime.timedelta(minutes=6)
            ticket.save(update_fields=["ready_at"])
        return staff("manager")

    manager = off_thread(setup)
    context, page = _tablet(browser, server, manager)

    # when
    page.get_by_role("link", name="Overview").click()

    # then: 2 × 16.90 + 3 × 8.50 + 34.00 = 93.30
    expect(page.get_by_role("heading", level=1)).to_contain_text("Overview")
    figures = page.locator(".figure-grid").first
    expect(figures).to_contain_text("€93.30")
    expect(figures).to_contain_text("3 orders")
    hours = page.locator("svg#chart-hours")
    expect(hours).to_be_visible()
    expect(hours).to_have_accessible_name("Sales by hour of the day")
    items = page.locator("svg#chart-items")
    expect(items).to_contain_text("Beer")
    expect(items).to_contain_text("Salmon soup")
    assert axe(page, impacts=("serious", "critical")) == []
    shoot(page, "44-manage-overview")
    kitchen = page.locator("svg#chart-kitchen")
    expect(kitchen).to_contain_text("6 min (target")
    kitchen.scroll_into_view_if_needed()
    shoot(page, "44b-manage-overview-kitchen")

    # when: the numbers behind the top dishes
    card = page.locator(".card").filter(has=page.locator("svg#chart-items"))
    card.get_by_text("Numbers").click()
    expect(card.locator("table")).to_contain_text("€34.00")
    page.locator("section[aria-labelledby=guests-title]").scroll_into_view_if_needed()
    shoot(page, "45-manage-overview-guests")

    # when: the last seven days
    page.get_by_role("link", name="Last 7 days").click()
    expect(page.locator("svg#chart-days")).to_be_visible()
    expect(page.locator("svg#chart-days rect.bar")).to_have_count(7)
    shoot(page, "46-manage-overview-week")
    context.close()


def test_a_manager_invites_a_waiter_who_joins(
    server, browser, restaurant, staff, shoot, axe
):
    # given
    manager = off_thread(lambda: staff("manager"))
    context, page = _tablet(browser, server, manager)
    page.get_by_role("link", name="Staff").click()

    # when
    invite = page.locator("section.invite-card")
    invite.get_by_label("Email").fill("aino@example.com")
    invite.get_by_label("Role").select_option("waiter")
    shoot(page, "47-manage-staff")
    invite.get_by_role("button", name="Send the invitation").click()

    # then
    expect(page.get_by_role("status")).to_have_text(
        "Invitation sent to aino@example.com as Waiter."
    )
    expect(page.locator("body")).to_contain_text("Invitations not yet accepted")
    assert off_thread(lambda: StaffInvitation.objects.get().email) == "aino@example.com"
    context.close()

    # when: a newcomer follows an emailed link (made here: the live server's
    # mail goes to its own console)
    def invite():
        from ordering.services.invitations import invitation_create

        return invitation_create(
            restaurant_id=restaurant.pk,
            email="eero@example.com",
            role="waiter",
            user=manager,
            language="en",
        )[1]

    token = off_thread(invite)
    newcomer = browser.new_context(viewport=TABLET, locale="en-GB", bypass_csp=True)
    joining = newcomer.new_page()
    joining.goto(f"{server.url}/manage/invite/{token}/")
    expect(joining.get_by_role("heading", level=1)).to_have_text("Join Bistro Testi")
    joining.get_by_label("First name").fill("Eero")
    joining.get_by_label("Username").fill("eero")
    joining.get_by_label("Password").fill("kesä-pöytä-42")
    assert axe(joining, impacts=("serious", "critical")) == []
    shoot(joining, "48-manage-invite-accept")
    joining.get_by_role("button", name="Join the staff").click()

    # then: signed in on the waiters' floor; the link is spent
    expect(joining).to_have_url(re.compile(r"/kitchen/floor/$"))
    joining.goto(f"{server.url}/manage/invite/{token}/")
    expect(joining.get_by_role("alert")).to_contain_text("does not work any more")
    newcomer.close()
