"""Carts and orders: adding lines, placing, and moving through the kitchen."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kitchen.services.tickets import tickets_create_for_order
from ordering.exceptions import (
    CartError,
    NotFoundError,
    OrderStateError,
    RateLimitedError,
)
from ordering.models import (
    Guest,
    MenuItem,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMode,
    Restaurant,
    StaffRole,
    TableSession,
    WalkoutPolicy,
)
from ordering.pricing import PricedLine, check_stock, price_line
from ordering.ratelimit import hit
from ordering.selectors import menu_for_pricing
from ordering.services.menu import menu_items_changed
from ordering.services.order_events import order_publish
from ordering.services.payments.holds import hold_required, orders_wait_for_hold
from ordering.services.staff import staff_require
from ordering.services.tables import guest_session_check


def _local_time(restaurant: Restaurant):
    return timezone.now().astimezone(restaurant.tzinfo).time()


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > 200:
        raise CartError(_("Keep the note under 200 characters."), code="note_too_long")
    return note


def _unknown_item(item_id) -> NotFoundError:
    return NotFoundError(
        _("That dish is not on this restaurant's menu."),
        code="unknown_item",
        extra={"menu_item_id": item_id},
    )


def _price_one(
    restaurant: Restaurant, *, menu_item_id: int, modifier_ids: list[int], quantity: int
) -> PricedLine:
    # The version is read afresh: the restaurant may have been loaded before
    # the menu last changed.
    restaurant.menu_version = Restaurant.objects.values_list(
        "menu_version", flat=True
    ).get(pk=restaurant.pk)
    item = menu_for_pricing(restaurant=restaurant).get(menu_item_id)
    if item is None:
        raise _unknown_item(menu_item_id)
    return price_line(
        item,
        modifier_ids=modifier_ids,
        quantity=quantity,
        local_time=_local_time(restaurant),
    )


def _apply(line: OrderLine, priced: PricedLine, quantity: int) -> None:
    line.menu_item_id = priced.menu_item_id
    line.name = priced.name
    line.modifiers = priced.modifiers
    line.allergens = priced.allergens
    line.quantity = quantity
    line.unit_price_minor = priced.unit_price_minor
    line.line_total_minor = priced.line_total_minor
    line.vat_rate_bp = priced.vat_rate_bp
    line.station = priced.station
    line.course = priced.course


def _modifier_ids(line: OrderLine) -> list[int]:
    return sorted(m["id"] for m in line.modifiers)


def _recount(order: Order) -> None:
    """Store a locked order's new total and bump its version."""
    total = order.lines.aggregate(total=Sum("line_total_minor"))["total"] or 0
    Order.objects.filter(pk=order.pk).update(
        total_minor=total, version=F("version") + 1
    )
    # The row is locked by this transaction, so the new values are known.
    order.total_minor = total
    order.version += 1


def _touch(table_session_id: int) -> None:
    TableSession.objects.filter(pk=table_session_id).update(
        last_activity_at=timezone.now()
    )


def _cart_for_update(guest: Guest) -> Order:
    """Return the guest's cart, locked, creating it on first use."""
    cart = (
        Order.objects.select_for_update()
        .filter(guest=guest, status=OrderStatus.DRAFT)
        .first()
    )
    if cart is not None:
        return cart
    session = guest.table_session
    try:
        with transaction.atomic():
            return Order.objects.create(
                restaurant_id=session.restaurant_id, table_session=session, guest=guest
            )
    except IntegrityError:
        # A parallel request from the same phone created it first.
        return Order.objects.select_for_update().get(
            guest=guest, status=OrderStatus.DRAFT
        )


def _cart_line_for_update(guest: Guest, line_id: int) -> tuple[Order, OrderLine]:
    cart = _cart_for_update(guest)
    line = cart.lines.filter(pk=line_id).first()
    if line is None:
        raise NotFoundError(
            _("That line is no longer in your cart."), code="unknown_line"
        )
    return cart, line


