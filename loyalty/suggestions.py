"""Suggestions at a table: "the usual", a few dishes with reasons, and pairings.

The fast half of suggestions (`suggestions_fit` is the slow half): for one
table it reads a handful of rows (who is there, their consents, their
precomputed candidates, what the table has ordered, what is available) and
does a few small array operations. Nothing history-based is shown for a
member without a personalisation consent: they get popular dishes only.

Safety is decided here, on every request, never in the fit: a dish is shown
only if it is on the menu, not sold out, in its time window now, and does
not clash with the allergies and diet in the member's notes.
"""

import datetime
import json
import re
import time
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models import JSONField, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loyalty.models import (
    Consent,
    ConsentPurpose,
    Identification,
    Member,
    MemberSuggestions,
    SuggestionFit,
    SuggestionPlacement,
)
from loyalty.recommendations import PairingParams, pairings_for
from loyalty.recommendations.history import context_of, local_days
from loyalty.recommendations.items import NOTABLE_LIFT
from loyalty.suggestions_fit import (
    KIND_INSTEAD,
    KIND_POPULAR,
    KIND_REPEAT,
    KIND_WITH,
    FitArrays,
    fit_arrays_decode,
)
from ordering.models import (
    PLACED_STATUSES,
    LineStatus,
    MenuItem,
    OrderLine,
    OrderStatus,
    Restaurant,
    TableSession,
)
from ordering.models.menu import time_in_window
from ordering.translation import pick

USUAL_SHOWN = 2
SUGGESTIONS_MIN = 3
SUGGESTIONS_MAX = 5
# A 4th or 5th suggestion only when the model thinks it likely: the seeds
# warn that a long list of upsells puts guests off.
EXTRA_SUGGESTION_CHANCE = 0.2
PAIRINGS_SHOWN = 3
PAIRING_MIN_LIFT = 1.2

# ---------------------------------------------------------------------------
# Allergies and diets from the member's free-text notes.


@dataclass(frozen=True)
class DietRule:
    """A dish passes if it has none of `allergens` or is tagged with one of
    `diets` (lactose-free milk is fine for the lactose intolerant). A rule
    with no allergens (vegan) needs the tag."""

    allergens: frozenset[str]
    diets: frozenset[str]

    def allows(self, allergens: frozenset[str], diets: frozenset[str]) -> bool:
        if diets & self.diets:
            return True
        return bool(self.allergens) and not allergens & self.allergens


def _rule(allergens: set[str], diets: set[str]) -> DietRule:
    return DietRule(allergens=frozenset(allergens), diets=frozenset(diets))


# Words in Finnish, Swedish and English. Notes are read conservatively: any
# mention counts ("eats fish" would hide fish too); a missed dish costs a
# suggestion, a wrong one costs a guest's health. Short words must start a
# word ("nut" is not in "minute"); longer stems match inside compounds
# ("pähkinäallergia", "vähälaktoosinen").
_DIET_WORDS: list[tuple[tuple[str, ...], DietRule]] = [
    (
        ("gluten", "gluteen", "keliak", "celiac", "coeliac", "vehnä", "wheat", "vete"),
        _rule({"gluten"}, {"gluten_free"}),
    ),
    (("laktoos", "lactose", "laktos"), _rule({"milk"}, {"lactose_free", "milk_free"})),
    (("maito", "maido", "milk", "mjölk", "dairy"), _rule({"milk"}, {"milk_free"})),
    (("maapähkinä", "peanut", "jordnöt"), _rule({"peanuts"}, set())),
    (("pähkinä", "nut", "nöt", "manteli", "almond", "mandel"), _rule({"nuts"}, set())),
    (("kala", "fish", "fisk"), _rule({"fish"}, set())),
    (
        ("äyriäi", "shellfish", "crustacea", "skaldjur", "kräft", "katkarap", "räk"),
        _rule({"crustaceans"}, set()),
    ),
    (
        ("nilviäi", "mollus", "blötdjur", "mussel", "musslor", "simpuk", "osteri"),
        _rule({"molluscs"}, set()),
    ),
    (("kananmuna", "muna", "egg", "ägg"), _rule({"eggs"}, set())),
    (("soija", "soy", "soja"), _rule({"soybeans"}, set())),
    (("selleri", "celery"), _rule({"celery"}, set())),
    (("sinappi", "mustard", "senap"), _rule({"mustard"}, set())),
    (("seesam", "sesam"), _rule({"sesame"}, set())),
    (("sulfiit", "sulphite", "sulfite", "sulfit"), _rule({"sulphites"}, set())),
    (("lupiini", "lupin"), _rule({"lupin"}, set())),
    (("vegaan", "vegan"), _rule(set(), {"vegan"})),
    (("kasvis", "vegetar"), _rule(set(), {"vegetarian", "vegan"})),
]
_DIET_PATTERNS = [
    (
        re.compile(
            "|".join(
                re.escape(word)
                if len(word) >= 5
                else rf"(?<![a-zåäö]){re.escape(word)}"
                for word in words
            )
        ),
        rule,
    )
    for words, rule in _DIET_WORDS
]


