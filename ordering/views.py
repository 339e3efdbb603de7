"""Guest pages. Server-rendered for a fast first paint on a slow phone; the
page script then talks to the REST API and the table's websocket."""

from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ordering.dietary import ALLERGENS, DIETS
from ordering.exceptions import DomainError
from ordering.guest_auth import remember_guest, session_token
from ordering.guest_pages import guest_page, page_context, problem_page
from ordering.menus import availability_key, menu_data
from ordering.models import Guest, LineStatus, OrderStatus
from ordering.selectors import cart_get, table_session_snapshot
from ordering.serializers import OrderOutputSerializer
from ordering.services.tables import table_session_join


@require_GET
def healthz(request):
    """Answer load balancers: the process serves requests (no database)."""
    return JsonResponse({"ok": True})


@require_GET
def favicon(request):
    """Point browsers that ask for /favicon.ico at the real icon."""
    return redirect(static("tableside/favicon.svg"), permanent=True)


@require_GET
def home(request):
    return render(request, "home.html")


@require_GET
def table_scan(request, code: str):
    """Join the table named by a QR code and go to its menu."""
    try:
        _guest, token = table_session_join(
            code=code,
            current_token=session_token(request.session),
            language=get_language() or "",
        )
    except DomainError as error:
        return problem_page(request, error)
    remember_guest(request, token)
    return redirect("table-menu")


@never_cache
@require_GET
@guest_page
def table_menu(request, guest: Guest):
    context = page_context(guest)
    menu = menu_data(restaurant=context["restaurant"], lang=context["lang"])
    cart = cart_get(guest=guest)
    context.update(
        menu=menu,
        menu_key=availability_key(menu),
        allergens=ALLERGENS,
        diets=DIETS,
        boot={
            "groups": {g["id"]: g for g in menu["modifier_groups"]},
            "cart": OrderOutputSerializer(cart).data if cart else None,
            "currency": context["restaurant"].currency,
            "lang": context["lang"],
            "menu_url": reverse("api-menu", args=[context["restaurant"].slug]),
            "menu_version": context["restaurant"].menu_version,
            "urls": context["urls"],
        },
    )
    return render(request, "guest/menu.html", context)


@never_cache
@require_GET
@guest_page
def table_orders(request, guest: Guest):
    context = page_context(guest)
    context["boot"] = {
        "snapshot": table_session_snapshot(table_session_id=guest.table_session_id),
        "guest": guest.pk,
        "currency": context["restaurant"].currency,
        "lang": context["lang"],
        "urls": context["urls"],
        "status_labels": {k: str(v) for k, v in OrderStatus.choices},
        "line_labels": {k: str(v) for k, v in LineStatus.choices},
        "steps": [
            OrderStatus.RECEIVED,
            OrderStatus.PREPARING,
            OrderStatus.READY,
            OrderStatus.SERVED,
        ],
    }
    return render(request, "guest/orders.html", context)
