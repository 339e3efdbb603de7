from decimal import Decimal

import pytest

from ordering.money import format_money, format_rate, percent_of, vat_in_gross


@pytest.mark.parametrize(
    ("_case", "gross", "rate_bp", "vat"),
    [
        ("food 13.5 %", 1690, 1350, 201),
        ("alcohol 25.5 %", 850, 2550, 173),
        ("zero rate", 1000, 0, 0),
        ("rounds half up", 5, 10000, 3),
    ],
)
def test_vat_in_gross(_case, gross, rate_bp, vat):
    assert vat_in_gross(gross, rate_bp) == vat


def test_percent_of_rounds_half_up():
    assert percent_of(1250, Decimal("10")) == 125
    assert percent_of(5, Decimal("10")) == 1  # 0.5 -> 1


@pytest.mark.parametrize(
    ("_case", "amount", "language", "text"),
    [
        ("finnish", 1690, "fi", "16,90\u00a0€"),
        ("swedish thousands", 123456, "sv", "1\u00a0234,56\u00a0€"),
        ("english", 1690, "en", "€16.90"),
        ("negative", -200, "fi", "-2,00\u00a0€"),
    ],
)
def test_format_money(_case, amount, language, text):
    assert format_money(amount, "EUR", language) == text


def test_format_rate():
    assert format_rate(2550) == "25.5"
    assert format_rate(1400) == "14"
    assert format_rate(1350) == "13.5"
