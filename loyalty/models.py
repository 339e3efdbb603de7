from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ordering.models import Guest, Restaurant


class Member(models.Model):
    """A guest who joined a restaurant's loyalty programme.

    The programme (points, consents, codes) grows in the loyalty issue; the
    foundation needs members so order history has someone it belongs to.
    """

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="members"
    )
    first_name = models.CharField(_("first name"), max_length=60)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    class Meta:
        ordering = ["first_name", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(
                fields=["restaurant", "email"],
                condition=~models.Q(email=""),
                name="member_unique_email",
            ),
            models.UniqueConstraint(
                fields=["restaurant", "phone"],
                condition=~models.Q(phone=""),
                name="member_unique_phone",
            ),
        ]

    def __str__(self) -> str:
        return self.first_name


class Identification(models.Model):
    """A member saying "this phone at this table is me": links a visit to them."""

    guest = models.OneToOneField(
        Guest, on_delete=models.CASCADE, related_name="identification"
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="identifications"
    )
    identified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("identification at a table")
        verbose_name_plural = _("identifications at tables")

    def __str__(self) -> str:
        return f"{self.member} as {self.guest}"
