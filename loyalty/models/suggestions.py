"""Precomputed suggestions per restaurant and member, and what was shown and taken."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ordering.models import MenuItem, Restaurant, TableSession

from .members import Member


class SuggestionFit(models.Model):
    """A restaurant's fitted item statistics (pairings, popularity, dayparts).

    `data` holds numpy arrays in `.npz` form (no pickle), read once per
    process and fit; per-member rankings live in `MemberSuggestions`.
    """

    restaurant = models.OneToOneField(
        Restaurant, on_delete=models.CASCADE, related_name="+"
    )
    fitted_at = models.DateTimeField(default=timezone.now)
    members = models.PositiveIntegerField(default=0)
    orders = models.PositiveIntegerField(default=0)
    lines = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0.0)
    data = models.BinaryField(editable=False)

    class Meta:
        verbose_name = _("suggestion model")
        verbose_name_plural = _("suggestion models")

    def __str__(self) -> str:
        return f"{self.restaurant} {self.fitted_at:%Y-%m-%d %H:%M}"


class MemberSuggestions(models.Model):
    """One consenting member's ranked candidates as of the last fit.

    `data` is compact on purpose (a restaurant may have 100k of these):
    {"visits": n, "usual": [[item, times, of_last]], "ranked": [[item, score,
    kind, a, b]], "sections": [category ids they order from most]}.
    """

    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="+"
    )
    computed_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("member's suggestions")
        verbose_name_plural = _("members' suggestions")

    def __str__(self) -> str:
        return f"{self.member_id} {self.computed_at:%Y-%m-%d}"


class SuggestionChannel(models.TextChoices):
    STAFF = "staff", _("Waiter's tablet")
    GUEST = "guest", _("Guest's phone")


class SuggestionPlacement(models.TextChoices):
    USUAL = "usual", _("The usual")
    PERSONAL = "personal", _("Suggestion")
    PAIRING = "pairing", _("Goes well with")
    POPULAR = "popular", _("Popular")


class ShownSuggestion(models.Model):
    """A dish suggested at a table (once per visit, member and screen), and
    whether it was taken: the manager's acceptance rate comes from these."""

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="+"
    )
    table_session = models.ForeignKey(
        TableSession, on_delete=models.CASCADE, related_name="+"
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    menu_item = models.ForeignKey(MenuItem, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=10, choices=SuggestionChannel.choices)
    placement = models.CharField(max_length=10, choices=SuggestionPlacement.choices)
    reason_kind = models.CharField(max_length=20, blank=True)
    shown_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-shown_at", "-id"]
        verbose_name = _("shown suggestion")
        verbose_name_plural = _("shown suggestions")
        # A tablet refreshing every few seconds must not inflate "shown":
        # one row per visit, member (or the table), dish and screen.
        constraints = [
            models.UniqueConstraint(
                fields=["table_session", "member", "menu_item", "channel"],
                condition=models.Q(member__isnull=False),
                name="shown_suggestion_once_per_member",
            ),
            models.UniqueConstraint(
                fields=["table_session", "menu_item", "channel"],
                condition=models.Q(member__isnull=True),
                name="shown_suggestion_once_per_table",
            ),
        ]
        indexes = [models.Index(fields=["restaurant", "shown_at"])]

    def __str__(self) -> str:
        taken = "taken" if self.accepted_at else "shown"
        return f"{self.menu_item_id} at {self.table_session_id} ({taken})"