@transaction.atomic
def cart_line_add(
    *,
    guest: Guest,
    menu_item_id: int,
    quantity: int,
    modifier_ids: list[int] | None = None,
    note: str = "",
) -> Order:
    """Price a dish with its choices and put it in the guest's cart.

    The same dish with the same choices and note adds to the existing line.
    """
    guest_session_check(guest)
    note = _clean_note(note)
    chosen = sorted(modifier_ids or [])
    cart = _cart_for_update(guest)
    line = next(
        (
            existing
            for existing in cart.lines.filter(menu_item_id=menu_item_id, note=note)
            if _modifier_ids(existing) == chosen
        ),
        None,
    )
    if line is None:
        if cart.lines.count() >= settings.TABLESIDE["MAX_CART_LINES"]:
            raise CartError(
                _("The cart is full. Place this order first, then add more."),
                code="cart_full",
            )
        line = OrderLine(order=cart, added_by=guest, bill_guest=guest, note=note)
        total_quantity = quantity
    else:
        total_quantity = line.quantity + quantity
    priced = _price_one(
        guest.table_session.restaurant,
        menu_item_id=menu_item_id,
        modifier_ids=chosen,
        quantity=total_quantity,
    )
    _apply(line, priced, total_quantity)
    line.full_clean(exclude=["order", "menu_item", "added_by"])
    line.save()
    _recount(cart)
    _touch(guest.table_session_id)
    return cart


@transaction.atomic
def cart_line_update(
    *, guest: Guest, line_id: int, quantity: int, note: str | None = None
) -> Order:
    """Change a cart line's quantity (and note), re-pricing it from the menu."""
    guest_session_check(guest)
    cart, line = _cart_line_for_update(guest, line_id)
    if note is not None:
        line.note = _clean_note(note)
    if line.menu_item_id is None:  # the dish was deleted from the menu
        raise _unknown_item(None)
    priced = _price_one(
        guest.table_session.restaurant,
        menu_item_id=line.menu_item_id,
        modifier_ids=_modifier_ids(line),
        quantity=quantity,
    )
    _apply(line, priced, quantity)
    line.full_clean(exclude=["order", "menu_item", "added_by"])
    line.save()
    _recount(cart)
    _touch(guest.table_session_id)
    return cart


@transaction.atomic
def cart_line_remove(*, guest: Guest, line_id: int) -> Order:
    """Take a line out of the guest's cart."""
    guest_session_check(guest)
    cart, line = _cart_line_for_update(guest, line_id)
    line.delete()
    _recount(cart)
    return cart


def _reprice(cart: Order, restaurant: Restaurant) -> list[int]:
    """Check every cart line against the menu as it is now.

    Raise if something is unknown or unavailable; update lines whose price
    changed since they went into the cart and return their ids.
    """
    lines = list(cart.lines.all())
    items = menu_for_pricing(restaurant=restaurant)
    local_time = _local_time(restaurant)
    changed = []
    for line in lines:
        item = items.get(line.menu_item_id) if line.menu_item_id else None
        if item is None:
            raise _unknown_item(line.menu_item_id)
        priced = price_line(
            item,
            modifier_ids=_modifier_ids(line),
            quantity=line.quantity,
            local_time=local_time,
        )
        if priced.unit_price_minor != line.unit_price_minor:
            _apply(line, priced, line.quantity)
            line.save()
            changed.append(line.pk)
    if changed:
        _recount(cart)
    return changed


