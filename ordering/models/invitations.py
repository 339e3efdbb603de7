"""Invitations to join a restaurant's staff, sent by email."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .restaurants import Restaurant, StaffRole


class StaffInvitation(models.Model):
    """An emailed link that lets one person join a restaurant in one role.

    The link holds a random token; only its SHA-256 is stored. It works once
    (`accepted_at`) and until `expires_at`, unless an owner or manager
    revokes it first.
    """

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=16, choices=StaffRole.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True)
                | models.Q(revoked_at__isnull=True),
                name="staff_invitation_accepted_or_revoked",
            ),
        ]
        indexes = [models.Index(fields=["restaurant", "accepted_at"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.restaurant} ({self.role})"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > now
        )