def diet_rules(notes: str) -> tuple[DietRule, ...]:
    """Return the rules a member's allergy and diet notes ask for."""
    text = (notes or "").lower()
    if not text.strip():
        return ()
    return tuple(rule for pattern, rule in _DIET_PATTERNS if pattern.search(text))


# ---------------------------------------------------------------------------
# The menu as suggestions need it: kept per process and menu version.


@dataclass(frozen=True)
class Dish:
    id: int
    category_id: int
    names: dict[str, str]
    allergens: frozenset[str]
    diets: frozenset[str]
    window: tuple[datetime.time | None, datetime.time | None]
    category_window: tuple[datetime.time | None, datetime.time | None]
    is_on_menu: bool  # its section is shown; a hidden section is retired

    def is_in_window(self, local: datetime.time) -> bool:
        return time_in_window(local, *self.window) and time_in_window(
            local, *self.category_window
        )


class _Prepared:
    """An ORM query compiled once per process, then run with another id.

    Compiling these querysets costs more than running them (small, indexed
    reads), and a tablet asks every few seconds. The SQL still comes from
    the ORM: it is built once with a sentinel id that is swapped for the
    real one. Rows come back raw (no field conversions).
    """

    SENTINEL = -987_654_321

    def __init__(self, build) -> None:
        self.build = build
        self.compiled: dict[str, tuple[str, tuple]] = {}

    def statement(self, value: int) -> tuple[str, list]:
        vendor = connection.vendor
        if vendor not in self.compiled:
            sql, params = self.build(self.SENTINEL).query.sql_with_params()
            self.compiled[vendor] = (sql, tuple(params))
        sql, params = self.compiled[vendor]
        return sql, [value if param == self.SENTINEL else param for param in params]

    def rows(self, value: int) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(*self.statement(value))
            return cursor.fetchall()


def _rows_together(*jobs: tuple[_Prepared, int]) -> list[list[tuple]]:
    """Run several prepared reads; on PostgreSQL in one round trip.

    psycopg's pipeline mode sends them all before reading any answer: on a
    busy machine each round trip waits for two processes to be scheduled,
    and a table's suggestions need three reads.
    """
    if connection.vendor != "postgresql":
        return [prepared.rows(value) for prepared, value in jobs]
    connection.ensure_connection()
    raw = connection.connection
    cursors = []
    with raw.pipeline():
        for prepared, value in jobs:
            cursor = raw.cursor()
            cursor.execute(*prepared.statement(value))
            cursors.append(cursor)
    results = [cursor.fetchall() for cursor in cursors]
    for cursor in cursors:
        cursor.close()
    return results


_dishes: dict[tuple[int, int], dict[int, Dish]] = {}
# restaurant -> (fitted_at, arrays, when last checked on the monotonic clock)
_fits: dict[int, tuple[datetime.datetime, FitArrays, float]] = {}
FIT_CHECK_SECONDS = 60.0


