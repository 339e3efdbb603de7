import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ordering.translation import MENU_LANGUAGES


def default_languages() -> list[str]:
    return list(MENU_LANGUAGES)


def tip_presets_default() -> list[int]:
    return [0, 500, 1000, 1500]


def default_vat_rates() -> list[int]:
    # Finland from 2026: 13.5 % food and restaurant services, 25.5 % alcohol.
    return [1350, 2550]


class PaymentMode(models.TextChoices):
    # Quick service: an order reaches the kitchen once it is paid.
    PAY_FIRST = "pay_first", _("Pay first")
    # Table service: orders go to the kitchen at once; the table pays at the end.
    OPEN_TAB = "open_tab", _("Open tab")


class WalkoutPolicy(models.TextChoices):
    NONE = "none", _("None")
    CARD_HOLD = "card_hold", _("Card hold before the first order")
    WAITER_APPROVAL = "waiter_approval", _("A waiter approves the first order")


class Restaurant(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True, max_length=60)
    business_id = models.CharField(_("business id"), max_length=40, blank=True)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="EUR",
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use an ISO 4217 code like EUR."))],
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Helsinki"
    )
    languages = models.JSONField(_("menu languages"), default=default_languages)
    default_language = models.CharField(
        _("default language"), max_length=2, default="fi"
    )
    vat_rates_bp = models.JSONField(
        _("VAT rates (basis points)"),
        default=default_vat_rates,
        help_text=_("Allowed VAT rates in hundredths of a percent: 2550 = 25.5 %."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Per-restaurant running counter for the short order numbers shown to
    # guests and cooks ("#42"). Incremented with F() under a row lock.
    order_counter = models.PositiveIntegerField(default=0, editable=False)
    # Bumped by every menu edit; cached menus are keyed on it.
    menu_version = models.PositiveIntegerField(default=1, editable=False)
    payment_mode = models.CharField(
        _("payment"),
        max_length=10,
        choices=PaymentMode.choices,
        default=PaymentMode.OPEN_TAB,
    )
    walkout_policy = models.CharField(
        _("walkout protection"),
        max_length=16,
        choices=WalkoutPolicy.choices,
        default=WalkoutPolicy.NONE,
    )
    card_hold_minor = models.PositiveIntegerField(_("card hold (cents)"), default=5000)
    tip_presets_bp = models.JSONField(
        _("tip choices (basis points)"), default=tip_presets_default
    )
    # Voiding a line worth more than this needs a manager.
    void_approval_over_minor = models.PositiveIntegerField(
        _("void needs a manager above (cents)"), default=2000
    )
    receipt_counter = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("restaurant")
        verbose_name_plural = _("restaurants")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = _("Unknown time zone.")
        bad = [lang for lang in self.languages or [] if lang not in MENU_LANGUAGES]
        if not self.languages or bad:
            errors["languages"] = _("Choose among fi, sv and en.")
        elif self.default_language not in self.languages:
            errors["default_language"] = _("The default must be one of the languages.")
        rates = self.vat_rates_bp
        if not isinstance(rates, list) or not all(
            isinstance(r, int) and 0 <= r <= 10000 for r in rates
        ):
            errors["vat_rates_bp"] = _("List whole numbers between 0 and 10000.")
        if errors:
            raise ValidationError(errors)

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class StaffRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MANAGER = "manager", _("Manager")
    WAITER = "waiter", _("Waiter")
    KITCHEN = "kitchen", _("Kitchen")


class StaffMember(models.Model):
    """A user's role at one restaurant; staff see only restaurants they belong to."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles"
    )
    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="staff"
    )
    role = models.CharField(_("role"), max_length=16, choices=StaffRole.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "restaurant"], name="staff_one_role_per_restaurant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.restaurant} ({self.role})"


class Area(models.Model):
    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="areas"
    )
    name = models.CharField(_("name"), max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(
                fields=["restaurant", "name"], name="area_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Table(models.Model):
    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="tables"
    )
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="tables"
    )
    label = models.CharField(_("table"), max_length=20)
    seats = models.PositiveSmallIntegerField(
        _("seats"), default=4, validators=[MaxValueValidator(60)]
    )
    # Bumped when a sticker is replaced or copied: every QR code printed with
    # an older version stops working at once.
    qr_version = models.PositiveIntegerField(default=1, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        constraints = [
            models.UniqueConstraint(
                fields=["restaurant", "label"], name="table_unique_label"
            )
        ]

    def __str__(self) -> str:
        return f"{self.restaurant} · {self.label}"
