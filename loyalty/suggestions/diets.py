"""Allergies and diets read from a member's notes, and the dishes they rule out."""

import re
from dataclasses import dataclass

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