def _menu_dishes(restaurant: Restaurant) -> dict[int, Dish]:
    """Return every dish of the restaurant, read once per menu version."""
    key = (restaurant.pk, restaurant.menu_version)
    dishes = _dishes.get(key)
    if dishes is not None:
        return dishes
    dishes = {}
    for item in MenuItem.objects.filter(restaurant_id=restaurant.pk).select_related(
        "category"
    ):
        dishes[item.pk] = Dish(
            id=item.pk,
            category_id=item.category_id,
            names=item.texts("name"),
            allergens=frozenset(item.allergens or []),
            diets=frozenset(item.diets or []),
            window=(item.available_from, item.available_until),
            category_window=(
                item.category.available_from,
                item.category.available_until,
            ),
            is_on_menu=item.category.is_active,
        )
    # Old versions are dead weight; a process serves few restaurants.
    for old in [k for k in _dishes if k[0] == restaurant.pk]:
        del _dishes[old]
    _dishes[key] = dishes
    return dishes


_AVAILABILITY = _Prepared(
    lambda restaurant_id: MenuItem.objects.filter(
        restaurant_id=restaurant_id
    ).values_list("id", "is_available", "stock")
)


def _orderable_now(
    restaurant: Restaurant, local: datetime.time, availability: list[tuple]
) -> set[int]:
    """Return the dishes a guest could order right now, from `_AVAILABILITY`'s
    rows.

    Stock changes do not bump the menu version, so availability is read
    live rather than from the per-version copy.
    """
    dishes = _menu_dishes(restaurant)
    orderable = set()
    for item_id, is_available, stock in availability:
        dish = dishes.get(item_id)
        if (
            dish is not None
            and is_available
            and stock != 0
            and dish.is_on_menu
            and dish.is_in_window(local)
        ):
            orderable.add(item_id)
    return orderable


def _fit(restaurant_id: int) -> FitArrays | None:
    """Return the restaurant's fitted arrays, decoded once per process and fit.

    Whether a newer fit exists is asked at most every `FIT_CHECK_SECONDS`:
    fits come nightly, and a tablet asks every few seconds.
    """
    clock = time.monotonic()
    cached = _fits.get(restaurant_id)
    if cached is not None and clock - cached[2] < FIT_CHECK_SECONDS:
        return cached[1]
    fitted_at = (
        SuggestionFit.objects.filter(restaurant_id=restaurant_id)
        .values_list("fitted_at", flat=True)
        .first()
    )
    if fitted_at is None:
        _fits.pop(restaurant_id, None)
        return None
    if cached is not None and cached[0] == fitted_at:
        _fits[restaurant_id] = (fitted_at, cached[1], clock)
        return cached[1]
    data = SuggestionFit.objects.filter(restaurant_id=restaurant_id).values_list(
        "data", flat=True
    )[0]
    arrays = fit_arrays_decode(bytes(data))
    _fits[restaurant_id] = (fitted_at, arrays, clock)
    return arrays


# ---------------------------------------------------------------------------
# Reasons in words.


def _daypart_phrase(cell: int) -> str:
    part = cell % 5
    return [
        _("Popular late in the evening"),
        _("Popular at breakfast"),
        _("Popular at lunch"),
        _("Popular in the afternoon"),
        _("Popular at dinner"),
    ][part]


@dataclass(frozen=True)
class Pick:
    """One dish chosen for a screen, with what the recorder needs."""

    item_id: int
    name: str
    reason: str
    reason_kind: str
    allergens: list[str]
    placement: str


