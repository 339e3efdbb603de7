from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .restaurants import Restaurant, Table


class TableSessionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class TableSession(models.Model):
    """One party's visit at a table: the unit of trust.

    Orders belong to the session, never to the bare table, so the next party
    at the same table sees nothing of the previous one.
    """

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="table_sessions"
    )
    table = models.ForeignKey(Table, on_delete=models.PROTECT, related_name="sessions")
    status = models.CharField(
        max_length=10,
        choices=TableSessionStatus.choices,
        default=TableSessionStatus.OPEN,
    )
    party_size = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when a guest opened it by scanning the table's code."),
    )
    opened_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Service times for the managers' reports: seated (opened_at) -> first
    # order -> food served -> bill requested -> paid.
    first_order_at = models.DateTimeField(null=True, blank=True)
    food_served_at = models.DateTimeField(null=True, blank=True)
    bill_requested_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # Set when staff merged this party into another table's session.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
    )

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("table session")
        verbose_name_plural = _("table sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["table"],
                condition=models.Q(status="open"),
                name="table_one_open_session",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", closed_at__isnull=True)
                | models.Q(status="closed", closed_at__isnull=False),
                name="table_session_closed_at_matches_status",
            ),
        ]
        indexes = [models.Index(fields=["status", "last_activity_at"])]

    def __str__(self) -> str:
        return f"{self.table} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == TableSessionStatus.OPEN


class Guest(models.Model):
    """One phone at one table session.

    The phone proves who it is with a random token (kept in its Django session
    cookie, or sent as `Authorization: Guest <token>` by API clients); only the
    token's SHA-256 is stored.
    """

    table_session = models.ForeignKey(
        TableSession, on_delete=models.CASCADE, related_name="guests"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    display_name = models.CharField(_("name"), max_length=40, blank=True)
    # Set when a waiter orders for the table: the waiter's own "phone" there,
    # so staff orders follow exactly the guests' rules.
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(max_length=2, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")

    def __str__(self) -> str:
        return self.display_name or f"guest {self.pk}"
