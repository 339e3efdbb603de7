"""Input forms of the menu pages: they parse what a person typed into the
plain values the services take (`services.menu_admin`)."""

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ordering.dietary import ALLERGENS, DIETS
from ordering.manage.menu_selectors import station_choices
from ordering.models import MenuCategory, Restaurant
from ordering.money import price_input, price_parse
from ordering.services.menu_admin import (
    CategoryInput,
    GroupInput,
    ItemInput,
    ModifierInput,
    rate_label,
)
from ordering.translation import MENU_LANGUAGES

LANGUAGE_NAMES = {"fi": _("Finnish"), "sv": _("Swedish"), "en": _("English")}


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self):
        super().__init__(format="%H:%M")


class EuroField(forms.CharField):
    """Euros as typed ("12,50" or "12.50"), cleaned to integer cents."""

    def __init__(self, *, allow_negative: bool = False, **kwargs):
        self.allow_negative = allow_negative
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return price_input(value, language=(get_language() or "fi")[:2])
        return value

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "inputmode": "decimal",
            "autocomplete": "off",
            "class": "price-input",
        }

    def clean(self, value):
        if value in self.empty_values or not str(value).strip():
            if self.required:
                raise ValidationError(_("Enter a price, like 12,50."), code="required")
            return 0
        value = super().clean(value)
        return price_parse(value, allow_negative=self.allow_negative)


def _name_fields(form: forms.Form, max_length: int) -> None:
    for lang in MENU_LANGUAGES:
        form.fields[f"name_{lang}"] = forms.CharField(
            label=LANGUAGE_NAMES[lang],
            max_length=max_length,
            required=lang == "fi",
            # The text is in that language, whatever the page's language.
            widget=forms.TextInput(attrs={"lang": lang}),
        )


class WindowMixin:
    """Both ends of a daypart, or neither."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("available_from"), cleaned.get("available_until")
        if (start is None) != (end is None) and not self.errors:
            self.add_error(
                "available_until", _("Give both ends of the time window, or neither.")
            )
        return cleaned


class CategoryForm(WindowMixin, forms.Form):
    available_from = forms.TimeField(
        label=_("Served from"), required=False, widget=TimeInput()
    )
    available_until = forms.TimeField(
        label=_("until"), required=False, widget=TimeInput()
    )
    is_active = forms.BooleanField(
        label=_("Shown on the menu"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _name_fields(self, 80)

    def to_input(self) -> CategoryInput:
        return CategoryInput(**self.cleaned_data)


COURSES = [
    (1, _("1 · starters and drinks")),
    (2, _("2 · mains")),
    (3, _("3 · desserts")),
]


class ItemForm(WindowMixin, forms.Form):
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    price = EuroField(label=_("Price (€, VAT included)"))
    vat_rate_bp = forms.TypedChoiceField(label=_("VAT"), coerce=int)
    station = forms.ChoiceField(label=_("Kitchen station"))
    course = forms.TypedChoiceField(
        label=_("Course"), coerce=int, choices=COURSES, initial=1
    )
    allergens = forms.MultipleChoiceField(
        label=_("Allergens"),
        required=False,
        choices=list(ALLERGENS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    diets = forms.MultipleChoiceField(
        label=_("Diets"),
        required=False,
        choices=list(DIETS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    available_from = forms.TimeField(
        label=_("Served from"), required=False, widget=TimeInput()
    )
    available_until = forms.TimeField(
        label=_("until"), required=False, widget=TimeInput()
    )

    def __init__(self, *args, restaurant: Restaurant, station: str | None = None, **kw):
        super().__init__(*args, **kw)
        _name_fields(self, 120)
        for lang in MENU_LANGUAGES:
            self.fields[f"description_{lang}"] = forms.CharField(
                label=LANGUAGE_NAMES[lang],
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3, "lang": lang}),
            )
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            (c.pk, c.name_fi)
            for c in MenuCategory.objects.filter(restaurant=restaurant).order_by(
                "position", "id"
            )
        ]
        cast(forms.ChoiceField, self.fields["vat_rate_bp"]).choices = [
            (rate, rate_label(rate)) for rate in restaurant.vat_rates_bp
        ]
        cast(forms.ChoiceField, self.fields["station"]).choices = station_choices(
            restaurant_id=restaurant.pk, current=station
        )

    def to_input(self) -> ItemInput:
        data = dict(self.cleaned_data)
        data["category_id"] = data.pop("category")
        data["price_minor"] = data.pop("price")
        return ItemInput(**data)


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )


class GroupForm(forms.Form):
    min_choices = forms.IntegerField(
        label=_("Guest picks at least"), min_value=0, max_value=20, initial=0
    )
    max_choices = forms.IntegerField(
        label=_("and at most"), min_value=1, max_value=20, initial=1
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _name_fields(self, 80)

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_choices"), cleaned.get("max_choices")
        if low is not None and high is not None and high < low:
            self.add_error(
                "max_choices", _("'At most' cannot be smaller than 'at least'.")
            )
        return cleaned

    def to_input(self) -> GroupInput:
        return GroupInput(**self.cleaned_data)


class ModifierForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name_fi = forms.CharField(
        label=_("Finnish"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"lang": "fi"}),
    )
    name_sv = forms.CharField(
        label=_("Swedish"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"lang": "sv"}),
    )
    name_en = forms.CharField(
        label=_("English"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"lang": "en"}),
    )
    price_delta = EuroField(
        label=_("Price change (€)"), allow_negative=True, required=False
    )
    is_default = forms.BooleanField(label=_("Preselected"), required=False)
    is_available = forms.BooleanField(
        label=_("Available"), required=False, initial=True
    )
    allergens = forms.MultipleChoiceField(
        label=_("Allergens"),
        required=False,
        choices=list(ALLERGENS.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        cleaned = super().clean()
        if self.cleaned_data.get("DELETE"):
            return cleaned
        typed = any(
            cleaned.get(name) for name in ("name_fi", "name_sv", "name_en", "id")
        )
        if typed and not cleaned.get("name_fi"):
            self.add_error("name_fi", _("Give the choice a Finnish name."))
        return cleaned

    def to_input(self) -> ModifierInput | None:
        data = self.cleaned_data
        if not data.get("name_fi") and not data.get("id"):
            return None  # an empty spare row
        return ModifierInput(
            id=data.get("id"),
            name_fi=data.get("name_fi", ""),
            name_sv=data.get("name_sv", ""),
            name_en=data.get("name_en", ""),
            price_delta_minor=data.get("price_delta") or 0,
            is_default=data.get("is_default", False),
            is_available=data.get("is_available", False),
            allergens=data.get("allergens") or [],
            delete=bool(data.get("DELETE")),
        )


ModifierFormSet = forms.formset_factory(
    ModifierForm, extra=2, can_delete=True, max_num=40, validate_max=True
)


def add_model_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, by field where it can."""
    renamed = {"price_minor": "price", "category_id": "category"}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.message_dict.items():
        name = renamed.get(name, name)
        if name in form.fields:
            form.add_error(name, errors)
        else:
            form.add_error(None, errors)
