"""The bill's arithmetic: what is left to pay on each line, how a payment's
amount spreads over lines, equal shares, shares of one item, and the VAT
breakdown. Pure functions on integers (cents); no ORM, no Decimal.

Every way of splitting ends as allocations (line id -> cents) that never
exceed what is left on a line and add up exactly to the amount paid.
"""

from dataclasses import dataclass

from ordering.money import vat_in_gross


@dataclass(frozen=True)
class BillLine:
    id: int
    total_minor: int  # the line's price, VAT included
    paid_minor: int  # held by payments that are paid or under way
    vat_rate_bp: int

    @property
    def remaining_minor(self) -> int:
        return self.total_minor - self.paid_minor


def allocate(amount_minor: int, lines: list[BillLine]) -> dict[int, int]:
    """Spread an amount over lines in proportion to what is left on each.

    Cents that proportional rounding leaves over go to the lines with the
    largest remainders (ties: the earlier line), so the result adds up
    exactly. Raises ValueError if the amount is more than what is left.
    """
    open_lines = [line for line in lines if line.remaining_minor > 0]
    left = sum(line.remaining_minor for line in open_lines)
    if amount_minor < 0 or amount_minor > left:
        raise ValueError(f"cannot allocate {amount_minor} of {left} left")
    if amount_minor == 0:
        return {}
    shares: dict[int, int] = {}
    remainders = []
    for line in open_lines:
        exact = amount_minor * line.remaining_minor
        shares[line.id], remainder = divmod(exact, left)
        remainders.append((-remainder, line.id))
    short = amount_minor - sum(shares.values())
    for _, line_id in sorted(remainders)[:short]:
        shares[line_id] += 1
    return {line_id: cents for line_id, cents in shares.items() if cents > 0}


def equal_share(remaining_minor: int, *, people_left: int) -> int:
    """Return one payer's equal share of what is left, among `people_left`.

    Rounded up, so earlier payers take the odd cents and the last one (with
    one person left) pays exactly the rest: the shares always add up.
    """
    if people_left < 1:
        raise ValueError("people_left must be at least 1")
    return -(-remaining_minor // people_left)


def item_share(line: BillLine, *, parts: int) -> int:
    """Return the next share of a shared item (a third of the wine).

    The item is cut into `parts` shares differing by at most a cent, larger
    ones first; the next share runs from what is paid to the end of the share
    that is under way. So the shares of one line always add up to its price,
    however many people take one.
    """
    if parts < 1:
        raise ValueError("parts must be at least 1")
    base, extra = divmod(line.total_minor, parts)
    end = 0
    for index in range(parts):
        end += base + (1 if index < extra else 0)
        if end > line.paid_minor:
            return end - line.paid_minor
    return 0


@dataclass(frozen=True)
class VatRow:
    rate_bp: int
    gross_minor: int
    vat_minor: int

    @property
    def net_minor(self) -> int:
        return self.gross_minor - self.vat_minor


def vat_breakdown(
    amounts: list[tuple[int, int]],
) -> list[VatRow]:
    """Sum (rate, gross) amounts per VAT rate; VAT is worked out per rate.

    Rounding once per rate (not per line) is what a receipt prints and what
    bookkeeping expects.
    """
    gross_by_rate: dict[int, int] = {}
    for rate_bp, gross in amounts:
        gross_by_rate[rate_bp] = gross_by_rate.get(rate_bp, 0) + gross
    return [
        VatRow(rate_bp=rate, gross_minor=gross, vat_minor=vat_in_gross(gross, rate))
        for rate, gross in sorted(gross_by_rate.items())
    ]
