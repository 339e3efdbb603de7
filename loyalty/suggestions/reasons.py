"""The reasons shown with a suggested dish, in words."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loyalty.suggestions.context import _Context
from loyalty.suggestions_fit import KIND_INSTEAD, KIND_REPEAT, KIND_WITH

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