@dataclass
class _Context:
    restaurant: Restaurant
    lang: str | None
    local: datetime.datetime
    cell: int
    dishes: dict[int, Dish]
    orderable: set[int]
    fit: FitArrays | None
    popular: list[tuple[int, bool]] = field(default_factory=list)

    def daypart_lift(self, position: int) -> float:
        """Return how much likelier a dish is now than at other times."""
        assert self.fit is not None
        lift = float(self.fit.pairing.lift[position, self.cell])
        return lift ** PairingParams().context_weight

    def name(self, item_id: int) -> str:
        dish = self.dishes.get(item_id)
        return pick(dish.names, self.lang) if dish else ""

    def is_safe(self, item_id: int, rules: tuple[DietRule, ...]) -> bool:
        if item_id not in self.orderable:
            return False
        dish = self.dishes[item_id]
        return all(rule.allows(dish.allergens, dish.diets) for rule in rules)

    def pick(self, item_id: int, *, reason: str, kind: str, placement: str) -> Pick:
        return Pick(
            item_id=item_id,
            name=self.name(item_id),
            reason=reason,
            reason_kind=kind,
            allergens=sorted(self.dishes[item_id].allergens),
            placement=placement,
        )


def _context(
    restaurant: Restaurant,
    *,
    lang: str | None,
    now: datetime.datetime | None,
    availability: list[tuple] | None = None,
) -> _Context:
    local = timezone.localtime(now or timezone.now(), restaurant.tzinfo)
    cell = int(context_of(np.array([local_days(local)]))[0])
    context = _Context(
        restaurant=restaurant,
        lang=lang,
        local=local,
        cell=cell,
        dishes=_menu_dishes(restaurant),
        orderable=_orderable_now(
            restaurant,
            local.time(),
            _AVAILABILITY.rows(restaurant.pk) if availability is None else availability,
        ),
        fit=_fit(restaurant.pk),
    )
    context.popular = _popular(context)
    return context


def _popular(context: _Context) -> list[tuple[int, bool]]:
    """Return orderable dishes by recent popularity at this daypart, best
    first, each with whether the daypart itself makes it popular."""
    fit = context.fit
    if fit is None or not len(fit.item_ids):
        return []  # no history yet: nothing can honestly be called popular
    lift = np.power(fit.pairing.lift[:, context.cell], PairingParams().context_weight)
    scores = fit.share * lift
    ranked = []
    for index in np.lexsort((fit.item_ids, -scores)):
        item_id = int(fit.item_ids[index])
        if item_id in context.orderable and scores[index] > 0:
            ranked.append((item_id, bool(lift[index] >= NOTABLE_LIFT)))
    return ranked


def _popular_picks(
    context: _Context,
    *,
    rules: tuple[DietRule, ...],
    skip: set[int],
    count: int,
    placement: str = SuggestionPlacement.POPULAR,
) -> list[Pick]:
    picks: list[Pick] = []
    for item_id, by_daypart in context.popular:
        if len(picks) >= count:
            break
        if item_id in skip or not context.is_safe(item_id, rules):
            continue
        reason = (
            _daypart_phrase(context.cell)
            if by_daypart
            else _("One of our guests' favourites")
        )
        picks.append(
            context.pick(item_id, reason=reason, kind=KIND_POPULAR, placement=placement)
        )
    return picks


def _repeat_reason(times: int, of_last: int) -> str:
    # "1 of the last 10 visits" sounds like a reason against; say it plainly.
    if times <= 1:
        return _("Has had it before")
    return ngettext(
        "Ordered on %(times)s of the last %(visits)s visit",
        "Ordered on %(times)s of the last %(visits)s visits",
        of_last,
    ) % {"times": times, "visits": of_last}


def _entry_reason(
    context: _Context, kind: str, a: int, b: int, *, by_daypart: bool
) -> str:
    if kind == KIND_REPEAT:
        reason = _repeat_reason(a, b)
        # A dish had once is worth naming when this is its time of day.
        if a <= 1 and by_daypart:
            reason = f"{reason} · {_daypart_phrase(context.cell)}"
        return reason
    if kind == KIND_INSTEAD:
        old = context.name(a)
        if old:
            return _("Closest to the %(dish)s they used to order, now off the menu") % {
                "dish": old
            }
        return _("Closest to a dish they used to order, now off the menu")
    if kind == KIND_WITH and context.name(a):
        return _("Guests who love the %(dish)s often take this") % {
            "dish": context.name(a)
        }
    return _("One of our guests' favourites")


