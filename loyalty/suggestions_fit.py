"""Precompute a restaurant's suggestions: the slow half, run as a background job.

Everything that needs the whole order history is done here once (nightly):
the ranking core (`loyalty.recommendations`) ranks every consenting member's
candidates without the daypart factor, and the pairing and popularity
statistics are stored as arrays. Serving (`loyalty.suggestions`) then only
multiplies in the daypart of the moment, drops what is not allowed right now
and words the reasons, for a few rows per table.
"""

import datetime
import io
import logging
import time
from dataclasses import dataclass, replace

import numpy as np
from django.db import transaction
from django.utils import timezone
from scipy import sparse

from loyalty.models import (
    Consent,
    ConsentPurpose,
    LoyaltyProgram,
    MemberSuggestions,
    SuggestionFit,
)
from loyalty.recommendations import PairingParams, RankerParams
from loyalty.recommendations.history import Baskets, baskets_from_lines
from loyalty.recommendations.items import trend_at, trend_fit
from loyalty.recommendations.pairing import PairingModel, pairing_fit
from loyalty.recommendations.ranking import (
    Query,
    query_from_baskets,
    rank_batch,
    ranker_fit,
)
from ordering.models import (
    PLACED_STATUSES,
    LineStatus,
    MenuItem,
    OrderLine,
    Restaurant,
)

logger = logging.getLogger(__name__)

# The ranking is fitted without the daypart factor; serving applies it with
# the core's own tuned exponent, so the order it gives matches the core's.
CONTEXT_WEIGHT = RankerParams().context_weight
FIT_PARAMS = replace(RankerParams(), context_weight=0.0)
RANKED_KEEP = 12  # candidates kept per member; the tablet shows at most 5
USUAL_WINDOW = 10  # "the usual" is read from the last visits only
POPULAR_HALF_LIFE_DAYS = 30.0
# A favourite "goes with" an explore item when guests who have it take the
# item this many times more often than others, on enough shared orders.
WITH_LIFT = 1.5
WITH_TOGETHER = 3
CHUNK = 4000  # members ranked at once; bounds the popularity arrays' memory

# Reason codes stored per ranked entry: [item, score, kind, a, b].
KIND_REPEAT = "repeat"  # a = times in the last visits, b = of how many
KIND_INSTEAD = "instead_of"  # a = the retired dish, b = times it was had
KIND_WITH = "with"  # a = the favourite it goes with
KIND_POPULAR = "popular"


@dataclass(frozen=True)
class FitArrays:
    """What serving needs of a restaurant's fit, as plain arrays."""

    item_ids: np.ndarray
    share: np.ndarray  # recent share of orders holding each item
    rank_lift: np.ndarray  # items x cells: members' daypart factor, powered
    pairing: PairingModel
    newest_item_id: int  # dishes with higher ids were added after the fit

    def index(self) -> dict[int, int]:
        return self.pairing.item_index


@dataclass(frozen=True)
class RefitResult:
    members: int
    orders: int
    lines: int
    seconds: float


def _offset_seconds(moment: datetime.datetime) -> float:
    offset = moment.utcoffset()
    return offset.total_seconds() if offset is not None else 0.0


def _local_days(moments: np.ndarray, tz: datetime.tzinfo) -> np.ndarray:
    """Convert UTC epoch seconds to local wall-clock days (see `history`).

    The zone's offset is looked up once per UTC day (at noon), not per row:
    a night of a clock change is off by an hour at most.
    """
    days = np.floor(moments / 86400.0).astype(np.int64)
    unique, inverse = np.unique(days, return_inverse=True)
    offsets = np.array(
        [
            _offset_seconds(
                datetime.datetime.fromtimestamp(int(day) * 86400 + 43200, tz=tz)
            )
            for day in unique
        ]
    )
    return (moments + offsets[inverse]) / 86400.0


