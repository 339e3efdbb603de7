from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ordering.translation import pick

from .menu import MenuItem
from .restaurants import Restaurant
from .sessions import Guest, TableSession


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("In the cart")
    # Placed, but held from the kitchen until paid (pay-first restaurants),
    # or until a waiter approves the table's first order.
    AWAITING_PAYMENT = "awaiting_payment", _("Waiting for payment")
    AWAITING_APPROVAL = "awaiting_approval", _("Waiting for the waiter")
    RECEIVED = "received", _("Received")
    PREPARING = "preparing", _("Preparing")
    READY = "ready", _("Ready")
    SERVED = "served", _("Served")
    CANCELLED = "cancelled", _("Cancelled")


# The only moves an order may make. Going back one step is allowed from the
# kitchen (a ticket bumped by mistake is recalled).
ORDER_TRANSITIONS: dict[str, set[str]] = {
    OrderStatus.DRAFT: {
        OrderStatus.RECEIVED,
        OrderStatus.AWAITING_PAYMENT,
        OrderStatus.AWAITING_APPROVAL,
    },
    OrderStatus.AWAITING_PAYMENT: {OrderStatus.RECEIVED, OrderStatus.CANCELLED},
    OrderStatus.AWAITING_APPROVAL: {OrderStatus.RECEIVED, OrderStatus.CANCELLED},
    OrderStatus.RECEIVED: {
        OrderStatus.PREPARING,
        OrderStatus.READY,
        OrderStatus.CANCELLED,
    },
    OrderStatus.PREPARING: {
        OrderStatus.RECEIVED,
        OrderStatus.READY,
        OrderStatus.CANCELLED,
    },
    OrderStatus.READY: {OrderStatus.PREPARING, OrderStatus.SERVED},
    OrderStatus.SERVED: {OrderStatus.READY},
    OrderStatus.CANCELLED: set(),
}


class LineStatus(models.TextChoices):
    """A line's progress in the kitchen, kept up to date by the kitchen app."""

    HELD = "held", _("Held for a later course")
    RECEIVED = "received", _("Received")
    PREPARING = "preparing", _("Preparing")
    READY = "ready", _("Ready")
    SERVED = "served", _("Served")
    CANCELLED = "cancelled", _("Cancelled")


PLACED_STATUSES = [
    OrderStatus.AWAITING_PAYMENT,
    OrderStatus.AWAITING_APPROVAL,
    OrderStatus.RECEIVED,
    OrderStatus.PREPARING,
    OrderStatus.READY,
    OrderStatus.SERVED,
]


class Order(models.Model):
    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.PROTECT, related_name="orders"
    )
    table_session = models.ForeignKey(
        TableSession, on_delete=models.PROTECT, related_name="orders"
    )
    guest = models.ForeignKey(
        Guest, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    placed_by_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    note = models.CharField(_("note for the kitchen"), max_length=200, blank=True)
    total_minor = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    placed_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # Bumped with F() on every change, so screens can drop stale updates.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(
                fields=["guest"],
                condition=models.Q(status="draft"),
                name="order_one_cart_per_guest",
            ),
            models.UniqueConstraint(
                fields=["restaurant", "number"], name="order_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(placed_at__isnull=False),
                name="order_placed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["restaurant", "status"])]

    def __str__(self) -> str:
        return f"#{self.number}" if self.number else f"cart {self.pk}"

    def can_move_to(self, status: str) -> bool:
        return status in ORDER_TRANSITIONS.get(self.status, set())


class OrderLine(models.Model):
    """One dish on an order, frozen at the moment it was added.

    Name, price, modifiers and VAT are copies, so later menu edits never
    change what a guest ordered or paid.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    menu_item = models.ForeignKey(
        MenuItem, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_by = models.ForeignKey(
        Guest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who pays this line when guests pay "their own items": whoever added it,
    # until they say "not mine" (then it is shared) or someone takes it.
    bill_guest = models.ForeignKey(
        Guest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.JSONField(help_text="{language: name} at order time")
    modifiers = models.JSONField(default=list, blank=True)
    allergens = models.JSONField(default=list, blank=True)
    quantity = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    unit_price_minor = models.PositiveIntegerField()
    line_total_minor = models.PositiveBigIntegerField()
    vat_rate_bp = models.PositiveIntegerField(validators=[MaxValueValidator(10000)])
    station = models.CharField(max_length=30)
    course = models.PositiveSmallIntegerField(default=1)
    note = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=10, choices=LineStatus.choices, default=LineStatus.RECEIVED
    )
    created_at = models.DateTimeField(default=timezone.now)
    # A voided line is cancelled by staff, with a reason; above a threshold a
    # manager approves it. Voided lines are not billed.
    void_reason = models.CharField(max_length=200, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    void_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1),
                name="order_line_quantity_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    line_total_minor=models.F("unit_price_minor") * models.F("quantity")
                ),
                name="order_line_total_is_unit_times_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {pick(self.name)}"
