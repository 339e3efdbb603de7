"""Suggestions for a whole table and for one guest's phone, from a few rows read."""

import datetime
import json
from dataclasses import dataclass

from django.db.models import JSONField, OuterRef, Subquery

from loyalty.models import (
    Consent,
    ConsentPurpose,
    Identification,
    Member,
    MemberSuggestions,
)
from loyalty.suggestions.context import Pick, _context
from loyalty.suggestions.diets import diet_rules
from loyalty.suggestions.menu import _AVAILABILITY, _Prepared, _rows_together
from loyalty.suggestions.picks import (
    SUGGESTIONS_MIN,
    MemberSuggestionsView,
    _member_view,
    _pairings,
    _popular_picks,
)
from ordering.models import (
    PLACED_STATUSES,
    LineStatus,
    OrderLine,
    OrderStatus,
    TableSession,
)


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
