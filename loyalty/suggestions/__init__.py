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

from loyalty.suggestions.context import Pick
from loyalty.suggestions.diets import DietRule, diet_rules
from loyalty.suggestions.menu import FIT_CHECK_SECONDS, Dish

# The per-process menu and fit copies, which tests clear between cases.
from loyalty.suggestions.menu import _dishes as _dishes
from loyalty.suggestions.menu import _fits as _fits
from loyalty.suggestions.picks import (
    EXTRA_SUGGESTION_CHANCE,
    PAIRING_MIN_LIFT,
    PAIRINGS_SHOWN,
    SUGGESTIONS_MAX,
    SUGGESTIONS_MIN,
    USUAL_SHOWN,
    MemberSuggestionsView,
)
from loyalty.suggestions.table import (
    GuestSuggestions,
    TableSuggestions,
    guest_suggestions,
    table_suggestions,
)

__all__ = [
    "DietRule",
    "Dish",
    "EXTRA_SUGGESTION_CHANCE",
    "FIT_CHECK_SECONDS",
    "GuestSuggestions",
    "MemberSuggestionsView",
    "PAIRINGS_SHOWN",
    "PAIRING_MIN_LIFT",
    "Pick",
    "SUGGESTIONS_MAX",
    "SUGGESTIONS_MIN",
    "TableSuggestions",
    "USUAL_SHOWN",
    "diet_rules",
    "guest_suggestions",
    "table_suggestions",
]
