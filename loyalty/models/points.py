"""The programme's rules, its tiers and rewards, and the points ledger."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ordering.models import MenuItem, Payment, Refund, Restaurant, TableSession
from ordering.translation import Translated

from .members import Member


class LoyaltyProgram(models.Model):
    """One restaurant's loyalty rules. Every number here is the restaurant's
    to tune; the defaults are a reasonable start."""

    restaurant = models.OneToOneField(
        Restaurant, on_delete=models.CASCADE, related_name="loyalty_program"
    )
    is_active = models.BooleanField(_("active"), default=True)
    points_per_unit = models.PositiveSmallIntegerField(
        _("points per euro"),
        default=10,
        validators=[MaxValueValidator(1000)],
        help_text=_(
            "Points for each euro (or other currency unit) paid, tip excluded; "
            "cents count in proportion, rounded down."
        ),
    )
    allow_same_visit_redemption = models.BooleanField(
        _("points earned on a visit can pay for a reward on the same visit"),
        default=False,
    )
    feedback_points = models.PositiveIntegerField(_("points for feedback"), default=50)
    feedback_awards_per_30_days = models.PositiveSmallIntegerField(
        _("feedback rewarded at most this often in 30 days"), default=2
    )
    survey_points = models.PositiveIntegerField(
        _("points for answering a survey"), default=30
    )
    survey_awards_per_30_days = models.PositiveSmallIntegerField(
        _("survey answers rewarded at most this often in 30 days"), default=2
    )
    referral_points = models.PositiveIntegerField(
        _("points for bringing a friend"), default=250
    )
    referral_awards_per_year = models.PositiveSmallIntegerField(
        _("friends rewarded at most per year"), default=5
    )
    birthday_points = models.PositiveIntegerField(
        _("birthday gift (points)"), default=300
    )
    win_back_points = models.PositiveIntegerField(
        _("win-back gift (points)"), default=200
    )
    points_expire_after_days = models.PositiveIntegerField(
        _("points expire after this many days without a visit (0: never)"),
        default=365,
    )
    marketing_interval_days = models.PositiveSmallIntegerField(
        _("at most one marketing message per this many days"),
        default=30,
        validators=[MinValueValidator(1)],
    )
    quiet_hours_start = models.TimeField(
        _("no marketing messages from"), default=datetime.time(21, 0)
    )
    quiet_hours_end = models.TimeField(
        _("no marketing messages until"), default=datetime.time(9, 0)
    )
    reservation_minutes = models.PositiveSmallIntegerField(
        _("a reward held for a payment is released after (minutes)"),
        default=30,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        verbose_name = _("loyalty programme")
        verbose_name_plural = _("loyalty programmes")

    def __str__(self) -> str:
        return f"{self.restaurant}"


class Tier(Translated, models.Model):
    """A level reached by points earned in the last 365 days."""

    program = models.ForeignKey(
        LoyaltyProgram, on_delete=models.CASCADE, related_name="tiers"
    )
    name_fi = models.CharField(_("name (Finnish)"), max_length=40)
    name_sv = models.CharField(_("name (Swedish)"), max_length=40, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=40, blank=True)
    perks_fi = models.CharField(_("perks (Finnish)"), max_length=200, blank=True)
    perks_sv = models.CharField(_("perks (Swedish)"), max_length=200, blank=True)
    perks_en = models.CharField(_("perks (English)"), max_length=200, blank=True)
    min_points = models.PositiveIntegerField(
        _("points earned in the last 365 days"), default=0
    )
    points_multiplier_percent = models.PositiveSmallIntegerField(
        _("points earned, percent of the base rate"),
        default=100,
        validators=[MinValueValidator(100), MaxValueValidator(500)],
    )

    class Meta:
        ordering = ["program", "min_points"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "min_points"], name="tier_unique_threshold"
            )
        ]

    def __str__(self) -> str:
        return self.name_fi


class RewardKind(models.TextChoices):
    FREE_ITEM = "free_item", _("A free dish or drink")
    PERCENT_OFF = "percent_off", _("Percent off the bill")
    AMOUNT_OFF = "amount_off", _("Amount off the bill")


class Reward(Translated, models.Model):
    program = models.ForeignKey(
        LoyaltyProgram, on_delete=models.CASCADE, related_name="rewards"
    )
    kind = models.CharField(max_length=12, choices=RewardKind.choices)
    name_fi = models.CharField(_("name (Finnish)"), max_length=80)
    name_sv = models.CharField(_("name (Swedish)"), max_length=80, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    cost_points = models.PositiveIntegerField(
        _("points"), validators=[MinValueValidator(1)]
    )
    menu_item = models.ForeignKey(
        MenuItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a free item: the dish or drink it pays for."),
    )
    percent_off = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    amount_off_minor = models.PositiveIntegerField(
        _("amount off (cents)"), null=True, blank=True
    )
    min_tier = models.ForeignKey(
        Tier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only members of this tier or higher may take it."),
    )
    is_active = models.BooleanField(_("offered"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "cost_points", "id"]
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")

    def __str__(self) -> str:
        return self.name_fi

    def clean(self):
        needs = {
            RewardKind.FREE_ITEM: ("menu_item", self.menu_item_id),
            RewardKind.PERCENT_OFF: ("percent_off", self.percent_off),
            RewardKind.AMOUNT_OFF: ("amount_off_minor", self.amount_off_minor),
        }
        if self.kind in needs:
            field, value = needs[RewardKind(self.kind)]
            if not value:
                raise ValidationError({field: _("This kind of reward needs it.")})


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    REDEEM = "redeem", _("Redeemed")
    RESERVE = "reserve", _("Held for a reward")
    RELEASE = "release", _("Hold released")
    REVERSE = "reverse", _("Reversed (refund)")
    EXPIRE = "expire", _("Expired")
    ADJUST = "adjust", _("Adjusted")


# Which way each kind moves the balance; the database checks it too.
CREDIT_KINDS = [EntryKind.EARN, EntryKind.RELEASE]
DEBIT_KINDS = [
    EntryKind.REDEEM,
    EntryKind.RESERVE,
    EntryKind.REVERSE,
    EntryKind.EXPIRE,
]


class EntrySource(models.TextChoices):
    PAYMENT = "payment", _("Visit")
    FEEDBACK = "feedback", _("Feedback")
    SURVEY = "survey", _("Survey")
    REFERRAL = "referral", _("A friend joined")
    BIRTHDAY = "birthday", _("Birthday")
    WIN_BACK = "win_back", _("Welcome back")
    REWARD = "reward", _("Reward")
    REFUND = "refund", _("Refund")
    EXPIRY = "expiry", _("Expiry")
    STAFF = "staff", _("Staff")


class PointsEntry(models.Model):
    """One movement of a member's points. The balance is the sum of them.

    Append-only: a mistake is corrected by a new entry, never by an edit.
    `key` names the entry's source ("payment:41", "refund:7",
    "reservation:3:reserve"), and being unique it makes every accrual
    idempotent: a replayed event finds its key taken and credits nothing.
    """

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="points_entries"
    )
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    source = models.CharField(max_length=10, choices=EntrySource.choices)
    points = models.IntegerField()
    key = models.CharField(max_length=100, unique=True)
    table_session = models.ForeignKey(
        TableSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    refund = models.ForeignKey(
        Refund, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reservation = models.ForeignKey(
        "Reservation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
    )
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        indexes = [models.Index(fields=["member", "kind", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind__in=CREDIT_KINDS, points__gt=0)
                    | models.Q(kind__in=DEBIT_KINDS, points__lt=0)
                    | (models.Q(kind=EntryKind.ADJUST) & ~models.Q(points=0))
                ),
                name="points_entry_sign_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.points:+d} ({self.key})"

    def save(self, *args, **kwargs):
        # Integrity guard, not business logic: ledger rows are written once.
        if not self._state.adding:
            raise ValueError("points entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("points entries are append-only")


class ReservationStatus(models.TextChoices):
    RESERVED = "reserved", _("Held for the payment")
    CONSUMED = "consumed", _("Used")
    RELEASED = "released", _("Released")


class Reservation(models.Model):
    """A reward held for one bill: its points are out of the balance until the
    payment succeeds (consumed) or fails or times out (released)."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="reservations"
    )
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="+")
    table_session = models.ForeignKey(
        TableSession, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10,
        choices=ReservationStatus.choices,
        default=ReservationStatus.RESERVED,
    )
    points = models.PositiveIntegerField()
    discount_minor = models.PositiveIntegerField()
    payment = models.ForeignKey(
        Payment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reward reservation")
        verbose_name_plural = _("reward reservations")
        constraints = [
            # One reward per member per bill: a second device's tap loses.
            models.UniqueConstraint(
                fields=["member", "table_session"],
                condition=models.Q(status="reserved"),
                name="reservation_one_open_per_visit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reward} for {self.member} ({self.status})"


class Badge(models.Model):
    """A small achievement, awarded once ("tried every dessert")."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="badges")
    code = models.CharField(max_length=60)
    label = models.JSONField(help_text="{language: text} at the time it was awarded")
    awarded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["awarded_at", "id"]
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        constraints = [
            models.UniqueConstraint(fields=["member", "code"], name="badge_once")
        ]

    def __str__(self) -> str:
        return self.code
