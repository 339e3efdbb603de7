import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ordering.dietary import ALLERGENS, DIETS, unknown_codes
from ordering.translation import Translated

from .restaurants import Restaurant

station_code_validator = RegexValidator(
    r"^[a-z0-9_-]{1,30}$", _("Use lowercase letters, digits, - and _ only.")
)


def time_in_window(
    moment: datetime.time, start: datetime.time | None, end: datetime.time | None
) -> bool:
    """Return whether a local time falls in [start, end); windows may wrap midnight."""
    if start is None or end is None or start == end:
        return True
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


class TimeWindowed(models.Model):
    available_from = models.TimeField(_("available from"), null=True, blank=True)
    available_until = models.TimeField(_("available until"), null=True, blank=True)

    class Meta:
        abstract = True

    def is_in_window(self, local_time: datetime.time) -> bool:
        return time_in_window(local_time, self.available_from, self.available_until)

    def clean_window(self, errors: dict):
        if (self.available_from is None) != (self.available_until is None):
            errors["available_until"] = _(
                "Give both ends of the time window, or neither."
            )


class MenuCategory(Translated, TimeWindowed):
    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="categories"
    )
    name_fi = models.CharField(_("name (Finnish)"), max_length=80)
    name_sv = models.CharField(_("name (Swedish)"), max_length=80, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("shown on the menu"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("menu category")
        verbose_name_plural = _("menu categories")

    def __str__(self) -> str:
        return self.tr("name")

    def clean(self):
        errors: dict = {}
        self.clean_window(errors)
        if errors:
            raise ValidationError(errors)


class ModifierGroup(Translated, models.Model):
    """A choice on a dish: size, side, extras. Shared by the dishes that offer it."""

    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="modifier_groups"
    )
    name_fi = models.CharField(_("name (Finnish)"), max_length=80)
    name_sv = models.CharField(_("name (Swedish)"), max_length=80, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    min_choices = models.PositiveSmallIntegerField(_("at least"), default=0)
    max_choices = models.PositiveSmallIntegerField(
        _("at most"), default=1, validators=[MinValueValidator(1)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("modifier group")
        verbose_name_plural = _("modifier groups")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_choices__gte=models.F("min_choices"))
                & models.Q(max_choices__gte=1),
                name="modifier_group_min_le_max",
            )
        ]

    def __str__(self) -> str:
        return self.tr("name")

    def clean(self):
        if self.max_choices < self.min_choices:
            raise ValidationError(
                {"max_choices": _("'At most' cannot be smaller than 'at least'.")}
            )


class Modifier(Translated, models.Model):
    group = models.ForeignKey(
        ModifierGroup, on_delete=models.CASCADE, related_name="modifiers"
    )
    name_fi = models.CharField(_("name (Finnish)"), max_length=80)
    name_sv = models.CharField(_("name (Swedish)"), max_length=80, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    # May be negative: "small portion, -2,00 €".
    price_delta_minor = models.IntegerField(_("price change (cents)"), default=0)
    allergens = models.JSONField(_("allergens"), default=list, blank=True)
    is_default = models.BooleanField(_("chosen by default"), default=False)
    is_available = models.BooleanField(_("available"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("modifier")
        verbose_name_plural = _("modifiers")

    def __str__(self) -> str:
        return self.tr("name")

    def clean(self):
        bad = unknown_codes(self.allergens or [], ALLERGENS)
        if bad:
            raise ValidationError(
                {"allergens": _("Unknown allergen: %s") % ", ".join(bad)}
            )


class MenuItem(Translated, TimeWindowed):
    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.CASCADE, related_name="menu_items"
    )
    category = models.ForeignKey(
        MenuCategory, on_delete=models.PROTECT, related_name="items"
    )
    name_fi = models.CharField(_("name (Finnish)"), max_length=120)
    name_sv = models.CharField(_("name (Swedish)"), max_length=120, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description_fi = models.TextField(_("description (Finnish)"), blank=True)
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    price_minor = models.PositiveIntegerField(
        _("price incl. VAT (cents)"), validators=[MaxValueValidator(10_000_000)]
    )
    vat_rate_bp = models.PositiveIntegerField(
        _("VAT rate (basis points)"), validators=[MaxValueValidator(10000)]
    )
    allergens = models.JSONField(_("allergens"), default=list, blank=True)
    diets = models.JSONField(_("diets"), default=list, blank=True)
    station = models.CharField(
        _("kitchen station"),
        max_length=30,
        default="kitchen",
        validators=[station_code_validator],
    )
    course = models.PositiveSmallIntegerField(
        _("course"), default=1, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    photo = models.ImageField(_("photo"), upload_to="menu/", blank=True)
    modifier_groups = models.ManyToManyField(
        ModifierGroup, blank=True, related_name="items", verbose_name=_("choices")
    )
    is_available = models.BooleanField(_("available"), default=True)
    # Portions left today; empty means no limit. Placing an order takes from
    # it, and at zero the dish is sold out.
    stock = models.PositiveIntegerField(_("portions left"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("menu item")
        verbose_name_plural = _("menu items")

    def __str__(self) -> str:
        return self.tr("name")

    def clean(self):
        errors: dict = {}
        self.clean_window(errors)
        bad = unknown_codes(self.allergens or [], ALLERGENS)
        if bad:
            errors["allergens"] = _("Unknown allergen: %s") % ", ".join(bad)
        bad = unknown_codes(self.diets or [], DIETS)
        if bad:
            errors["diets"] = _("Unknown diet: %s") % ", ".join(bad)
        if (
            self.category_id
            and self.restaurant_id
            and self.category.restaurant_id != self.restaurant_id
        ):
            errors["category"] = _("The category belongs to another restaurant.")
        if (
            self.restaurant_id
            and self.vat_rate_bp is not None
            and self.vat_rate_bp not in self.restaurant.vat_rates_bp
        ):
            errors["vat_rate_bp"] = _("Use one of the restaurant's VAT rates.")
        if errors:
            raise ValidationError(errors)