# ---------------------------------------------------------------------------
# Per member and per table.


@dataclass(frozen=True)
class MemberSuggestionsView:
    member_id: int
    first_name: str
    is_personal: bool
    usual: list[Pick]
    suggestions: list[Pick]


def _member_view(
    context: _Context,
    *,
    member: Member,
    stored: dict | None,
    is_personal: bool,
    ordered: set[int],
) -> MemberSuggestionsView:
    """Choose one member's usual and suggestions; `ordered` is what they
    already have in their cart or orders this visit."""
    rules = diet_rules(member.diet_notes)
    if not is_personal or stored is None:
        popular = _popular_picks(
            context, rules=rules, skip=ordered, count=SUGGESTIONS_MIN
        )
        return MemberSuggestionsView(
            member_id=member.pk,
            first_name=member.first_name,
            is_personal=is_personal,
            usual=[],
            suggestions=popular,
        )
    usual = [
        context.pick(
            item_id,
            reason=_repeat_reason(times, of_last),
            kind=KIND_REPEAT,
            placement=SuggestionPlacement.USUAL,
        )
        for item_id, times, of_last in stored.get("usual", [])
        if item_id not in ordered and context.is_safe(item_id, rules)
    ][:USUAL_SHOWN]
    taken = ordered | {p.item_id for p in usual}
    fit = context.fit
    index = fit.index() if fit is not None else {}
    scored = []
    for item_id, score, kind, a, b in stored.get("ranked", []):
        if item_id in taken or not context.is_safe(item_id, rules):
            continue
        position = index.get(item_id)
        lift, by_daypart = 1.0, False
        if position is not None and fit is not None:
            lift = float(fit.rank_lift[position, context.cell])
            # "Popular at lunch" speaks of all guests, so it is judged on
            # every order, not only members'.
            by_daypart = context.daypart_lift(position) >= NOTABLE_LIFT
        scored.append((score * lift, item_id, kind, a, b, by_daypart))
    scored.sort(key=lambda entry: (-entry[0], entry[1]))
    picks: list[Pick] = []
    for rank, (score, item_id, kind, a, b, by_daypart) in enumerate(scored):
        if rank >= SUGGESTIONS_MIN and score < EXTRA_SUGGESTION_CHANCE:
            break
        if len(picks) >= SUGGESTIONS_MAX:
            break
        picks.append(
            context.pick(
                item_id,
                reason=_entry_reason(context, kind, a, b, by_daypart=by_daypart),
                kind=kind,
                placement=SuggestionPlacement.PERSONAL,
            )
        )
    new = _new_dish(context, stored=stored, rules=rules, skip=taken)
    if new is not None:
        # One new dish from a section they order from, in third place.
        picks = [p for p in picks if p.item_id != new.item_id]
        picks.insert(min(2, len(picks)), new)
        picks = picks[:SUGGESTIONS_MAX]
    if len(picks) < SUGGESTIONS_MIN:
        picks += _popular_picks(
            context,
            rules=rules,
            skip=taken | {p.item_id for p in picks},
            count=SUGGESTIONS_MIN - len(picks),
        )
    return MemberSuggestionsView(
        member_id=member.pk,
        first_name=member.first_name,
        is_personal=True,
        usual=usual,
        suggestions=picks,
    )


def _new_dish(
    context: _Context, *, stored: dict, rules: tuple[DietRule, ...], skip: set[int]
) -> Pick | None:
    """Return a dish added since the fit in a section the member orders from."""
    sections = stored.get("sections") or []
    if not sections or context.fit is None:
        return None
    newest = context.fit.newest_item_id
    for section in sections:
        for item_id in sorted(context.orderable):
            dish = context.dishes[item_id]
            if (
                dish.category_id == section
                and item_id > newest
                and item_id not in skip
                and context.is_safe(item_id, rules)
            ):
                return context.pick(
                    item_id,
                    reason=_("New on the menu, from a section they often order from"),
                    kind="new",
                    placement=SuggestionPlacement.PERSONAL,
                )
    return None


