"""The bill's arithmetic, checked on examples and, with hypothesis, on
thousands of generated bills: every split adds up to the cent."""

from hypothesis import given
from hypothesis import strategies as st

from ordering.billing import BillLine, allocate, equal_share, item_share, vat_breakdown


def _line(pk, total, paid=0, rate=1350):
    return BillLine(id=pk, total_minor=total, paid_minor=paid, vat_rate_bp=rate)


def test_allocation_follows_what_is_left():
    # given: 10,00 and 30,00 left
    lines = [_line(1, 1000), _line(2, 4000, paid=1000)]
    # when / then
    assert allocate(2000, lines) == {1: 500, 2: 1500}
    assert allocate(4000, lines) == {1: 1000, 2: 3000}


def test_allocation_gives_odd_cents_to_the_largest_remainders():
    lines = [_line(1, 100), _line(2, 100), _line(3, 100)]
    assert allocate(100, lines) == {1: 34, 2: 33, 3: 33}


def test_allocation_refuses_more_than_is_left():
    try:
        allocate(101, [_line(1, 100)])
    except ValueError:
        pass
    else:
        raise AssertionError("allocated more than was left")


def test_equal_shares_between_three():
    # 100,01 € between three: 33,34 + 33,34 + 33,33
    first = equal_share(10001, people_left=3)
    second = equal_share(10001 - first, people_left=2)
    third = equal_share(10001 - first - second, people_left=1)
    assert (first, second, third) == (3334, 3334, 3333)


def test_a_third_of_the_wine():
    wine = _line(7, 4750)
    first = item_share(wine, parts=3)
    second = item_share(_line(7, 4750, paid=first), parts=3)
    third = item_share(_line(7, 4750, paid=first + second), parts=3)
    assert (first, second, third) == (1584, 1583, 1583)


def test_vat_breakdown_rounds_once_per_rate():
    rows = vat_breakdown([(1350, 1690), (1350, 1690), (2550, 850)])
    assert [(r.rate_bp, r.gross_minor, r.vat_minor, r.net_minor) for r in rows] == [
        (1350, 3380, 402, 2978),
        (2550, 850, 173, 677),
    ]


lines_strategy = st.lists(
    st.tuples(st.integers(1, 100_000), st.integers(0, 100)),  # total, % paid
    min_size=1,
    max_size=12,
).map(
    lambda rows: [
        _line(i, total, paid=total * share // 100)
        for i, (total, share) in enumerate(rows)
    ]
)


@given(lines=lines_strategy, fraction=st.floats(0, 1))
def test_any_allocation_adds_up_and_stays_within_each_line(lines, fraction):
    left = sum(line.remaining_minor for line in lines)
    amount = int(left * fraction)
    shares = allocate(amount, lines)
    assert sum(shares.values()) == amount
    by_id = {line.id: line for line in lines}
    assert all(0 < cents <= by_id[i].remaining_minor for i, cents in shares.items())


@given(total=st.integers(0, 10_000_000), people=st.integers(1, 30))
def test_equal_shares_always_add_up(total, people):
    left, paid = total, []
    for people_left in range(people, 0, -1):
        share = equal_share(left, people_left=people_left)
        paid.append(share)
        left -= share
    assert sum(paid) == total
    assert left == 0
    assert max(paid) - min(paid) <= 1


@given(total=st.integers(1, 1_000_000), parts=st.integers(1, 12))
def test_item_shares_always_add_up(total, parts):
    paid = 0
    shares = []
    while paid < total:
        share = item_share(_line(1, total, paid=paid), parts=parts)
        assert share > 0
        shares.append(share)
        paid += share
    assert paid == total
    assert len(shares) == min(parts, total)
    assert max(shares) - min(shares) <= 1


@given(
    amounts=st.lists(
        st.tuples(st.sampled_from([0, 1000, 1350, 2550]), st.integers(0, 1_000_000)),
        max_size=20,
    )
)
def test_vat_rows_add_up_to_the_gross(amounts):
    rows = vat_breakdown(amounts)
    assert sum(r.gross_minor for r in rows) == sum(g for _, g in amounts)
    assert all(0 <= r.vat_minor <= r.gross_minor for r in rows)
