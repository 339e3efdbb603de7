"""The floor's rows: sections, calls for a waiter, voids, and the floor's
record of each table session."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ordering.models import Area, Guest, OrderLine, Restaurant, TableSession


class Section(models.Model):
    """A waiter covering an area: their tablet highlights its tables and rings
    for calls and food ready there. An area may have several waiters."""

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="+"
    )
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="sections")
    waiter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["area__position", "area_id", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "waiter"], name="section_one_row_per_waiter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area} · {self.waiter}"

    def clean(self):
        if self.area_id and self.area.restaurant_id != self.restaurant_id:
            raise ValidationError({"area": _("This area is in another restaurant.")})


class CallKind(models.TextChoices):
    WAITER = "waiter", _("Call the waiter")
    BILL = "bill", _("Bring the bill")
    HELP = "help", _("Help")


class CallStatus(models.TextChoices):
    OPEN = "open", _("Waiting")
    ACKNOWLEDGED = "acknowledged", _("On the way")
    RESOLVED = "resolved", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# Calls a waiter still has to answer or finish.
LIVE_CALL_STATUSES = [CallStatus.OPEN, CallStatus.ACKNOWLEDGED]


class WaiterCall(models.Model):
    """A guest asking for a waiter, the bill or help from their phone.

    The time from `created_at` to `acknowledged_at` is the response time the
    managers' reports show.
    """

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="+"
    )
    table_session = models.ForeignKey(
        TableSession, on_delete=models.CASCADE, related_name="waiter_calls"
    )
    guest = models.ForeignKey(
        Guest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CallKind.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(
        max_length=12, choices=CallStatus.choices, default=CallStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Bumped with F() on every change, so screens can drop stale updates.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("call for a waiter")
        verbose_name_plural = _("calls for a waiter")
        constraints = [
            # A second tap (or a second phone) joins the call already waiting.
            models.UniqueConstraint(
                fields=["table_session", "kind"],
                condition=models.Q(status__in=["open", "acknowledged"]),
                name="waiter_call_one_live_per_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status="open",
                    acknowledged_at__isnull=True,
                    resolved_at__isnull=True,
                )
                | models.Q(
                    status="acknowledged",
                    acknowledged_at__isnull=False,
                    resolved_at__isnull=True,
                )
                | models.Q(
                    status="resolved",
                    acknowledged_at__isnull=False,
                    resolved_at__isnull=False,
                )
                | models.Q(status="cancelled", resolved_at__isnull=False),
                name="waiter_call_times_match_status",
            ),
            models.CheckConstraint(
                condition=models.Q(acknowledged_at__isnull=True)
                | models.Q(acknowledged_at__gte=models.F("created_at")),
                name="waiter_call_acknowledged_after_created",
            ),
        ]
        indexes = [models.Index(fields=["restaurant", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.table_session}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_CALL_STATUSES

    @property
    def response_seconds(self) -> float | None:
        """Return how long the guest waited for a waiter to answer."""
        if self.acknowledged_at is None:
            return None
        return (self.acknowledged_at - self.created_at).total_seconds()


class VoidStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a manager")
    APPROVED = "approved", _("Voided")
    REJECTED = "rejected", _("Not voided")


class LineVoid(models.Model):
    """Staff taking an ordered line off the bill, with a reason.

    Above the restaurant's `void_approval_over_minor` a waiter's void waits
    (`pending`) until a manager approves it on their own login. The voided
    line itself carries the outcome (`OrderLine.void_*`, status cancelled);
    this row is the request and its audit trail.
    """

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="+"
    )
    order_line = models.ForeignKey(
        OrderLine, on_delete=models.CASCADE, related_name="voids"
    )
    reason = models.CharField(_("reason"), max_length=200)
    # The line's total when the void was asked for.
    amount_minor = models.PositiveBigIntegerField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=VoidStatus.choices, default=VoidStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("void")
        verbose_name_plural = _("voids")
        constraints = [
            models.UniqueConstraint(
                fields=["order_line"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="line_void_one_live_per_line",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending", decided_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(decided_at__isnull=False)),
                name="line_void_decided_unless_pending",
            ),
        ]
        indexes = [models.Index(fields=["restaurant", "status"])]

    def __str__(self) -> str:
        return f"{self.order_line} ({self.status})"


class TableService(models.Model):
    """The floor's record of one table session: the waiter who looked after
    the party (the first to seat, answer, order for or serve them), and when
    the table was cleared after they left."""

    table_session = models.OneToOneField(
        TableSession, on_delete=models.CASCADE, related_name="floor_service"
    )
    waiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("table service")
        verbose_name_plural = _("table services")

    def __str__(self) -> str:
        return str(self.table_session)