def _pairings(context: _Context, *, items: set[int]) -> list[Pick]:
    """Return a few orderable dishes that go with `items` (none without items)."""
    if not items or context.fit is None:
        return []
    allowed = context.orderable - items
    found = pairings_for(
        model=context.fit.pairing,
        item_ids=sorted(items),
        now=context.local,
        k=PAIRINGS_SHOWN * 2,
        allowed=allowed,
    )
    picks = []
    for suggestion in found:
        reason = suggestion.reason
        if reason.get("kind") != "pairing" or float(reason["lift"]) < PAIRING_MIN_LIFT:
            continue
        partner = context.name(int(reason["with_item"]))
        picks.append(
            context.pick(
                suggestion.item_id,
                reason=_("Guests who have the %(dish)s often take this")
                % {"dish": partner},
                kind="pairing",
                placement=SuggestionPlacement.PAIRING,
            )
        )
        if len(picks) >= PAIRINGS_SHOWN:
            break
    return picks


def _latest_personalisation_answer() -> Subquery:
    """Annotate a member's latest personalisation answer (None: never asked)."""
    return Subquery(
        Consent.objects.filter(
            member_id=OuterRef("member_id"), purpose=ConsentPurpose.PERSONALISATION
        )
        .order_by("-recorded_at", "-id")
        .values("is_granted")[:1]
    )


def _personalisation_consents(member_ids: list[int]) -> set[int]:
    """Return which of these members' latest personalisation answer is yes."""
    latest: dict[int, bool] = {}
    for member_id, granted in (
        Consent.objects.filter(
            member_id__in=member_ids, purpose=ConsentPurpose.PERSONALISATION
        )
        .order_by("recorded_at", "id")
        .values_list("member_id", "is_granted")
    ):
        latest[member_id] = granted
    return {member_id for member_id, granted in latest.items() if granted}


def _stored(member_ids: set[int]) -> dict[int, dict]:
    if not member_ids:
        return {}
    return dict(
        MemberSuggestions.objects.filter(member_id__in=member_ids).values_list(
            "member_id", "data"
        )
    )


def _session_lines_query(table_session_id: int):
    lines = (
        OrderLine.objects.filter(
            order__status__in=[OrderStatus.DRAFT, *PLACED_STATUSES],
            menu_item_id__isnull=False,
            voided_at__isnull=True,
        )
        .exclude(status=LineStatus.CANCELLED)
        .order_by()
    )
    columns = (
        "menu_item_id",
        "order__guest__identification__member_id",
        "order__guest_id",
    )
    # Two indexed halves in one round trip: an OR of the two conditions makes
    # PostgreSQL scan every order line instead.
    own = lines.filter(order__table_session_id=table_session_id)
    merged = lines.filter(order__table_session__merged_into_id=table_session_id)
    return (
        own.values_list(*columns)
        .union(merged.values_list(*columns), all=True)
        .order_by()
    )


_SESSION_LINES = _Prepared(_session_lines_query)


def _session_lines(session: TableSession) -> list[tuple[int, int | None, int | None]]:
    """Return (dish, member, guest) for every live line of the visit: carts
    and placed orders, this table and tables merged into it."""
    return _SESSION_LINES.rows(session.pk)


def _members_query(table_session_id: int):
    return (
        Identification.objects.filter(
            guest__table_session_id=table_session_id, member__erased_at__isnull=True
        )
        .annotate(
            is_personal=_latest_personalisation_answer(),
            stored=Subquery(
                MemberSuggestions.objects.filter(
                    member_id=OuterRef("member_id")
                ).values("data")[:1],
                output_field=JSONField(),
            ),
        )
        .order_by("identified_at", "id")
        .values_list(
            "member_id",
            "member__first_name",
            "member__diet_notes",
            "is_personal",
            "stored",
        )
    )