def _rate_limit(table_session_id: int) -> None:
    rules = settings.TABLESIDE
    allowed, retry_after = hit(
        f"order-submit:{table_session_id}",
        limit=rules["ORDER_RATE_LIMIT"],
        window_seconds=rules["ORDER_RATE_WINDOW_SECONDS"],
    )
    if not allowed:
        raise RateLimitedError(
            _(
                "Too many orders from this table in a short time. Please wait "
                "%(seconds)d seconds, or ask the staff."
            )
            % {"seconds": retry_after},
            extra={"retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


def order_submit(*, guest: Guest, cart_id: int, note: str = "") -> Order:
    """Place the guest's cart as an order for the kitchen.

    Submitting the same cart twice (a double tap on a slow network) returns the
    already-placed order instead of placing it again. If prices changed since
    the dishes were added, the cart is updated and nothing is placed.
    """
    placed = (
        Order.objects.filter(pk=cart_id, guest=guest)
        .exclude(status=OrderStatus.DRAFT)
        .first()
    )
    if placed is not None:
        return placed
    guest_session_check(guest)
    _rate_limit(guest.table_session_id)
    with transaction.atomic():
        guest_session_check(guest, lock=True)
        cart = Order.objects.select_for_update().filter(pk=cart_id, guest=guest).first()
        if cart is None:
            raise NotFoundError(_("That cart does not exist."), code="unknown_cart")
        if cart.status != OrderStatus.DRAFT:
            return cart
        if not cart.lines.exists():
            raise CartError(
                _("Your cart is empty. Add a dish first."), code="cart_empty"
            )
        restaurant = Restaurant.objects.select_for_update().get(pk=cart.restaurant_id)
        changed = _reprice(cart, restaurant)
        if not changed:
            return _place(cart, restaurant=restaurant, note=note)
    # The new prices are saved; the guest confirms them by placing again.
    raise CartError(
        _(
            "Some prices changed since you added the dishes. Check your cart and "
            "place the order again."
        ),
        code="prices_changed",
        extra={"line_ids": changed, "total_minor": cart.total_minor},
    )


def _take_stock(cart: Order) -> None:
    """Take the ordered portions from dishes with a limited number left.

    Raise (rolling the order back) if another table took the last ones first.
    """
    wanted: dict[int, int] = {}
    for line in cart.lines.all():
        if line.menu_item_id is not None:
            wanted[line.menu_item_id] = wanted.get(line.menu_item_id, 0) + line.quantity
    limited = MenuItem.objects.filter(pk__in=wanted, stock__isnull=False)
    for item in limited.select_for_update().order_by("pk"):
        check_stock(item, wanted[item.pk])
        MenuItem.objects.filter(pk=item.pk).update(stock=F("stock") - wanted[item.pk])
    changed = list(limited.values_list("pk", flat=True))
    if changed:
        menu_items_changed(restaurant_id=cart.restaurant_id, item_ids=changed)


def _placed_status(cart: Order, restaurant: Restaurant) -> str:
    """Where a placed order goes: the kitchen, or a wait for payment (pay-first
    restaurants, or an open tab whose card is not held yet where the walkout
    policy asks for a hold) or for a waiter's approval (the table's first
    order, where the policy asks for that)."""
    if restaurant.payment_mode == PaymentMode.PAY_FIRST or orders_wait_for_hold(
        table_session_id=cart.table_session_id, restaurant=restaurant
    ):
        return OrderStatus.AWAITING_PAYMENT
    if (
        restaurant.walkout_policy == WalkoutPolicy.WAITER_APPROVAL
        and not Order.objects.filter(table_session_id=cart.table_session_id)
        .exclude(status__in=[OrderStatus.DRAFT, OrderStatus.CANCELLED])
        .exists()
    ):
        return OrderStatus.AWAITING_APPROVAL
    return OrderStatus.RECEIVED


def _place(cart: Order, *, restaurant: Restaurant, note: str) -> Order:
    """Number a locked, freshly priced cart and hand it on (to the kitchen,
    or to wait for payment or approval).

    Return the placed order with its restaurant and lines loaded.
    """
    _take_stock(cart)
    status = _placed_status(cart, restaurant)
    Restaurant.objects.filter(pk=restaurant.pk).update(
        order_counter=F("order_counter") + 1
    )
    restaurant.refresh_from_db(fields=["order_counter"])
    now = timezone.now()
    cart.number = restaurant.order_counter
    cart.status = status
    cart.note = _clean_note(note) or cart.note
    cart.placed_at = now
    cart.status_changed_at = now
    cart.version = F("version") + 1
    cart.save(
        update_fields=[
            "number",
            "status",
            "note",
            "placed_at",
            "status_changed_at",
            "version",
        ]
    )
    cart.refresh_from_db()
    _touch(cart.table_session_id)
    TableSession.objects.filter(
        pk=cart.table_session_id, first_order_at__isnull=True
    ).update(first_order_at=now)
    if status == OrderStatus.RECEIVED:
        tickets_create_for_order(order=cart)
    return order_publish(order_id=cart.pk, event="order.placed")


@transaction.atomic
def order_approve(*, order_id: int, user) -> Order:
    """Let a table's first order go to the kitchen (a waiter, where the
    walkout policy asks for approval)."""
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None:
        raise NotFoundError()
    staff_require(
        user=user,
        restaurant_id=order.restaurant_id,
        roles={StaffRole.OWNER, StaffRole.MANAGER, StaffRole.WAITER},
    )
    # A waiter may also vouch for a table whose card is not held yet.
    waits_for_hold = order.status == OrderStatus.AWAITING_PAYMENT and hold_required(
        Restaurant.objects.get(pk=order.restaurant_id)
    )
    if order.status != OrderStatus.AWAITING_APPROVAL and not waits_for_hold:
        raise OrderStateError(
            _("This order is not waiting for approval."), extra={"status": order.status}
        )
    order.status = OrderStatus.RECEIVED
    order.status_changed_at = timezone.now()
    order.version = F("version") + 1
    order.save(update_fields=["status", "status_changed_at", "version"])
    order.refresh_from_db()
    tickets_create_for_order(order=order)
    return order_publish(order_id=order.pk, event="order.updated")
