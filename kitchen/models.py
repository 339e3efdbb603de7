"""Kitchen stations, their screens, tickets, alerts and the event sequence."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ordering.models import Order, OrderLine, Restaurant
from ordering.models.menu import station_code_validator


class Station(models.Model):
    """A place in the kitchen that cooks one kind of item (grill, cold, bar…)."""

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="stations"
    )
    code = models.CharField(
        _("code"), max_length=30, validators=[station_code_validator]
    )
    name = models.CharField(_("name"), max_length=60)
    # Ticket timers turn amber, then red, after this long since firing.
    amber_after_seconds = models.PositiveIntegerField(
        _("amber after (seconds)"), default=8 * 60
    )
    red_after_seconds = models.PositiveIntegerField(
        _("red after (seconds)"), default=15 * 60
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        constraints = [
            models.UniqueConstraint(
                fields=["restaurant", "code"], name="station_unique_code"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    red_after_seconds__gt=models.F("amber_after_seconds")
                ),
                name="station_red_after_amber",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TicketStatus(models.TextChoices):
    HELD = "held", _("Held")
    RECEIVED = "received", _("New")
    PREPARING = "preparing", _("Preparing")
    READY = "ready", _("Ready")
    SERVED = "served", _("Served")
    CANCELLED = "cancelled", _("Cancelled")


# Tickets a cook still has to deal with; the rest are history.
OPEN_TICKET_STATUSES = [
    TicketStatus.RECEIVED,
    TicketStatus.PREPARING,
    TicketStatus.READY,
]


class Ticket(models.Model):
    """One order's items for one station and course: what a cook sees."""

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="tickets"
    )
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tickets")
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="tickets"
    )
    course = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    status = models.CharField(
        max_length=10, choices=TicketStatus.choices, default=TicketStatus.RECEIVED
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the ticket reached the screens (creation, or when its course fired).
    fired_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    served_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["fired_at", "id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "station", "course"], name="ticket_one_per_course"
            ),
            models.CheckConstraint(
                condition=models.Q(status="held") | models.Q(fired_at__isnull=False),
                name="ticket_fired_unless_held",
            ),
        ]
        indexes = [
            models.Index(fields=["restaurant", "status"]),
            models.Index(fields=["status", "acknowledged_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.order} · {self.station} · {self.course}"


class TicketLine(models.Model):
    """An order line on a ticket; `done_at` is set when a cook crosses it off."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="lines")
    order_line = models.OneToOneField(
        OrderLine, on_delete=models.CASCADE, related_name="ticket_line"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("ticket line")
        verbose_name_plural = _("ticket lines")

    def __str__(self) -> str:
        return str(self.order_line)


class Screen(models.Model):
    """A paired kitchen display. It proves itself with a random token kept in
    its cookie; only the token's hash is stored."""

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="screens"
    )
    name = models.CharField(_("name"), max_length=60)
    station = models.ForeignKey(
        Station,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="screens",
        help_text=_("Empty for the expo view of every station."),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    paired_at = models.DateTimeField(default=timezone.now)
    paired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("screen")
        verbose_name_plural = _("screens")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ScreenPairing(models.Model):
    """A short-lived code a manager shows and a new screen types in."""

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField(max_length=8)
    name = models.CharField(_("screen name"), max_length=60)
    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    screen = models.OneToOneField(
        Screen, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("screen pairing")
        verbose_name_plural = _("screen pairings")
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return self.code


class ScreenConnection(models.Model):
    """One open websocket of a kitchen display: how the server knows which
    screens are live. Rows are removed on disconnect; a crashed process leaves
    rows whose heartbeat simply stops."""

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="+"
    )
    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    screen = models.ForeignKey(
        Screen, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    channel_name = models.CharField(max_length=200, unique=True)
    connected_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("screen connection")
        verbose_name_plural = _("screen connections")
        indexes = [models.Index(fields=["restaurant", "last_seen_at"])]

    def __str__(self) -> str:
        return self.channel_name


class AlertKind(models.TextChoices):
    TICKET_UNACKNOWLEDGED = "ticket_unacknowledged", _("Ticket not seen")
    STATION_OFFLINE = "station_offline", _("Station has no live screen")


class Alert(models.Model):
    """Something the manager and the floor must know: a ticket no screen has
    confirmed, or a station nobody is watching."""

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="kitchen_alerts"
    )
    kind = models.CharField(max_length=30, choices=AlertKind.choices)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "ticket"],
                condition=models.Q(resolved_at__isnull=True, ticket__isnull=False),
                name="alert_one_open_per_ticket",
            ),
            models.UniqueConstraint(
                fields=["kind", "station"],
                condition=models.Q(resolved_at__isnull=True, ticket__isnull=True),
                name="alert_one_open_per_station",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.raised_at:%H:%M})"


class EventStream(models.Model):
    """The last sequence number given to a restaurant's events on one stream.

    Screens expect consecutive numbers; a gap tells them to resync.
    """

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=20)
    last_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("event stream")
        verbose_name_plural = _("event streams")
        constraints = [
            models.UniqueConstraint(
                fields=["restaurant", "name"], name="event_stream_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.restaurant} {self.name} #{self.last_seq}"


# The floor's models live in their own module; importing it here registers
# them with the kitchen app.
from kitchen.floor.models import (  # noqa: E402, F401
    LineVoid,
    Section,
    TableService,
    WaiterCall,
)