def _read_lines(restaurant_id: int) -> dict[str, np.ndarray]:
    """Return every placed, not cancelled line as columns (one query)."""
    rows = (
        OrderLine.objects.filter(
            order__restaurant_id=restaurant_id,
            order__status__in=PLACED_STATUSES,
            menu_item_id__isnull=False,
            voided_at__isnull=True,
        )
        .exclude(status=LineStatus.CANCELLED)
        .values_list(
            "order_id",
            "order__table_session_id",
            "order__guest__identification__member_id",
            "order__placed_at",
            "menu_item_id",
        )
    )
    orders, sessions, members, moments, items = [], [], [], [], []
    for order_id, session_id, member_id, placed_at, item_id in rows.iterator(
        chunk_size=20_000
    ):
        if placed_at is None:  # placed statuses always have a time (a DB check)
            continue
        orders.append(order_id)
        sessions.append(session_id)
        members.append(member_id or 0)
        moments.append(placed_at.timestamp())
        items.append(item_id)
    return {
        "order": np.asarray(orders, dtype=np.int64),
        "session": np.asarray(sessions, dtype=np.int64),
        "member": np.asarray(members, dtype=np.int64),
        "moment": np.asarray(moments, dtype=np.float64),
        "item": np.asarray(items, dtype=np.int64),
    }


def _consenting(restaurant_id: int) -> set[int]:
    """Return the members whose latest personalisation answer is yes."""
    latest: dict[int, bool] = {}
    for member_id, granted in (
        Consent.objects.filter(
            member__restaurant_id=restaurant_id,
            member__erased_at__isnull=True,
            purpose=ConsentPurpose.PERSONALISATION,
        )
        .order_by("recorded_at", "id")
        .values_list("member_id", "is_granted")
    ):
        latest[member_id] = granted
    return {member_id for member_id, granted in latest.items() if granted}


def _member_baskets(
    lines: dict[str, np.ndarray], item_col: np.ndarray, item_ids: np.ndarray
) -> Baskets:
    """Group members' lines into visits: one basket per member and table session."""
    known = lines["member"] > 0
    member = lines["member"][known]
    customer_ids, customer = np.unique(member, return_inverse=True)
    session = lines["session"][known]
    visit = customer.astype(np.int64) * (int(session.max(initial=0)) + 1) + session
    return baskets_from_lines(
        customer=customer,
        order=visit,
        time=lines["days"][known],
        item=item_col[known],
        customer_ids=customer_ids,
        item_ids=item_ids,
    )


def _slice(query: Query, rows: slice) -> Query:
    return Query(
        taste=query.taste[rows],
        repeat=query.repeat[rows],
        new_items=query.new_items[rows],
        now=query.now[rows],
        own_row=query.own_row[rows],
        counts=query.counts[rows],
        orders=query.orders[rows],
    )


def _recent_counts(baskets: Baskets) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Return members x items: visits among each member's last `USUAL_WINDOW`
    holding the item; and how many visits that window has per member."""
    bounds = baskets.customer_bounds()
    last = bounds[baskets.customer.astype(np.int64) + 1] - 1
    recent = (last - np.arange(baskets.n_orders)) < USUAL_WINDOW
    line_order = np.repeat(np.arange(baskets.n_orders), baskets.sizes())
    keep = recent[line_order]
    counts = sparse.csr_matrix(
        (
            np.ones(int(keep.sum()), dtype=np.int32),
            (baskets.customer[line_order[keep]], baskets.items[keep]),
        ),
        shape=(baskets.n_customers, baskets.n_items),
    )
    counts.sum_duplicates()
    window = np.minimum(np.diff(bounds), USUAL_WINDOW)
    return counts, window


def _pair_lift(pairing: PairingModel) -> tuple[np.ndarray, np.ndarray]:
    """Return items x items: P(column | row) / P(column), and orders together."""
    together = pairing.together.toarray()
    base = pairing.counts / max(pairing.orders, 1)
    conditional = together / np.maximum(pairing.counts, 1)[:, np.newaxis]
    lift = np.divide(
        conditional,
        base[np.newaxis, :],
        out=np.zeros_like(conditional),
        where=base[np.newaxis, :] > 0,
    )
    return lift, together


def _entries(
    *,
    ranked,
    row: int,
    chunk_row: int,
    item_ids: np.ndarray,
    recent: np.ndarray,
    window: int,
    lift: np.ndarray,
    together: np.ndarray,
) -> list[list]:
    """Turn one member's ranked row into compact entries with reason codes."""
    favourites = [int(i) for i in np.argsort(-recent, kind="stable")[:3] if recent[i]]
    entries = []
    for position, item in enumerate(ranked.items[chunk_row]):
        if item < 0:
            break
        shares = {
            name: float(values[chunk_row, position])
            for name, values in ranked.parts.items()
        }
        kind = max(shares, key=lambda name: shares[name])
        if shares[kind] <= 0:
            kind = "popular"  # nothing personal lifted it: filler
        replaced = int(ranked.replaced[chunk_row, position])
        score = round(float(ranked.scores[chunk_row, position]), 5)
        entry = [int(item_ids[item]), score, KIND_POPULAR, 0, 0]
        if kind == "repeat" and replaced >= 0:
            entry[2:] = [KIND_INSTEAD, int(item_ids[replaced]), int(recent[replaced])]
        elif kind == "repeat":
            entry[2:] = [KIND_REPEAT, int(recent[item]), window]
        elif favourites:
            # An explore pick is explained by the favourite it is most often
            # ordered with, when that link is strong and not a fluke.
            best = max(favourites, key=lambda fav: lift[fav, item])
            if lift[best, item] >= WITH_LIFT and together[best, item] >= WITH_TOGETHER:
                entry[2:] = [KIND_WITH, int(item_ids[best]), 0]
        entries.append(entry)
    return entries


