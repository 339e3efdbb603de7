"""Price one cart line on the server from the menu as it is now.

Works on already-loaded menu objects and runs no queries, so the rules are
easy to test and the same code prices carts, orders and staff entries.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from ordering.exceptions import CartError, ItemUnavailableError, ModifierRuleError
from ordering.models import MenuItem, Modifier, ModifierGroup


@dataclass(frozen=True)
class PricedLine:
    menu_item_id: int
    unit_price_minor: int
    line_total_minor: int
    vat_rate_bp: int
    station: str
    course: int
    name: dict[str, str]
    modifiers: list[dict] = field(default_factory=list)
    allergens: list[str] = field(default_factory=list)


def check_item_orderable(item: MenuItem, *, local_time: datetime.time) -> None:
    """Raise ItemUnavailableError unless the item can be ordered right now."""
    name = item.tr("name")
    if not (item.is_available and item.category.is_active) or item.stock == 0:
        raise ItemUnavailableError(
            _("Sorry, %(name)s is sold out right now.") % {"name": name},
            extra={"menu_item_id": item.pk},
        )
    for windowed in (item.category, item):
        start, end = windowed.available_from, windowed.available_until
        if (
            start is not None
            and end is not None
            and not windowed.is_in_window(local_time)
        ):
            raise ItemUnavailableError(
                _("%(name)s can be ordered between %(start)s and %(end)s.")
                % {
                    "name": name,
                    "start": start.strftime("%H:%M"),
                    "end": end.strftime("%H:%M"),
                },
                extra={"menu_item_id": item.pk},
            )


def check_stock(item: MenuItem, quantity: int) -> None:
    """Raise if fewer portions are left than asked for."""
    if item.stock is not None and quantity > item.stock:
        raise ItemUnavailableError(
            _("Only %(count)d left of %(name)s.")
            % {"count": item.stock, "name": item.tr("name")},
            code="not_enough_left",
            extra={"menu_item_id": item.pk, "left": item.stock},
        )


def check_quantity(quantity: int) -> None:
    maximum: int = settings.TABLESIDE["MAX_LINE_QUANTITY"]
    if not isinstance(quantity, int) or quantity < 1:
        raise CartError(_("Choose a quantity of at least 1."), code="invalid_quantity")
    if quantity > maximum:
        raise CartError(
            _("At most %(max)d of one dish per line; ask the staff for larger orders.")
            % {"max": maximum},
            code="invalid_quantity",
            extra={"max": maximum},
        )


def choose_modifiers(item: MenuItem, modifier_ids: list[int]) -> list[Modifier]:
    """Return the chosen modifiers in menu order, enforcing each group's rules."""
    groups: list[ModifierGroup] = list(item.modifier_groups.all())
    by_id = {m.pk: (g, m) for g in groups for m in g.modifiers.all()}
    counts = Counter(modifier_ids)
    repeated = [pk for pk, n in counts.items() if n > 1]
    if repeated:
        raise ModifierRuleError(
            _("Each choice can be picked only once."), extra={"modifier_ids": repeated}
        )
    unknown = [pk for pk in modifier_ids if pk not in by_id]
    if unknown:
        raise ModifierRuleError(
            _("That choice is not offered for %(name)s.") % {"name": item.tr("name")},
            extra={"modifier_ids": unknown},
        )
    chosen = set(modifier_ids)
    for group in groups:
        picked = [m for m in group.modifiers.all() if m.pk in chosen]
        for modifier in picked:
            if not modifier.is_available:
                raise ItemUnavailableError(
                    _("Sorry, %(name)s is not available right now.")
                    % {"name": modifier.tr("name")},
                    extra={"modifier_id": modifier.pk},
                )
        if len(picked) < group.min_choices:
            raise ModifierRuleError(
                _("Choose at least %(min)d: %(group)s.")
                % {"min": group.min_choices, "group": group.tr("name")},
                code="modifier_too_few",
                extra={"group_id": group.pk, "min": group.min_choices},
            )
        if len(picked) > group.max_choices:
            raise ModifierRuleError(
                _("Choose at most %(max)d: %(group)s.")
                % {"max": group.max_choices, "group": group.tr("name")},
                code="modifier_too_many",
                extra={"group_id": group.pk, "max": group.max_choices},
            )
    return [m for g in groups for m in g.modifiers.all() if m.pk in chosen]


def price_line(
    item: MenuItem,
    *,
    modifier_ids: list[int],
    quantity: int,
    local_time: datetime.time,
) -> PricedLine:
    """Validate a line against the live menu and return its frozen price."""
    check_quantity(quantity)
    check_item_orderable(item, local_time=local_time)
    check_stock(item, quantity)
    modifiers = choose_modifiers(item, modifier_ids)
    by_group = {m.pk: g for g in item.modifier_groups.all() for m in g.modifiers.all()}
    unit = item.price_minor + sum(m.price_delta_minor for m in modifiers)
    if unit < 0:
        raise ModifierRuleError(_("These choices would make the price negative."))
    allergens = sorted(set(item.allergens).union(*(m.allergens for m in modifiers)))
    return PricedLine(
        menu_item_id=item.pk,
        unit_price_minor=unit,
        line_total_minor=unit * quantity,
        vat_rate_bp=item.vat_rate_bp,
        station=item.station,
        course=item.course,
        name=item.texts("name"),
        modifiers=[
            {
                "id": m.pk,
                "group": by_group[m.pk].texts("name"),
                "name": m.texts("name"),
                "price_delta_minor": m.price_delta_minor,
            }
            for m in modifiers
        ],
        allergens=allergens,
    )
