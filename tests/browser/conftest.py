"""Playwright driving Debian's Chromium against a real Daphne process.

Every test here is marked `browser`; see tests/conftest.py for when they run.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM

# Playwright's sync API runs an event loop in this thread; Django's ORM calls
# from test code are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests; gone before other tests run, because
    Playwright's sync API keeps an event loop running in this thread."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """Open a new phone (its own cookies), 390×844, English, slow-ish network."""
    contexts = []

    def _phone(locale: str = "en-GB", *, bypass_csp: bool = False):
        context = browser.new_context(
            bypass_csp=bypass_csp,
            viewport=PHONE,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale=locale,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _phone
    for context in contexts:
        context.close()


@pytest.fixture
def shoot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(page, name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)

    return _shoot


AXE_JS = Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js"


@pytest.fixture
def axe():
    """Return a checker listing moderate, serious and critical axe-core violations.

    Needs a page opened with `bypass_csp=True`: axe is injected inline.
    """

    def _check(page, impacts=("moderate", "serious", "critical")) -> list[str]:
        page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate("() => axe.run(document)")
        return [
            f"{v['impact']}: {v['id']} ({v['help']}) at "
            + ", ".join(n["target"][0] for n in v["nodes"][:3])
            for v in result["violations"]
            if v["impact"] in impacts
        ]

    return _check


def off_thread(work):
    """Run database work off Playwright's thread, whose event loop would
    refuse the pushes some services make after commit.

    The worker thread's connection is closed before it ends: on PostgreSQL it
    comes from a pool of ten, and a thread that leaves it open keeps it for good.
    """
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def run():
        try:
            return work()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()
