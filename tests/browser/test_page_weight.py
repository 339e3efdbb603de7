"""The guest menu stays light for a phone on a slow network."""

import pytest

from ordering.tokens import table_code_make

pytestmark = pytest.mark.browser

BUDGET_BYTES = 60_000  # everything transferred for the menu page, photos excluded


def test_menu_page_transfers_under_budget(server, menu, table, phone):
    # given
    page = phone()
    code = table_code_make(table_id=table.pk, version=table.qr_version)
    # when
    page.goto(f"{server.url}/t/{code}/", wait_until="networkidle")
    sizes = page.evaluate(
        """() => performance.getEntries()
            .filter(e => e.entryType === 'navigation' || e.entryType === 'resource')
            .filter(e => e.initiatorType !== 'img')
            .map(e => [e.name, e.transferSize])"""
    )
    # then
    total = sum(size for _, size in sizes)
    assert {name.rsplit("/", 1)[-1] or "page" for name, _ in sizes} >= {
        "guest.css",
        "guest.js",
        "common.js",
    }
    assert 0 < total <= BUDGET_BYTES, sizes