def _encode(arrays: FitArrays) -> bytes:
    pairing = arrays.pairing
    together = pairing.together.tocsr()
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        item_ids=arrays.item_ids,
        share=arrays.share,
        rank_lift=arrays.rank_lift,
        orders=np.array([pairing.orders]),
        counts=pairing.counts,
        together_data=together.data,
        together_indices=together.indices,
        together_indptr=together.indptr,
        pairing_lift=pairing.lift,
        newest_item_id=np.array([arrays.newest_item_id]),
    )
    return buffer.getvalue()


def fit_arrays_decode(data: bytes) -> FitArrays:
    """Read a stored fit back (no pickle: arrays only)."""
    stored = np.load(io.BytesIO(bytes(data)), allow_pickle=False)
    item_ids = stored["item_ids"]
    n = len(item_ids)
    pairing = PairingModel(
        params=PairingParams(),
        item_ids=item_ids,
        orders=int(stored["orders"][0]),
        counts=stored["counts"],
        together=sparse.csr_matrix(
            (
                stored["together_data"],
                stored["together_indices"],
                stored["together_indptr"],
            ),
            shape=(n, n),
        ),
        lift=stored["pairing_lift"],
        item_index={int(item): index for index, item in enumerate(item_ids)},
    )
    return FitArrays(
        item_ids=item_ids,
        share=stored["share"],
        rank_lift=stored["rank_lift"],
        pairing=pairing,
        newest_item_id=int(stored["newest_item_id"][0]),
    )


