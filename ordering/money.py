"""Money on integer minor units: arithmetic, and amounts as people read and
write them.

`Decimal` appears only here, for rates, with explicit rounding; every result
goes straight back to `int`.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# ISO 4217 minor-unit exponents for the currencies a restaurant may choose;
# anything unlisted has two decimals.
_EXPONENTS = {"JPY": 0, "ISK": 0, "KRW": 0}
_SYMBOLS = {"EUR": "€", "SEK": "kr", "NOK": "kr", "DKK": "kr", "USD": "$", "GBP": "£"}


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), ROUND_HALF_UP))


def percent_of(amount_minor: int, percent: Decimal) -> int:
    """Return `percent` % of an amount, rounded half-up to the minor unit."""
    return _round(Decimal(amount_minor) * percent / 100)


def vat_in_gross(gross_minor: int, rate_bp: int) -> int:
    """Return the VAT contained in a VAT-inclusive amount (rate in basis points)."""
    return _round(Decimal(gross_minor) * rate_bp / (10000 + rate_bp))


def format_rate(rate_bp: int) -> str:
    """Return a basis-point rate as a percentage text: 2550 -> '25.5'."""
    text = f"{Decimal(rate_bp) / 100:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_money(amount_minor: int, currency: str, language: str = "fi") -> str:
    """Return an amount as a person reads it: '12,50 €' (fi, sv) or '€12.50' (en)."""
    exponent = _EXPONENTS.get(currency, 2)
    sign = "-" if amount_minor < 0 else ""
    units, cents = divmod(abs(amount_minor), 10**exponent)
    symbol = _SYMBOLS.get(currency, currency)
    if language == "en":
        grouped = f"{units:,}"
        number = f"{grouped}.{cents:0{exponent}d}" if exponent else grouped
        return (
            f"{sign}{symbol}{number}" if symbol in "€$£" else f"{sign}{number} {symbol}"
        )
    grouped = f"{units:,}".replace(",", "\u00a0")
    number = f"{grouped},{cents:0{exponent}d}" if exponent else grouped
    return f"{sign}{number}\u00a0{symbol}"


def money_text(amount_minor: int, currency: str) -> str:
    """An amount in the active language, for messages to a person."""
    return format_money(amount_minor, currency, (get_language() or "fi")[:2])


# Amounts typed by a person (menu prices, refunds).
MAX_PRICE_MINOR = 10_000_000
_PRICE = re.compile(r"^(?P<sign>[-+−]?)(?P<units>\d+)(?:[.,](?P<cents>\d*))?$")


def price_parse(text: str, *, allow_negative: bool = False) -> int:
    """Return euros written by a person ("12,50", "12.50", "12 €") as cents.

    Raises ValidationError with a message that says what to write instead.
    """
    cleaned = re.sub(r"[\s\u00a0€]", "", text or "")
    if not cleaned:
        raise ValidationError(_("Enter a price, like 12,50."), code="required")
    match = _PRICE.match(cleaned)
    if match is None:
        raise ValidationError(
            _("“%(value)s” is not a price. Write euros and cents, like 12,50."),
            code="invalid",
            params={"value": text.strip()},
        )
    cents = match["cents"] or ""
    if len(cents) > 2:
        raise ValidationError(
            _("A price has at most two decimals, like 12,50."), code="invalid"
        )
    negative = match["sign"] in ("-", "−")
    if negative and not allow_negative:
        raise ValidationError(_("A price cannot be negative."), code="negative")
    amount = int(match["units"]) * 100 + int(cents.ljust(2, "0"))
    if amount > MAX_PRICE_MINOR:
        raise ValidationError(
            _("That is more than %(limit)s €; check the decimal separator."),
            code="too_large",
            params={"limit": f"{MAX_PRICE_MINOR // 100:,}".replace(",", "\u00a0")},
        )
    return -amount if negative else amount


def price_input(amount_minor: int, *, language: str = "fi") -> str:
    """Return cents as a person types them back: "12,50" (fi, sv) or "12.50"."""
    sign = "-" if amount_minor < 0 else ""
    units, cents = divmod(abs(amount_minor), 100)
    separator = "." if language == "en" else ","
    return f"{sign}{units}{separator}{cents:02d}"
