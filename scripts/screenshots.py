"""Take the README's screenshots from a running demo (`scripts/dev demo`).

    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]

Drives Debian's Chromium on a phone viewport through the guest flow and
writes docs/screenshots/, including one strip of the whole flow.
"""

import re
import sys
from pathlib import Path

import httpx
from PIL import Image
from playwright.sync_api import sync_playwright

BASE = Path(__file__).resolve().parent.parent
OUT = BASE / "docs" / "screenshots"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def guest_link(base: str) -> str:
    sys.path.insert(0, str(BASE))
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from ordering.models import Table, TableSession
    from ordering.services.tables import table_session_close
    from ordering.tokens import table_code_make

    table = Table.objects.get(restaurant__slug="saaristo", label="7")
    # Start from an empty table, as a new party would.
    manager = get_user_model().objects.get(username="manager")
    for session in TableSession.objects.filter(table=table, status="open"):
        table_session_close(table_session_id=session.pk, user=manager)
    return f"{base}/t/{table_code_make(table_id=table.pk, version=table.qr_version)}/"


def main(base: str) -> None:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    link = guest_link(base)
    OUT.mkdir(parents=True, exist_ok=True)
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=ARGS
        )
        page = browser.new_context(
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale="fi-FI",
        ).new_page()

        def shoot(name):
            path = OUT / f"{name}.png"
            page.screenshot(path=str(path))
            shots.append(path)

        page.goto(link)
        shoot("menu")
        page.locator(".item-open", has_text="Saaristoburgeri").first.click()
        dish = page.locator("#dish")
        dish.get_by_label("Puoliraaka").check()
        dish.get_by_label("Lisäjuusto").check()
        shoot("dish")
        dish.get_by_role("button", name=re.compile("^Lisää")).click()
        page.locator(".item-open", has_text="Lohikeitto").first.click()
        dish.get_by_role("button", name=re.compile("^Lisää")).click()
        page.locator("#cart-open").click()
        shoot("cart")
        page.get_by_role("button", name="Lähetä tilaus").click()
        page.wait_for_url("**/table/orders/")
        page.locator("article.order").first.wait_for()
        order_id = page.locator("article.order").first.get_attribute("data-order")
        kitchen = httpx.Client(base_url=base)
        kitchen.get("/accounts/login/")
        kitchen.post(
            "/accounts/login/",
            data={
                "username": "kitchen",
                "password": "tableside-kitchen",
                "csrfmiddlewaretoken": kitchen.cookies["csrftoken"],
            },
        )
        kitchen.post(
            f"/api/v1/staff/orders/{order_id}/status",
            json={"status": "preparing"},
            headers={"X-CSRFToken": kitchen.cookies["csrftoken"]},
        )
        page.locator("li.current", has_text="Valmisteilla").wait_for()
        shoot("orders")
        browser.close()
    images = [Image.open(p) for p in shots]
    gap = 40
    strip = Image.new(
        "RGB",
        (sum(i.width for i in images) + gap * (len(images) - 1), images[0].height),
        "white",
    )
    x = 0
    for image in images:
        strip.paste(image, (x, 0))
        x += image.width + gap
    strip.thumbnail((2400, 2400))
    strip.save(OUT / "guest-flow.png", optimize=True)
    print(f"wrote {', '.join(p.name for p in shots)} and guest-flow.png to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
