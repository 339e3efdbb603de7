import datetime

import pytest

from ordering.exceptions import CartError, ItemUnavailableError, ModifierRuleError
from ordering.models.menu import time_in_window
from ordering.pricing import price_line
from ordering.selectors import menu_items_for_pricing

NOON = datetime.time(12, 0)
EVENING = datetime.time(19, 0)


def _item(menu, item):
    return menu_items_for_pricing(restaurant_id=menu.restaurant.pk, item_ids=[item.pk])[
        item.pk
    ]


def test_price_adds_modifier_deltas_and_multiplies(menu):
    # given
    steak = _item(menu, menu.steak)
    # when
    priced = price_line(
        steak,
        modifier_ids=[menu.bacon.pk, menu.medium.pk, menu.fries.pk, menu.cheese.pk],
        quantity=2,
        local_time=NOON,
    )
    # then
    assert priced.unit_price_minor == 3400 + 150 + 200 + 250
    assert priced.line_total_minor == 2 * 4000
    assert priced.vat_rate_bp == 1350
    assert priced.station == "grill"
    assert priced.course == 2
    assert priced.allergens == ["milk"]
    assert [m["id"] for m in priced.modifiers] == [
        menu.medium.pk,
        menu.fries.pk,
        menu.cheese.pk,
        menu.bacon.pk,
    ]
    assert priced.modifiers[1] == {
        "id": menu.fries.pk,
        "group": {"fi": "Lisuke", "sv": "", "en": menu.side.name_en},
        "name": {"fi": "Ranskalaiset", "sv": "", "en": "Fries"},
        "price_delta_minor": 150,
    }
    assert priced.name == {
        "fi": "Häränfilee",
        "sv": menu.steak.name_sv,
        "en": "Beef tenderloin",
    }


@pytest.mark.parametrize(
    ("_case", "choices", "code"),
    [
        ("required group missing", ["mash"], "modifier_too_few"),
        ("two in a one-choice group", ["rare", "medium", "mash"], "modifier_too_many"),
        ("three extras where two allowed", None, "modifier_too_many"),
    ],
)
def test_group_rules_are_enforced(menu, _case, choices, code):
    # given
    steak = _item(menu, menu.steak)
    if choices is None:
        extra = menu.extras.modifiers.order_by("id").values_list("pk", flat=True)
        ids = [menu.rare.pk, menu.mash.pk, *extra]
    else:
        ids = [getattr(menu, name).pk for name in choices]
    # when / then
    with pytest.raises(ModifierRuleError) as error:
        price_line(steak, modifier_ids=ids, quantity=1, local_time=NOON)
    assert error.value.code == code


def test_modifier_of_another_dish_is_refused(menu):
    soup = _item(menu, menu.soup)
    with pytest.raises(ModifierRuleError) as error:
        price_line(soup, modifier_ids=[menu.bacon.pk], quantity=1, local_time=NOON)
    assert error.value.extra == {"modifier_ids": [menu.bacon.pk]}


def test_the_same_modifier_twice_is_refused(menu):
    steak = _item(menu, menu.steak)
    with pytest.raises(ModifierRuleError):
        price_line(
            steak,
            modifier_ids=[menu.rare.pk, menu.mash.pk, menu.bacon.pk, menu.bacon.pk],
            quantity=1,
            local_time=NOON,
        )


def test_sold_out_modifier_is_refused(menu):
    # given
    menu.fries.is_available = False
    menu.fries.save()
    steak = _item(menu, menu.steak)
    # when / then
    with pytest.raises(ItemUnavailableError) as error:
        price_line(
            steak,
            modifier_ids=[menu.rare.pk, menu.fries.pk],
            quantity=1,
            local_time=NOON,
        )
    assert error.value.extra == {"modifier_id": menu.fries.pk}


@pytest.mark.parametrize(
    ("_case", "quantity"), [("zero", 0), ("negative", -1), ("absurd", 51)]
)
def test_bad_quantities_are_refused(menu, _case, quantity):
    soup = _item(menu, menu.soup)
    with pytest.raises(CartError) as error:
        price_line(soup, modifier_ids=[], quantity=quantity, local_time=NOON)
    assert error.value.code == "invalid_quantity"


def test_sold_out_item_is_refused(menu):
    menu.soup.is_available = False
    menu.soup.save()
    with pytest.raises(ItemUnavailableError, match="sold out"):
        price_line(_item(menu, menu.soup), modifier_ids=[], quantity=1, local_time=NOON)


def test_item_outside_its_time_window_is_refused(menu):
    lunch = _item(menu, menu.lunch)
    assert (
        price_line(lunch, modifier_ids=[], quantity=1, local_time=NOON).unit_price_minor
        == 1350
    )
    with pytest.raises(ItemUnavailableError, match="10:30"):
        price_line(lunch, modifier_ids=[], quantity=1, local_time=EVENING)


@pytest.mark.parametrize(
    ("_case", "moment", "start", "end", "inside"),
    [
        ("inside a day window", (12, 0), (10, 30), (14, 0), True),
        ("at the end is outside", (14, 0), (10, 30), (14, 0), False),
        ("late night wraps midnight", (1, 0), (22, 0), (2, 0), True),
        ("afternoon outside a night window", (15, 0), (22, 0), (2, 0), False),
        ("no window", (3, 0), None, None, True),
    ],
)
def test_time_in_window(_case, moment, start, end, inside):
    as_time = lambda hm: datetime.time(*hm) if hm else None  # noqa: E731
    assert time_in_window(as_time(moment), as_time(start), as_time(end)) is inside
