import csv
import math
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from loyalty.recommendations.baselines import (
    global_top,
    pair_popular,
    pair_together,
    personal_top,
    positions_of,
)
from loyalty.recommendations.evaluation import coordinate_search
from loyalty.recommendations.metrics import (
    hit_rate_at,
    mrr,
    ndcg_at,
    pairing_metrics,
    recall_at,
)
from loyalty.recommendations.offline import (
    OrdersFileError,
    orders_read,
    params_with,
    split_hidden,
    split_last,
    times_parse,
)
from loyalty.recommendations.ranking import RankerParams
from loyalty.recommendations.synthetic import synthetic_orders_write

HEADER = "customer_id,order_id,ordered_at,item_id,item_name\n"


def _write(path: Path, lines: list[str], header: str = HEADER) -> Path:
    path.write_text(header + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def _three_customers(tmp_path: Path) -> Path:
    """Ann always has soup at lunch; Bob tea and cake in the afternoon; Cy
    came twice for lunch and tried soup the second time."""
    lines = []
    for week in range(4):
        day = f"2025-01-{1 + 7 * week:02d}"
        lines.append(f"ann,a{week},{day} 12:00:00,soup,Soup")
        lines.append(f"bob,b{week},{day} 16:00:00,tea,Tea")
        lines.append(f"bob,b{week},{day} 16:00:00,cake,Cake")
    lines.append("cy,c0,2025-01-02 12:00:00,tea,Tea")
    lines.append("cy,c1,2025-01-09 12:00:00,tea,Tea")
    lines.append("cy,c1,2025-01-09 12:00:00,soup,Soup")
    return _write(tmp_path / "orders.csv", lines)


def test_recall_ndcg_and_hit_rate_match_hand_computed_values():
    # given: row 1 finds 1 of 2 targets at rank 2; row 2 finds nothing
    ranked = np.array([[5, 1, 7], [4, 6, -1]])
    targets = [np.array([1, 9]), np.array([8])]
    # when
    recall = recall_at(ranked=ranked, targets=targets, k=2)
    hits_1 = hit_rate_at(ranked=ranked, targets=targets, k=1)
    hits_3 = hit_rate_at(ranked=ranked, targets=targets, k=3)
    ndcg = ndcg_at(ranked=ranked, targets=targets, k=3)
    # then: NDCG row 1 = (1 / log2 3) / (1 + 1 / log2 3)
    assert recall == 0.25
    assert (hits_1, hits_3) == (0.0, 0.5)
    gain = 1 / math.log2(3)
    assert ndcg == pytest.approx((gain / (1 + gain)) / 2, abs=1e-12)


def test_mrr_and_pairing_metrics_from_positions():
    # given: found first, second, never, fourth
    positions = np.array([1, 2, 0, 4])
    # when
    metrics = pairing_metrics(positions=positions)
    # then
    assert mrr(positions=positions) == 0.4375
    assert metrics == {"HitRate@3": 0.5, "MRR": 0.4375}


def test_orders_read_groups_lines_into_orders_and_ignores_extra_columns(tmp_path):
    # given: a duplicate line, and lines listed out of time order
    path = _write(
        tmp_path / "orders.csv",
        [
            "ann,o2,2025-01-08 12:00:00,tea,Tea",
            "ann,o1,2025-01-01 12:00:00,soup,Soup",
            "ann,o1,2025-01-01 12:00:00,soup,Soup",
            "bob,o3,2025-01-02 09:30:00,tea,Tea",
        ],
    )
    # when
    orders = orders_read(path=path)
    # then
    baskets = orders.baskets
    assert orders.lines == 4
    assert (orders.customer_names, orders.item_names) == (
        ["ann", "bob"],
        ["tea", "soup"],
    )
    assert baskets.customer.tolist() == [0, 0, 1]
    assert baskets.ptr.tolist() == [0, 1, 2, 3]
    assert baskets.items.tolist() == [1, 0, 0]
    assert baskets.time.tolist() == [20089.5, 20096.5, 20090 + 9.5 / 24]


def test_orders_read_names_a_missing_column(tmp_path):
    # given
    path = _write(
        tmp_path / "orders.csv", ["1,2025-01-01,tea"], "order_id,ordered_at,item_id\n"
    )
    # when
    with pytest.raises(OrdersFileError) as raised:
        orders_read(path=path)
    # then
    assert str(raised.value) == f"{path} lacks column(s): customer_id"


@pytest.mark.parametrize(
    ("_case", "values", "expected"),
    [
        ("days", ["1.5", "20"], [1.5, 20.0]),
        ("iso", ["1970-01-02T12:00:00", "1970-01-03"], [1.5, 2.0]),
        ("offsets keep the wall clock", ["1970-01-02T12:00:00+02:00"], [1.5]),
    ],
)
def test_times_parse_reads_days_iso_and_offsets(_case, values, expected):
    # when
    days = times_parse(values)
    # then
    assert days.tolist() == expected


def test_split_last_holds_out_last_and_second_to_last_orders(tmp_path):
    # given
    baskets = orders_read(path=_three_customers(tmp_path)).baskets
    # when
    validation, test = split_last(baskets=baskets, min_orders=3)
    # then: Ann (0) and Bob (1) qualify; Cy (2) has two orders
    assert test.customers.tolist() == [0, 1]
    assert [t.tolist() for t in test.targets] == [[0], [1, 2]]
    assert test.times.tolist() == [20089.5 + 21, 20089 + 21 + 16 / 24]
    assert test.train.n_orders == 8
    assert validation.customers.tolist() == [0, 1]
    assert [t.tolist() for t in validation.targets] == [[0], [1, 2]]
    assert validation.times.tolist() == [20089.5 + 14, 20089 + 14 + 16 / 24]
    assert validation.train.n_orders == 6


def test_split_hidden_hides_items_of_late_multi_item_orders(tmp_path):
    # given: orders on days 0..9; only days 8 and 9 are in the last 20 %
    lines = [f"o{day},{day}.5,{item}" for day in range(10) for item in ("a", "b")]
    path = _write(tmp_path / "lines.csv", lines, "order_id,ordered_at,item_id\n")
    baskets = orders_read(path=path, with_customers=False).baskets
    # when
    one = split_hidden(baskets=baskets, start=0.8, stop=1.0, seed=0)
    every = split_hidden(baskets=baskets, start=0.8, stop=1.0, seed=0, every_item=True)
    # then
    assert one.train.n_orders == 8
    assert len(one.hidden) == 2
    assert one.times.tolist() == [8.5, 9.5]
    assert every.hidden.tolist() == [0, 1, 0, 1]
    assert [r.tolist() for r in every.rest] == [[1], [0], [1], [0]]


def test_popularity_and_personal_frequency_baselines(tmp_path):
    # given
    baskets = orders_read(path=_three_customers(tmp_path)).baskets
    customers = np.array([0, 2])
    # when
    popular = global_top(baskets=baskets, customers=customers, k=3)
    personal = personal_top(baskets=baskets, customers=customers, k=3, backfill=False)
    backfilled = personal_top(baskets=baskets, customers=customers, k=3, backfill=True)
    # then: items are soup 0, tea 1, cake 2, sold 5, 6 and 4 times
    assert popular.tolist() == [[1, 0, 2], [1, 0, 2]]
    assert personal.tolist() == [[0, -1, -1], [1, 0, -1]]
    assert backfilled.tolist() == [[0, 1, 2], [1, 0, 2]]


def test_pairing_baselines_rank_by_popularity_and_co_occurrence(tmp_path):
    # given
    baskets = orders_read(path=_three_customers(tmp_path)).baskets
    rest = [np.array([2])]  # an order holding cake
    # when
    popular = pair_popular(baskets=baskets, rest=rest)
    together = pair_together(baskets=baskets, rest=rest)
    # then: cake came with tea 4 times, never with soup
    assert positions_of(scores=popular, hidden=np.array([1])).tolist() == [1]
    assert positions_of(scores=together, hidden=np.array([0])).tolist() == [2]
    assert together[0][2] == -np.inf


def test_coordinate_search_keeps_only_improvements():
    # given: the score peaks at repeat_weight 2 and ignores neighbours
    def score(params: RankerParams) -> float:
        return -abs(params.repeat_weight - 2.0)

    start = RankerParams(repeat_weight=0.5, neighbours=100)
    grid = {"repeat_weight": (1.0, 2.0, 4.0), "neighbours": (300,)}
    # when
    best = coordinate_search(start=start, grid=grid, score=score, say=lambda _: None)
    # then
    assert (best.repeat_weight, best.neighbours) == (2.0, 100)


def test_params_with_rejects_unknown_names():
    # when
    with pytest.raises(ValueError, match="unknown parameter 'colour'"):
        params_with(RankerParams(), overrides=["colour=red"])
    # then
    changed = params_with(
        RankerParams(repeat_smoothing=5.0),
        overrides=["neighbours=7", "repeat_smoothing=auto"],
    )
    assert (changed.neighbours, changed.repeat_smoothing) == (7, None)


def test_recommend_offline_writes_k_ranked_items_per_customer(tmp_path):
    # given
    orders = _three_customers(tmp_path)
    ids = tmp_path / "ids.txt"
    ids.write_text("ann\nbob\nnew-guest\n", encoding="utf-8")
    out = tmp_path / "pred.csv"
    stdout = StringIO()
    # when
    call_command(
        "recommend_offline",
        orders=str(orders),
        customers=str(ids),
        k=2,
        out=str(out),
        stdout=stdout,
    )
    # then: the visit is a day after the last order, in the afternoon, when
    # cake (only ever sold then) is likelier than tea
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["customer_id", "rank", "item_id"],
        ["ann", "1", "soup"],
        ["ann", "2", "tea"],
        ["bob", "1", "cake"],
        ["bob", "2", "tea"],
        ["new-guest", "1", "tea"],
        ["new-guest", "2", "soup"],
    ]
    assert "wrote 6 predictions" in stdout.getvalue()
    assert "1 customers have no orders" in stdout.getvalue()


