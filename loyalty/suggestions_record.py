"""Which suggestions were shown and taken, and the rate a manager sees."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from loyalty.models import (
    Identification,
    ShownSuggestion,
    SuggestionChannel,
    SuggestionPlacement,
)
from loyalty.suggestions import Pick
from ordering.exceptions import DomainError, NotFoundError
from ordering.models import MenuItem, TableSession

# Longer than any visit: a table's shown dishes are remembered this long.
SHOWN_MEMORY_SECONDS = 8 * 3600


def suggestions_shown_record(
    *,
    table_session: TableSession,
    channel: str,
    shown: Iterable[tuple[int | None, Pick]],
    now: datetime.datetime | None = None,
) -> None:
    """Record dishes shown at a table (one insert, or none).

    Showing the same dish to the same member (or the table) on the same
    screen again during the visit is not counted again. A tablet asks every
    few seconds, so what was recorded is remembered in the cache and a
    repeat costs no write; a lost cache only means a no-op insert.
    """
    now = now or timezone.now()
    shown = list(shown)
    key = f"suggestions-shown:{channel}:{table_session.pk}"
    pairs = {(member_id or 0, pick.item_id) for member_id, pick in shown}
    recorded = cache.get(key) or set()
    if pairs <= recorded:
        return
    rows = [
        ShownSuggestion(
            restaurant_id=table_session.restaurant_id,
            table_session_id=table_session.pk,
            member_id=member_id,
            menu_item_id=pick.item_id,
            channel=channel,
            placement=pick.placement,
            reason_kind=pick.reason_kind[:20],
            shown_at=now,
        )
        for member_id, pick in shown
    ]
    ShownSuggestion.objects.bulk_create(rows, ignore_conflicts=True)
    cache.set(key, recorded | pairs, SHOWN_MEMORY_SECONDS)


class SuggestionInputError(DomainError):
    code = "suggestion_invalid"


def suggestion_accept(
    *,
    table_session: TableSession,
    menu_item_id: int,
    member_id: int | None,
    channel: str,
    user=None,
    now: datetime.datetime | None = None,
) -> ShownSuggestion:
    """Record that a suggested dish was taken (idempotent).

    The dish must be the table's restaurant's, and a member named by staff
    identified at this table. A dish taken that was never recorded as shown (a tablet
    showing an older list) is recorded as shown and taken at once.
    """
    now = now or timezone.now()
    if not MenuItem.objects.filter(
        pk=menu_item_id, restaurant_id=table_session.restaurant_id
    ).exists():
        raise NotFoundError(_("There is no such dish on this restaurant's menu."))
    # Staff name a member; a phone's member comes from its own token.
    if (
        member_id is not None
        and channel == SuggestionChannel.STAFF
        and not Identification.objects.filter(
            guest__table_session_id=table_session.pk,
            member_id=member_id,
            member__erased_at__isnull=True,
        ).exists()
    ):
        raise SuggestionInputError(
            _("That member is not identified at this table."),
            extra={"member_id": member_id},
        )
    # A pairing for the whole table has no member (NULL, not an id).
    row, _created = ShownSuggestion.objects.get_or_create(
        table_session_id=table_session.pk,
        member_id=member_id,  # type: ignore[misc]
        menu_item_id=menu_item_id,
        channel=channel,
        defaults={
            "restaurant_id": table_session.restaurant_id,
            "placement": (
                SuggestionPlacement.PERSONAL
                if member_id is not None
                else SuggestionPlacement.PAIRING
            ),
            "shown_at": now,
        },
    )
    if row.accepted_at is None:
        row.accepted_at = now
        row.accepted_by = user if user is not None and user.is_authenticated else None
        row.save(update_fields=["accepted_at", "accepted_by"])
    return row


@dataclass(frozen=True)
class AcceptanceRate:
    shown: int
    accepted: int
    by_placement: dict[str, tuple[int, int]]  # placement -> (shown, accepted)
    by_channel: dict[str, tuple[int, int]]

    @property
    def rate(self) -> float:
        return self.accepted / self.shown if self.shown else 0.0


def suggestion_acceptance_rate(
    *,
    restaurant_id: int,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> AcceptanceRate:
    """Return how many suggested dishes were shown and taken, overall and by
    where they were shown (the usual, personal, pairing, popular; tablet or
    phone)."""
    rows = ShownSuggestion.objects.filter(restaurant_id=restaurant_id)
    if since is not None:
        rows = rows.filter(shown_at__gte=since)
    if until is not None:
        rows = rows.filter(shown_at__lt=until)
    taken = Count("id", filter=Q(accepted_at__isnull=False))
    by_placement = {
        row["placement"]: (row["shown"], row["accepted"])
        for row in rows.values("placement").annotate(shown=Count("id"), accepted=taken)
    }
    by_channel = {
        row["channel"]: (row["shown"], row["accepted"])
        for row in rows.values("channel").annotate(shown=Count("id"), accepted=taken)
    }
    return AcceptanceRate(
        shown=sum(shown for shown, _a in by_placement.values()),
        accepted=sum(accepted for _s, accepted in by_placement.values()),
        by_placement={
            placement: by_placement.get(placement, (0, 0))
            for placement in SuggestionPlacement.values
        },
        by_channel={
            channel: by_channel.get(channel, (0, 0))
            for channel in SuggestionChannel.values
        },
    )
