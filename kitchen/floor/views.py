"""The floor page: a waiter's tablet. Thin: the page script takes a snapshot
over the websocket and acts through the REST API."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kitchen.floor.access import floor_access, floor_restaurants
from kitchen.floor.models import CallKind
from kitchen.floor.states import FloorState
from ordering.dietary import ALLERGENS
from ordering.models import LineStatus, OrderStatus
from ordering.services.payments.holds import hold_required


def state_labels() -> dict[str, str]:
    return {
        FloorState.FREE: _("Free"),
        FloorState.SEATED: _("Seated"),
        FloorState.ORDERING: _("Ordering"),
        FloorState.WAITING_FOR_FOOD: _("Waiting for food"),
        FloorState.FOOD_READY: _("Food ready"),
        FloorState.EATING: _("Eating"),
        FloorState.BILL_REQUESTED: _("Bill requested"),
        FloorState.PAYING: _("Paying"),
        FloorState.NEEDS_CLEARING: _("Needs clearing"),
    }


def _strings() -> dict[str, str]:
    """Return the texts the floor script shows, in the active language."""
    return {
        "table": _("Table %(label)s"),
        "order": _("#%(number)s"),
        "guests": _("%(count)s guests"),
        "seats": _("%(count)s seats"),
        "minutes": _("%(count)s min"),
        "hours": _("%(hours)s h %(minutes)s min"),
        "just_now": _("just now"),
        "live": _("Live"),
        "reconnecting": _("Reconnecting…"),
        "resyncing": _("Catching up…"),
        "signed_out": _("Signed out. Sign in again to see the floor."),
        "error": _("That did not go through. Check the connection and try again."),
        "my_section": _("My section"),
        "all_tables": _("All tables"),
        "no_section": _(
            "You have no section yet: every table rings. Choose your areas "
            "under Sections."
        ),
        "other_area": _("Other tables"),
        "covered_by": _("Covered by %(names)s"),
        "nobody_covers": _("Nobody covers this area"),
        "sound_on": _("Sound on"),
        "sound_off": _("Tap for sound"),
        "call_waiter": _("Waiter"),
        "call_bill": _("Bill"),
        "call_help": _("Help"),
        "call_waiter_long": _("Calls for a waiter"),
        "call_bill_long": _("Asks for the bill"),
        "call_help_long": _("Needs help"),
        "on_my_way": _("On my way"),
        "done": _("Done"),
        "on_the_way_by": _("%(name)s is on the way"),
        "food_ready": _("Food ready"),
        "ready_item": _("%(station)s, course %(course)s"),
        "served": _("Served"),
        "serve_all": _("Serve everything ready"),
        "fire": _("Fire course %(course)s"),
        "held": _("Course %(course)s held"),
        "approve_void": _("Approve"),
        "reject_void": _("Turn down"),
        "void_request": _("Void %(quantity)s× %(name)s (%(amount)s), asked by %(who)s"),
        "void_reason_label": _("Reason"),
        "queue_empty": _("Nothing waiting. Calls and food ready appear here."),
        "alert_ticket": _("Table %(table)s #%(number)s not confirmed by a screen"),
        "alert_station": _("Kitchen: no live screen at %(station)s"),
        "seat": _("Seat a party"),
        "seat_title": _("Seat a party at table %(label)s"),
        "party_size": _("Party size"),
        "one_less": _("One less"),
        "one_more": _("One more"),
        "add_items": _("Add items"),
        "move": _("Move"),
        "move_title": _("Move the party to a free table"),
        "merge": _("Merge"),
        "merge_title": _("Join the party at another table"),
        "unmerge": _("Separate"),
        "no_free_tables": _("No table is free."),
        "no_seated_tables": _("No other table has a party."),
        "close_visit": _("Close the visit"),
        "close_visit_question": _(
            "Close table %(label)s's visit? Its phones stop ordering. Still to "
            "pay: %(total)s."
        ),
        "clear": _("Table cleared"),
        "confirm": _("Yes"),
        "cancel": _("Cancel"),
        "close": _("Close"),
        "void": _("Void"),
        "void_title": _("Void %(quantity)s× %(name)s"),
        "void_needs_manager": _("Over %(amount)s a manager approves the void."),
        "void_pending": _("Void waiting for a manager"),
        "voided": _("Voided: %(reason)s"),
        "void_sent": _("Sent to a manager for approval."),
        "void_done": _("Voided."),
        "reason_wrong": _("Entered by mistake"),
        "reason_changed": _("Guest changed their mind"),
        "reason_quality": _("Quality problem"),
        "reason_comp": _("On the house"),
        "reason_other": _("Other reason"),
        "allergens": _("Allergens"),
        "note": _("Note"),
        "order_note": _("Note for the kitchen"),
        "total": _("Total"),
        "placed_by_staff": _("by staff"),
        "placed_by_guest": _("by a guest"),
        "no_orders": _("Nothing ordered yet."),
        "approval": _("First order waiting for approval"),
        "hold_waiting": _("Waiting for a card hold: approve to vouch for the table"),
        "approve_order": _("Approve order %(number)s"),
        "approval_elsewhere": _(
            "Approve it where payments are handled: this tablet cannot yet."
        ),
        "members": _("Members at the table"),
        "visits": _("%(count)s visits"),
        "visit_one": _("1 visit"),
        "first_visit": _("First visit"),
        "usual": _("Usual: %(items)s"),
        "no_usual": _("No usual order yet, or no consent to use it."),
        "birthday": _("Birthday this week"),
        "diet_notes": _("Diet: %(notes)s"),
        "suggestions": _("Suggestions"),
        "suggestions_placeholder": _(
            "Suggestions for this guest will appear here once the restaurant "
            "turns them on."
        ),
        "times": _("Service times"),
        "time_seated": _("Seated"),
        "time_first_order": _("First order"),
        "time_food_served": _("Food served"),
        "time_bill": _("Bill asked"),
        "time_paid": _("Paid"),
        "merged_into": _("Together with table %(label)s"),
        "merged_with": _("With tables %(labels)s"),
        "waiter_of_record": _("Looked after by %(name)s"),
        "order_for": _("Order for table %(label)s"),
        "menu_loading": _("Loading the menu…"),
        "add": _("Add"),
        "quantity": _("Quantity"),
        "note_for_kitchen": _("Note for the kitchen"),
        "choose_one": _("Choose one"),
        "choose_up_to": _("Choose up to %(max)s"),
        "choose_between": _("Choose %(min)s to %(max)s"),
        "optional": _("Optional"),
        "sold_out": _("Sold out"),
        "not_now": _("Not available now"),
        "cart": _("To send"),
        "cart_empty": _("Nothing added yet. Tap a dish."),
        "remove": _("Remove"),
        "send": _("Send to the kitchen"),
        "sent": _("Sent to the kitchen."),
        "sections": _("Sections"),
        "sections_hint": _("Who covers which area. Your tablet rings for your areas."),
        "sections_hint_waiter": _("Tick the areas you cover today."),
        "new_call": _("Table %(label)s: %(what)s"),
        "food_ready_at": _("Food ready for table %(label)s"),
        "sign_out": _("Sign out"),
        "sign_in": _("Sign in"),
        "course": _("Course %(course)s"),
        "no_tables": _("No tables to show here."),
        "seated": _("Party seated."),
        "fired": _("Course %(course)s sent to the kitchen."),
        "added": _("Added."),
        "approved": _("Approved."),
        "for_member": _("For %(name)s"),
        "pairings": _("Goes well with the order"),
        "record_payment": _("Record a payment"),
        "pay_terminal": _("Card terminal"),
        "pay_cash": _("Cash"),
        "to_pay": _("Still to pay: %(amount)s"),
        "payment_recorded": _("Payment recorded."),
        "nothing_to_pay": _("Nothing is left to pay."),
    }


# Payments' staff endpoints, reversed with 0 for the id the script fills in.
STAFF_PAYMENT_URLS = ("api-staff-approve", "api-staff-bill", "api-staff-pay")


def _url(name: str) -> str | None:
    try:
        return reverse(name, args=[0])
    except NoReverseMatch:  # payments not installed: the button is hidden
        return None


@never_cache
@require_GET
def floor_page(request):
    """The waiter's tablet; staff of several restaurants choose one first."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    slug = request.GET.get("restaurant", "")
    access = floor_access(user=request.user, restaurant_slug=slug)
    if access is None:
        restaurants = [
            (r, f"{reverse('floor')}?{urlencode({'restaurant': r.slug})}")
            for r in floor_restaurants(user=request.user)
        ]
        return render(
            request,
            "floor/choose.html",
            {"restaurants": restaurants},
            # Asking for a floor one does not work on is refused, even when
            # the page offers the floors one does.
            status=200 if restaurants and not slug else 403,
        )
    restaurant = access.restaurant
    approve, bill, pay = (_url(name) for name in STAFF_PAYMENT_URLS)
    boot = {
        "restaurant": {
            "id": restaurant.pk,
            "slug": restaurant.slug,
            "name": restaurant.name,
            "currency": restaurant.currency,
        },
        "me": request.user.pk,
        "api": "/api/v1/kitchen/floor",
        "socket": f"/ws/floor/?{urlencode({'restaurant': restaurant.slug})}",
        "menu_url": reverse("api-menu", args=[restaurant.slug]),
        # The walkout policy's first-order approval: the URL of payments'
        # approve endpoint, with 0 for the order id (None hides the button).
        "approve_order_url": approve,
        "vouch_for_hold": hold_required(restaurant),
        # Cash and card-terminal payments the waiter records, and the bill
        # they are taken against (same convention).
        "bill_url": bill,
        "pay_url": pay,
        "lang": (get_language() or restaurant.default_language)[:2],
        "menu_lang": restaurant.default_language,
        "strings": _strings(),
        "states": state_labels(),
        "calls": {k: str(v) for k, v in CallKind.choices},
        "order_statuses": {k: str(v) for k, v in OrderStatus.choices},
        "line_statuses": {k: str(v) for k, v in LineStatus.choices},
        "allergens": {k: str(v) for k, v in ALLERGENS.items()},
    }
    return render(
        request,
        "floor/floor.html",
        {"boot": boot, "restaurant": restaurant, "access": access},
    )
