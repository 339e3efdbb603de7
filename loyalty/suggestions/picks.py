"""The rules that pick one member's usual, suggestions and pairings."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from loyalty.models import Member, SuggestionPlacement
from loyalty.recommendations import pairings_for
from loyalty.recommendations.items import NOTABLE_LIFT
from loyalty.suggestions.context import Pick, _Context
from loyalty.suggestions.diets import DietRule, diet_rules
from loyalty.suggestions.reasons import _daypart_phrase, _entry_reason, _repeat_reason
from loyalty.suggestions_fit import KIND_POPULAR, KIND_REPEAT

USUAL_SHOWN = 2
SUGGESTIONS_MIN = 3
SUGGESTIONS_MAX = 5
# A 4th or 5th suggestion only when the model thinks it likely: the seeds
# warn that a long list of upsells puts guests off.
EXTRA_SUGGESTION_CHANCE = 0.2
PAIRINGS_SHOWN = 3
PAIRING_MIN_LIFT = 1.2


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