def suggestions_refit(
    *, restaurant_id: int, now: datetime.datetime | None = None
) -> RefitResult:
    """Fit a restaurant's suggestion statistics and every consenting member's
    ranked candidates from all placed orders; replace the stored ones.

    Reads the history in one query and writes in one transaction, so the
    tablets see either the old fit or the new one.
    """
    started = time.perf_counter()
    now = now or timezone.now()
    restaurant = Restaurant.objects.get(pk=restaurant_id)
    tz = restaurant.tzinfo
    lines = _read_lines(restaurant_id)
    lines["days"] = _local_days(lines["moment"], tz)
    item_ids, item_col = np.unique(lines["item"], return_inverse=True)
    now_days = float(_local_days(np.array([now.timestamp()]), tz)[0])

    _, order_col = np.unique(lines["order"], return_inverse=True)
    all_orders = baskets_from_lines(
        customer=np.zeros(len(order_col), dtype=np.int64),
        order=order_col,
        time=lines["days"],
        item=item_col,
        customer_ids=np.zeros(1, dtype=np.int64),
        item_ids=item_ids,
    )
    pairing = pairing_fit(baskets=all_orders, params=PairingParams())
    share = trend_at(
        trend=trend_fit(baskets=all_orders),
        times=np.array([now_days + 1.0]),  # today counts too
        half_life_days=POPULAR_HALF_LIFE_DAYS,
    )[0]

    # Every dish's section, and the newest dish the fit knows of.
    menu = dict(
        MenuItem.objects.filter(restaurant_id=restaurant_id).values_list(
            "id", "category_id"
        )
    )
    consenting = _consenting(restaurant_id)
    members = _member_baskets(lines, item_col, item_ids)
    model = ranker_fit(baskets=members, params=FIT_PARAMS)
    rank_lift = np.power(model.lift, CONTEXT_WEIGHT).astype(np.float32)
    arrays = FitArrays(
        item_ids=item_ids,
        share=share.astype(np.float64),
        rank_lift=rank_lift,
        pairing=pairing,
        newest_item_id=max(menu, default=0),
    )

    # Dishes still on the menu; a retired dish's repeat chance moves to its
    # nearest current one (the core's "instead of").
    on_menu = set(
        MenuItem.objects.filter(
            restaurant_id=restaurant_id, category__is_active=True
        ).values_list("id", flat=True)
    )
    allowed = np.array([int(i) in on_menu for i in item_ids], dtype=bool)
    rows = np.flatnonzero(np.isin(members.customer_ids, list(consenting)))
    if members.n_orders == 0:
        rows = rows[:0]
    recent, window = _recent_counts(members)
    lift, together = _pair_lift(pairing)
    stored: list[MemberSuggestions] = []
    if len(rows):
        query = query_from_baskets(
            model=model,
            baskets=members,
            rows=rows,
            now=np.full(len(rows), now_days),
        )
        for start in range(0, len(rows), CHUNK):
            span = slice(start, min(start + CHUNK, len(rows)))
            ranked = rank_batch(
                model=model,
                query=_slice(query, span),
                k=min(RANKED_KEEP, len(item_ids)),
                allowed=allowed if not allowed.all() else None,
            )
            for chunk_row, row in enumerate(rows[span]):
                counts = recent[row].toarray().ravel()
                stored.append(
                    _member_row(
                        member_id=int(members.customer_ids[row]),
                        restaurant_id=restaurant_id,
                        now=now,
                        counts=counts,
                        window=int(window[row]),
                        visits=int(query.orders[start + chunk_row]),
                        entries=_entries(
                            ranked=ranked,
                            row=row,
                            chunk_row=chunk_row,
                            item_ids=item_ids,
                            recent=counts,
                            window=int(window[row]),
                            lift=lift,
                            together=together,
                        ),
                        item_ids=item_ids,
                        menu=menu,
                    )
                )
    with transaction.atomic():
        SuggestionFit.objects.update_or_create(
            restaurant_id=restaurant_id,
            defaults={
                "fitted_at": now,
                "members": len(stored),
                "orders": all_orders.n_orders,
                "lines": len(item_col),
                "seconds": round(time.perf_counter() - started, 2),
                "data": _encode(arrays),
            },
        )
        MemberSuggestions.objects.filter(restaurant_id=restaurant_id).delete()
        MemberSuggestions.objects.bulk_create(stored, batch_size=2000)
    result = RefitResult(
        members=len(stored),
        orders=all_orders.n_orders,
        lines=len(item_col),
        seconds=round(time.perf_counter() - started, 2),
    )
    logger.info("suggestions refit for %s: %s", restaurant_id, result)
    return result


def _member_row(
    *,
    member_id: int,
    restaurant_id: int,
    now: datetime.datetime,
    counts: np.ndarray,
    window: int,
    visits: int,
    entries: list[list],
    item_ids: np.ndarray,
    menu: dict[int, int],
) -> MemberSuggestions:
    # The usual: on at least half of the recent visits, and on two at least.
    usual = [
        [int(item_ids[i]), int(counts[i]), window]
        for i in np.argsort(-counts, kind="stable")[:3]
        if counts[i] >= 2 and counts[i] * 2 >= window
    ]
    sections: dict[int, int] = {}
    for i in np.flatnonzero(counts):
        category = menu.get(int(item_ids[i]))
        if category is not None:
            sections[category] = sections.get(category, 0) + int(counts[i])
    top_sections = sorted(sections, key=lambda c: (-sections[c], c))[:2]
    return MemberSuggestions(
        member_id=member_id,
        restaurant_id=restaurant_id,
        computed_at=now,
        data={
            "visits": visits,
            "usual": usual,
            "ranked": entries,
            "sections": top_sections,
        },
    )


def suggestions_refit_all(*, now: datetime.datetime | None = None) -> dict[int, int]:
    """Refit every restaurant with an active programme; return members ranked."""
    result = {}
    for restaurant_id in LoyaltyProgram.objects.filter(is_active=True).values_list(
        "restaurant_id", flat=True
    ):
        try:
            result[restaurant_id] = suggestions_refit(
                restaurant_id=restaurant_id, now=now
            ).members
        except Exception:  # a task boundary: one restaurant's failure, logged
            logger.exception("suggestions refit failed for %s", restaurant_id)
    return result
