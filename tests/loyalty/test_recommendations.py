import datetime

import numpy as np
import pytest
from scipy import sparse

from loyalty.recommendations import (
    CustomerHistory,
    PairingParams,
    PastOrder,
    RankerParams,
    baskets_from_histories,
    local_days,
    pairing_fit,
    pairings_for,
    rank_for_customer,
    ranker_fit,
)
from loyalty.recommendations.history import context_name, context_of
from loyalty.recommendations.repeat import habits_of, repeat_rates_fit
from loyalty.recommendations.vectors import nearest_customers

# 2025-01-01 was a Wednesday; weekly visits at noon all share one daypart
# cell, so no daypart lift shows up unless a test wants one.
START = datetime.datetime(2025, 1, 1, 12, tzinfo=datetime.UTC)
NO_CONTEXT = RankerParams(context_weight=0.0)


def _week(week: int, hour: int = 12) -> datetime.datetime:
    return START + datetime.timedelta(weeks=week, hours=hour - 12)


def _history(
    customer_id: int, *orders: tuple[int, ...], first_week: int = 0
) -> CustomerHistory:
    return CustomerHistory(
        customer_id=customer_id,
        orders=tuple(
            PastOrder(at=_week(first_week + week), item_ids=items)
            for week, items in enumerate(orders)
        ),
    )


def _crowd() -> list[CustomerHistory]:
    """Five other customers: 20 sells best, then 21."""
    return [
        _history(2, (20, 21), (20,)),
        _history(3, (20,), (21,)),
        _history(4, (20, 22)),
        _history(5, (21,), (20,)),
        _history(6, (22,), (20, 21)),
    ]


def test_a_customer_who_always_orders_x_gets_x_first_as_a_repeat():
    # given
    regular = _history(1, *[(10,)] * 5)
    model = ranker_fit(
        baskets=baskets_from_histories(histories=[regular, *_crowd()]),
        params=NO_CONTEXT,
    )
    # when
    suggestions = rank_for_customer(model=model, history=regular, now=_week(5), k=3)
    # then: 20 was in 6 of the 14 orders before week 5
    assert [s.item_id for s in suggestions] == [10, 20, 21]
    assert suggestions[0].reason == {"kind": "repeat", "times": 5, "of_last": 5}
    assert suggestions[1].reason == {"kind": "popular", "share": 0.4286}


def test_only_allowed_items_are_suggested():
    # given
    regular = _history(1, *[(10,)] * 5)
    model = ranker_fit(
        baskets=baskets_from_histories(histories=[regular, *_crowd()]),
        params=NO_CONTEXT,
    )
    # when
    suggestions = rank_for_customer(
        model=model, history=regular, now=_week(5), k=3, allowed={21, 22}
    )
    # then
    assert [s.item_id for s in suggestions] == [21, 22]
    assert [s.reason["kind"] for s in suggestions] == ["popular", "popular"]


def test_fans_of_a_retired_dish_get_the_dish_its_fans_moved_to():
    # given: dish 30 retired; its other fans now order 31
    fan = _history(1, *[(30,)] * 5)
    movers = [_history(c, (30,), (30,), (31,), (31,)) for c in (2, 3, 4, 5)]
    model = ranker_fit(
        baskets=baskets_from_histories(histories=[fan, *movers, *_crowd()]),
        params=NO_CONTEXT,
    )
    # when
    suggestions = rank_for_customer(
        model=model, history=fan, now=_week(5), k=2, allowed={31, 20, 21, 22}
    )
    # then: cosine over customers 4 / (sqrt(5 * 4) + 5) = 0.422
    assert suggestions[0].item_id == 31
    assert suggestions[0].reason == {
        "kind": "instead_of",
        "item_id": 30,
        "times": 5,
        "of_last": 5,
        "similarity": 0.422,
    }