def test_recommend_offline_without_files_is_a_command_error(tmp_path):
    # when
    with pytest.raises(CommandError) as raised:
        call_command("recommend_offline", k=3, stdout=StringIO())
    # then
    assert str(raised.value) == "--orders is required (or use --benchmark)"


def test_recommend_offline_benchmark_reports_its_runtime():
    # given
    stdout = StringIO()
    # when
    call_command("recommend_offline", benchmark=3000, stdout=stdout)
    # then
    lines = stdout.getvalue().splitlines()
    assert lines[-1].startswith("benchmark: 3000 lines, ")
    assert any(line.startswith("wrote ") for line in lines)


def test_evaluate_recommender_prints_ours_beside_the_baselines(tmp_path):
    # given
    orders = tmp_path / "orders.csv"
    synthetic_orders_write(path=orders, lines=4000, seed=3)
    stdout = StringIO()
    # when
    call_command("evaluate_recommender", orders=str(orders), stdout=stdout)
    # then
    table = [line for line in stdout.getvalue().splitlines() if line.startswith("| ")]
    assert table[0].split("|")[2:6] == [
        " Recall@5 ",
        " Recall@10 ",
        " NDCG@10 ",
        " HitRate@5 ",
    ]
    assert [row.split("|")[1].strip() for row in table[1:]] == [
        "G-TopFreq (popularity)",
        "P-TopFreq (personal)",
        "P-TopFreq + backfill",
        "TIFU-KNN (re-implemented)",
        "Tableside ranker",
    ]


def test_evaluate_recommender_pairing_tunes_then_tests(tmp_path):
    # given: orders without customers
    orders = tmp_path / "orders.csv"
    synthetic_orders_write(path=orders, lines=3000, seed=4)
    lines = orders.read_text(encoding="utf-8").splitlines()[1:]
    no_customers = tmp_path / "lines.csv"
    no_customers.write_text(
        "order_id,ordered_at,item_id\n"
        + "".join(line.split(",", 1)[1] + "\n" for line in lines),
        encoding="utf-8",
    )
    stdout = StringIO()
    # when
    call_command(
        "evaluate_recommender",
        orders=str(no_customers),
        pairing=True,
        tune=True,
        stdout=stdout,
    )
    # then
    output = stdout.getvalue()
    table = [line for line in output.splitlines() if line.startswith("| ")]
    assert [row.split("|")[1].strip() for row in table] == [
        "model",
        "Most popular",
        "Co-occurrence counts",
        "Tableside pairing",
    ]
    assert "tuning on " in output
