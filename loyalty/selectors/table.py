"""The members identified at a table, as the waiter's tablet shows them."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from loyalty.models import ConsentPurpose, Identification
from loyalty.selectors.members import consents_current, program_get
from loyalty.selectors.points import tier_for_member
from loyalty.selectors.visits import _visit_lines, usual_order


@dataclass(frozen=True)
class MemberAtTable:
    """What a waiter's tablet shows about a member at one of their tables."""

    member_id: int
    guest_id: int
    first_name: str
    tier: str
    visits: int
    usual_order: list[str]  # empty without the member's personalisation consent
    diet_notes: str
    is_birthday_week: bool


def _is_birthday_week(birthday: datetime.date | None, today: datetime.date) -> bool:
    if birthday is None:
        return False
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            day = birthday.replace(year=year)
        except ValueError:  # 29 February in a common year
            day = datetime.date(year, 2, 28)
        if abs((day - today).days) <= 3:
            return True
    return False


def members_at_table(
    *, table_session_id: int, lang: str | None = None
) -> list[MemberAtTable]:
    """Return the members identified at a table session, first identified first."""
    identifications = (
        Identification.objects.filter(
            guest__table_session_id=table_session_id, member__erased_at__isnull=True
        )
        .select_related("member__restaurant", "guest")
        .order_by("identified_at", "id")
    )
    result: list[MemberAtTable] = []
    seen: set[int] = set()
    for identification in identifications:
        member = identification.member
        if member.pk in seen:
            continue
        seen.add(member.pk)
        result.append(_member_at_table(identification, lang=lang))
    return result


def member_at_table(*, guest_id: int, lang: str | None = None) -> MemberAtTable | None:
    """Return the member identified on one guest's phone, if any."""
    identification = (
        Identification.objects.filter(guest_id=guest_id, member__erased_at__isnull=True)
        .select_related("member__restaurant", "guest")
        .first()
    )
    return _member_at_table(identification, lang=lang) if identification else None


def _member_at_table(identification: Identification, *, lang: str | None):
    member = identification.member
    program = program_get(restaurant_id=member.restaurant_id)
    tier = tier_for_member(member_id=member.pk, program=program) if program else None
    consents = consents_current(member_id=member.pk)
    visits = (
        _visit_lines([member.pk])
        .values_list("order__table_session_id", flat=True)
        .distinct()
        .count()
    )
    today = timezone.localdate(timezone=member.restaurant.tzinfo)
    return MemberAtTable(
        member_id=member.pk,
        guest_id=identification.guest_id,
        first_name=member.first_name,
        tier=tier.tr("name", lang) if tier else "",
        visits=visits,
        usual_order=(
            usual_order(member_id=member.pk, lang=lang)
            if consents[ConsentPurpose.PERSONALISATION]
            else []
        ),
        diet_notes=member.diet_notes,
        is_birthday_week=_is_birthday_week(member.birthday, today),
    )