def test_a_newcomer_gets_what_sells_with_its_share():
    # given
    model = ranker_fit(
        baskets=baskets_from_histories(histories=_crowd()), params=NO_CONTEXT
    )
    newcomer = CustomerHistory(customer_id=99, orders=())
    # when
    suggestions = rank_for_customer(model=model, history=newcomer, now=_week(3), k=3)
    # then: 20 was in 6 of the 9 orders, 21 in 4, 22 in 2
    assert [s.item_id for s in suggestions] == [20, 21, 22]
    assert [s.reason for s in suggestions] == [
        {"kind": "popular", "share": 0.6667},
        {"kind": "popular", "share": 0.4444},
        {"kind": "popular", "share": 0.2222},
    ]


@pytest.mark.parametrize(
    ("_case", "hour", "ranked", "daypart"),
    [("breakfast", 8, [40, 41], "breakfast"), ("dinner", 19, [41, 40], "dinner")],
)
def test_the_daypart_decides_between_equally_popular_items(
    _case, hour, ranked, daypart
):
    # given: 40 only ever sold at breakfast, 41 only at dinner
    histories = [
        CustomerHistory(
            customer_id=c,
            orders=(
                PastOrder(at=_week(c, hour=8), item_ids=(40,)),
                PastOrder(at=_week(c, hour=19), item_ids=(41,)),
            ),
        )
        for c in range(1, 5)
    ]
    model = ranker_fit(
        baskets=baskets_from_histories(histories=histories),
        params=RankerParams(context_weight=1.0, context_smoothing=0.0),
    )
    newcomer = CustomerHistory(customer_id=99, orders=())
    # when
    suggestions = rank_for_customer(
        model=model, history=newcomer, now=_week(10, hour=hour), k=2
    )
    # then: half the orders were at each daypart, so the lift is 2
    assert [s.item_id for s in suggestions] == ranked
    assert suggestions[0].reason == {
        "kind": "popular",
        "share": 0.5,
        "daypart": daypart,
        "daypart_lift": 2.0,
    }


def test_neighbours_suggest_what_customers_with_the_same_taste_order():
    # given: customer 2 shares customer 1's taste and also orders 50;
    # customer 3 tries something new every time, so new items are expected
    histories = [
        _history(1, (10, 11), (10, 11)),
        _history(2, (10, 11, 50), (10, 11, 50)),
        _history(3, (60,), (61,), (62,)),
    ]
    model = ranker_fit(
        baskets=baskets_from_histories(histories=histories),
        params=RankerParams(
            context_weight=0.0,
            neighbours=1,
            neighbour_weight=1.0,
            popularity_weight=0.0,
        ),
    )
    # when
    suggestions = rank_for_customer(
        model=model, history=histories[0], now=_week(2), k=3
    )
    # then
    assert [s.item_id for s in suggestions] == [10, 11, 50]
    assert suggestions[2].reason == {
        "kind": "neighbours",
        "fans": 1,
        "of_neighbours": 1,
    }


def test_items_ordered_by_the_same_customers_are_suggested_as_similar():
    # given: 70 and 71 share three fans; customer 5 keeps trying new things
    histories = [
        _history(1, (70,), (70,)),
        *[_history(c, (70, 71), (70, 71)) for c in (2, 3, 4)],
        _history(5, (80,), (81,), (82,)),
    ]
    model = ranker_fit(
        baskets=baskets_from_histories(histories=histories),
        params=RankerParams(
            context_weight=0.0, similar_weight=1.0, popularity_weight=0.0
        ),
    )
    # when
    suggestions = rank_for_customer(
        model=model, history=histories[0], now=_week(3), k=2
    )
    # then: cosine over customers 3 / (sqrt(4 * 3) + 5) = 0.354
    assert [s.item_id for s in suggestions] == [70, 71]
    assert suggestions[1].reason == {
        "kind": "similar",
        "to_item": 70,
        "similarity": 0.354,
    }


