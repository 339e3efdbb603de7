"""Paying the bill: payments and what each one pays for, refunds, receipts, and
the Stripe events they were settled by."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .orders import OrderLine
from .restaurants import Restaurant
from .sessions import Guest, TableSession


class PaymentKind(models.TextChoices):
    BILL = "bill", _("Bill")
    HOLD = "hold", _("Card hold")


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card (online)")
    CASH = "cash", _("Cash")
    TERMINAL = "terminal", _("Card terminal")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the card")
    REQUIRES_ACTION = "requires_action", _("Waiting for the bank's check")
    AUTHORIZED = "authorized", _("Authorized")
    SUCCEEDED = "succeeded", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# Payments whose allocations hold lines: paid, or on their way to being paid
# (until they expire). A failed or cancelled payment frees what it held.
HOLDING_STATUSES = [
    PaymentStatus.PENDING,
    PaymentStatus.REQUIRES_ACTION,
    PaymentStatus.AUTHORIZED,
    PaymentStatus.SUCCEEDED,
]
FINAL_STATUSES = [
    PaymentStatus.SUCCEEDED,
    PaymentStatus.FAILED,
    PaymentStatus.CANCELLED,
]


class Payment(models.Model):
    """Money from one payer: what it pays for (allocations), the tip, and how.

    `amount_minor` is the sum of its allocations (VAT included), `tip_minor`
    comes on top, `discount_minor` (a loyalty reward) comes off;
    `total_minor` is what is charged.
    """

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.PROTECT, related_name="payments"
    )
    table_session = models.ForeignKey(
        TableSession, on_delete=models.PROTECT, related_name="payments"
    )
    guest = models.ForeignKey(
        Guest, on_delete=models.SET_NULL, null=True, blank=True, related_name="payments"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The staff member who took a cash or terminal payment."),
    )
    kind = models.CharField(
        max_length=10, choices=PaymentKind.choices, default=PaymentKind.BILL
    )
    method = models.CharField(
        max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.CARD
    )
    status = models.CharField(
        max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    amount_minor = models.PositiveBigIntegerField(default=0)
    tip_minor = models.PositiveBigIntegerField(default=0)
    discount_minor = models.PositiveBigIntegerField(default=0)
    total_minor = models.PositiveBigIntegerField(default=0)
    refunded_minor = models.PositiveBigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    # How the split was chosen, for the receipt and the reports.
    split = models.CharField(max_length=20, blank=True)
    stripe_payment_intent_id = models.CharField(
        max_length=255, null=True, blank=True, unique=True
    )
    client_secret = models.CharField(max_length=255, blank=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    failure_message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A card payment the guest never finishes lets go of its lines then.
    expires_at = models.DateTimeField(null=True, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    total_minor=models.F("amount_minor")
                    - models.F("discount_minor")
                    + models.F("tip_minor")
                ),
                name="payment_total_adds_up",
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_minor__lte=models.F("total_minor")),
                name="payment_refund_within_total",
            ),
        ]
        indexes = [models.Index(fields=["table_session", "status"])]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.total_minor} ({self.status})"


class PaymentAllocation(models.Model):
    """The part of one order line a payment pays (VAT included)."""

    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="allocations"
    )
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.PROTECT, related_name="allocations"
    )
    amount_minor = models.PositiveBigIntegerField()

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_minor__gt=0), name="allocation_positive"
            ),
            models.UniqueConstraint(
                fields=["payment", "order_line"], name="allocation_once_per_line"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount_minor} of line {self.order_line_id}"


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Failed")


class Refund(models.Model):
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="refunds"
    )
    amount_minor = models.PositiveBigIntegerField()
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    stripe_refund_id = models.CharField(
        max_length=255, null=True, blank=True, unique=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_minor__gt=0), name="refund_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount_minor} ({self.status})"


class ReceiptKind(models.TextChoices):
    SALE = "sale", _("Receipt")
    REFUND = "refund", _("Refund receipt")


class Receipt(models.Model):
    """A numbered receipt, frozen when issued; numbers run without gaps per
    restaurant, as bookkeeping requires."""

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.PROTECT, related_name="receipts"
    )
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=ReceiptKind.choices)
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="receipts"
    )
    refund = models.OneToOneField(
        Refund,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipt",
    )
    issued_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(help_text="Everything printed, as issued.")

    class Meta:
        ordering = ["restaurant", "number"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["restaurant", "number"], name="receipt_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.restaurant} {self.number}"


class StripeEvent(models.Model):
    """A webhook event, stored before it is acted on: the unique id makes a
    replayed event a no-op."""

    stripe_event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    api_version = models.CharField(max_length=40, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_event_id}"
