"""Awarding badges from a member's visits."""

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from loyalty.models import Badge, Member
from loyalty.play import BadgeEarned, badges_earned
from loyalty.selectors import member_visits
from ordering.models import MenuItem
from ordering.translation import MENU_LANGUAGES


def badge_label(badge: BadgeEarned) -> dict[str, str]:
    """Return a badge's text in every guest language."""
    labels = {}
    for lang in MENU_LANGUAGES:
        with translation.override(lang):
            if badge.code == "first_visit":
                text = _("First visit")
            elif badge.code == "visits_10":
                text = _("Ten visits")
            elif badge.code == "streak_4_weeks":
                text = _("Four weeks in a row")
            else:
                names = badge.subject or {}
                name = names.get(lang) or names.get("fi") or ""
                text = _("Tried everything in %(category)s") % {"category": name}
        labels[lang] = text
    return labels


def _categories(restaurant_id: int) -> dict[int, tuple[dict[str, str], set[int]]]:
    categories: dict[int, tuple[dict[str, str], set[int]]] = {}
    for item in MenuItem.objects.filter(
        restaurant_id=restaurant_id, is_available=True, category__is_active=True
    ).select_related("category"):
        entry = categories.setdefault(
            item.category_id, (item.category.texts("name"), set())
        )
        entry[1].add(item.pk)
    return categories


def badges_award(*, member_id: int) -> list[str]:
    """Award the badges the member's visits have earned; return the new codes."""
    member = Member.objects.select_related("restaurant").get(pk=member_id)
    visits = member_visits(member_ids=[member.pk], tz=member.restaurant.tzinfo).get(
        member.pk, []
    )
    tried = {item_id for visit in visits for item_id in visit.item_ids}
    earned = badges_earned(
        visit_days=[visit.day for visit in visits],
        tried_item_ids=tried,
        categories=_categories(member.restaurant_id),
    )
    have = set(Badge.objects.filter(member=member).values_list("code", flat=True))
    new = []
    for badge in earned:
        if badge.code in have:
            continue
        row = Badge(member=member, code=badge.code, label=badge_label(badge))
        row.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            continue  # awarded a moment ago by a concurrent visit
        new.append(badge.code)
    return new