def test_pairing_picks_the_item_ordered_with_it():
    # given: 1 came with 2 five times and with 3 once; 4 sells alone
    orders = [(1, 2)] * 5 + [(1, 3)] + [(4,)] * 4
    guests = [
        CustomerHistory(
            customer_id=0,
            orders=tuple(
                PastOrder(at=_week(week), item_ids=items)
                for week, items in enumerate(orders)
            ),
        )
    ]
    model = pairing_fit(
        baskets=baskets_from_histories(histories=guests),
        params=PairingParams(smoothing=5.0, popularity_damping=0.0, context_weight=0.0),
    )
    # when
    suggestions = pairings_for(model=model, item_ids=[1], now=_week(11), k=2)
    # then: P(2 | 1) = (5 + 5 * 0.5) / (6 + 5); lift = that / P(2) = 1.36
    assert [s.item_id for s in suggestions] == [2, 4]
    assert suggestions[0].reason == {
        "kind": "pairing",
        "with_item": 1,
        "lift": 1.36,
        "together": 5,
    }
    assert suggestions[1].reason == {"kind": "popular", "share": 0.4}


def test_pairing_respects_the_allowed_set():
    # given
    orders = [(1, 2)] * 5 + [(1, 3)] + [(4,)] * 4
    guests = [
        CustomerHistory(
            customer_id=0,
            orders=tuple(
                PastOrder(at=_week(week), item_ids=items)
                for week, items in enumerate(orders)
            ),
        )
    ]
    model = pairing_fit(
        baskets=baskets_from_histories(histories=guests), params=PairingParams()
    )
    # when
    suggestions = pairings_for(
        model=model, item_ids=[1], now=_week(11), k=3, allowed={3, 4}
    )
    # then
    assert sorted(s.item_id for s in suggestions) == [3, 4]


def test_repeat_chances_are_counted_after_the_first_order_of_an_item():
    # given: orders {A}, {A, B}, {B}
    baskets = baskets_from_histories(
        histories=[_history(1, (100,), (100, 101), (101,))]
    )
    # when
    habits = habits_of(baskets=baskets, weights=np.ones(baskets.n_orders))
    # then: A had 2 later orders and was in 1; B had 1 and was in it
    assert baskets.item_ids.tolist() == [100, 101]
    assert habits.item.tolist() == [0, 1]
    assert habits.chances.tolist() == [2.0, 1.0]
    assert habits.repeats.tolist() == [1.0, 1.0]
    assert habits.new_items.tolist() == [1.0]
    assert habits.later_orders.tolist() == [2.0]


@pytest.mark.parametrize(
    ("_case", "first", "second", "expected"),
    [
        # Ann repeats 100 every time, Bob never: personal rates tell all.
        (
            "own habits",
            ((100, 101), (100,), (100,)),
            ((100, 101), (101,), (101,)),
            1 / (1 - 1e-4) - 1,
        ),
        # Both repeat 100 once in two chances: personal rates tell nothing.
        ("alike", ((100,), (100,), (101,)), ((100,), (100,), (101,)), 9999.0),
    ],
)
def test_personal_smoothing_is_estimated_from_how_much_habits_differ(
    _case, first, second, expected
):
    # given
    baskets = baskets_from_histories(
        histories=[_history(1, *first), _history(2, *second)]
    )
    # when
    rates = repeat_rates_fit(baskets=baskets, smoothing=50.0)
    # then
    assert rates.item[0] == 0.5
    assert rates.personal_smoothing == pytest.approx(expected, rel=1e-9)


def test_nearest_customers_are_by_cosine_and_never_oneself():
    # given
    stored = sparse.csr_matrix(
        np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]], dtype=np.float32)
    )
    # when
    found = nearest_customers(
        queries=stored[[0]], stored=stored, k=2, exclude=np.array([0])
    )
    # then
    assert found.rows.tolist() == [[1, 2]]
    assert found.similarity.tolist() == [[np.float32(0.5**0.5), 0.0]]


def test_local_days_read_the_wall_clock_and_contexts_split_weekends():
    # given
    zone = datetime.timezone(datetime.timedelta(hours=2))
    saturday_lunch = datetime.datetime(1970, 1, 3, 12, tzinfo=zone)
    tuesday_night = datetime.datetime(1970, 1, 6, 23, tzinfo=datetime.UTC)
    # when
    days = np.array([local_days(saturday_lunch), local_days(tuesday_night)])
    cells = context_of(days)
    # then
    assert days.tolist() == [2.5, 5 + 23 / 24]
    assert [context_name(int(c)) for c in cells] == ["weekend_lunch", "night"]
