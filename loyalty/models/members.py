"""Members, how a phone proves it is one, and what they agreed to."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ordering.models import Guest, Restaurant


class Member(models.Model):
    """A guest who joined a restaurant's loyalty programme.

    A member is the restaurant's: joining a second restaurant makes a second
    member. Erasing a member blanks every personal field and keeps the row,
    so the points ledger and the anonymised orders still add up.
    """

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="members"
    )
    first_name = models.CharField(_("first name"), max_length=60, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    language = models.CharField(_("language"), max_length=2, blank=True)
    # Set once: a birthday that could be moved would earn a reward a month.
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    birthday_set_at = models.DateTimeField(null=True, blank=True, editable=False)
    diet_notes = models.CharField(
        _("allergies and diet, for the staff"), max_length=200, blank=True
    )
    referral_code = models.CharField(max_length=12, blank=True, editable=False)
    referred_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

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
            models.UniqueConstraint(
                fields=["referral_code"],
                condition=~models.Q(referral_code=""),
                name="member_unique_referral_code",
            ),
        ]

    def __str__(self) -> str:
        return self.first_name or f"member {self.pk}"

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


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


class MemberToken(models.Model):
    """A phone that signed in as a member: kept in a long-lived cookie (or
    sent as `X-Member-Token`); only the token's SHA-256 is stored."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("signed-in phone")
        verbose_name_plural = _("signed-in phones")

    def __str__(self) -> str:
        return f"{self.member} ({self.created_at:%Y-%m-%d})"


class ConsentPurpose(models.TextChoices):
    MARKETING = "marketing", _("Offers and news")
    PERSONALISATION = "personalisation", _("Personal suggestions")


class Consent(models.Model):
    """One answer to one consent question, as it was asked: a ledger.

    The member's current answer is their latest row for a purpose; no row
    means no. Rows are never changed, so what was agreed to, when and in
    which words, stays provable.
    """

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(max_length=20, choices=ConsentPurpose.choices)
    is_granted = models.BooleanField()
    wording_version = models.CharField(max_length=20)
    wording = models.TextField(help_text=_("The question as the member read it."))
    language = models.CharField(max_length=2)
    source = models.CharField(max_length=20)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["member", "purpose", "recorded_at"])]

    def __str__(self) -> str:
        answer = "yes" if self.is_granted else "no"
        return f"{self.member} {self.purpose}={answer} ({self.wording_version})"


class CodePurpose(models.TextChoices):
    JOIN = "join", _("Join or sign in")
    EXPORT = "export", _("Download my data")
    ERASE = "erase", _("Delete my account")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    PHONE = "phone", _("On the phone's screen")


class OneTimeCode(models.Model):
    """A six-digit code sent to an address; only its keyed hash is stored.

    Valid for a few minutes, used at most once, and dead after a few wrong
    guesses.
    """

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="+"
    )
    purpose = models.CharField(max_length=10, choices=CodePurpose.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    destination = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        indexes = [
            models.Index(fields=["restaurant", "destination", "purpose", "created_at"])
        ]

    def __str__(self) -> str:
        return f"{self.purpose} code for {self.destination}"