_MEMBERS = _Prepared(_members_query)


@dataclass(frozen=True)
class TableSuggestions:
    members: list[MemberSuggestionsView]
    pairings: list[Pick]

    def shown(self) -> list[tuple[int | None, Pick]]:
        """Return (member id or None for the table, pick) for the recorder."""
        rows: list[tuple[int | None, Pick]] = []
        for member in self.members:
            rows += [(member.member_id, p) for p in member.usual + member.suggestions]
        rows += [(None, p) for p in self.pairings]
        return rows


def table_suggestions(
    *,
    table_session: TableSession,
    lang: str | None = None,
    now: datetime.datetime | None = None,
) -> TableSuggestions:
    """Return what the waiter's tablet suggests at a table right now.

    `table_session` comes with its restaurant loaded. Each identified member
    (erased ones left out) gets the usual and 3-5 suggestions; the table
    gets pairings for what is in its carts and orders.
    """
    members: dict[int, Member] = {}
    consenting: set[int] = set()
    stored: dict[int, dict] = {}
    identified, availability, lines = _rows_together(
        (_MEMBERS, table_session.pk),
        (_AVAILABILITY, table_session.restaurant_id),
        (_SESSION_LINES, table_session.pk),
    )
    for member_id, first_name, notes, is_personal, data in identified:
        if member_id in members:
            continue
        members[member_id] = Member(
            id=member_id, first_name=first_name, diet_notes=notes
        )
        if is_personal:
            consenting.add(member_id)
            if data is not None:
                # Raw rows: PostgreSQL's driver may hand JSON over as text.
                stored[member_id] = json.loads(data) if isinstance(data, str) else data
    context = _context(
        table_session.restaurant, lang=lang, now=now, availability=availability
    )
    views = [
        _member_view(
            context,
            member=member,
            stored=stored.get(member_id),
            is_personal=member_id in consenting,
            ordered={item for item, owner, _guest in lines if owner == member_id},
        )
        for member_id, member in members.items()
    ]
    return TableSuggestions(
        members=views,
        pairings=_pairings(context, items={item for item, _m, _g in lines}),
    )


@dataclass(frozen=True)
class GuestSuggestions:
    is_personal: bool
    usual: list[Pick]
    pairings: list[Pick]
    more: list[Pick]  # popular dishes; personal picks when there is nothing else

    def shown(self) -> list[Pick]:
        return self.usual + self.pairings + self.more


def guest_suggestions(
    *,
    table_session: TableSession,
    guest_id: int,
    member: Member | None,
    lang: str | None = None,
    now: datetime.datetime | None = None,
) -> GuestSuggestions:
    """Return what a guest's phone suggests in their cart.

    With the member's personalisation consent: "your usual?" and what goes
    with their cart. Without (or without a member): popular dishes only.
    """
    context = _context(table_session.restaurant, lang=lang, now=now)
    is_personal = (
        member is not None
        and member.restaurant_id == table_session.restaurant_id
        and member.pk in _personalisation_consents([member.pk])
    )
    rules = diet_rules(member.diet_notes) if member is not None else ()
    mine = {
        item for item, _m, guest in _session_lines(table_session) if guest == guest_id
    }
    if not is_personal or member is None:
        return GuestSuggestions(
            is_personal=False,
            usual=[],
            pairings=[],
            more=_popular_picks(context, rules=rules, skip=mine, count=SUGGESTIONS_MIN),
        )
    view = _member_view(
        context,
        member=member,
        stored=_stored({member.pk}).get(member.pk),
        is_personal=True,
        ordered=mine,
    )
    pairings = [
        p for p in _pairings(context, items=mine) if context.is_safe(p.item_id, rules)
    ]
    return GuestSuggestions(
        is_personal=True,
        usual=view.usual,
        pairings=pairings,
        more=[] if view.usual or pairings else view.suggestions[:SUGGESTIONS_MIN],
    )
