from django import template
from django.utils.translation import get_language

from ordering.dietary import ALLERGENS, DIET_MARKS, DIETS
from ordering.money import format_money

register = template.Library()


@register.filter
def money(amount_minor: int, currency: str = "EUR") -> str:
    return format_money(int(amount_minor), currency, (get_language() or "fi")[:2])


@register.filter
def allergen_label(code: str) -> str:
    return str(ALLERGENS.get(code, code))


@register.filter
def diet_label(code: str) -> str:
    return str(DIETS.get(code, code))


@register.filter
def diet_mark(code: str) -> str:
    return DIET_MARKS.get(code, "")
