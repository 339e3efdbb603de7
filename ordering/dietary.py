"""Allergens and diets: the fixed vocabularies menus are tagged with.

Allergens are the fourteen of EU Regulation 1169/2011, Annex II. Codes are
stable identifiers stored in the database and sent to clients; labels are
translated at display time.
"""

from django.utils.translation import gettext_lazy as _

ALLERGENS: dict[str, object] = {
    "gluten": _("Cereals containing gluten"),
    "crustaceans": _("Crustaceans"),
    "eggs": _("Eggs"),
    "fish": _("Fish"),
    "peanuts": _("Peanuts"),
    "soybeans": _("Soybeans"),
    "milk": _("Milk"),
    "nuts": _("Tree nuts"),
    "celery": _("Celery"),
    "mustard": _("Mustard"),
    "sesame": _("Sesame"),
    "sulphites": _("Sulphur dioxide and sulphites"),
    "lupin": _("Lupin"),
    "molluscs": _("Molluscs"),
}

DIETS: dict[str, object] = {
    "vegan": _("Vegan"),
    "vegetarian": _("Vegetarian"),
    "lactose_free": _("Lactose free"),
    "gluten_free": _("Gluten free"),
    "milk_free": _("Milk free"),
    "alcohol_free": _("Alcohol free"),
}

# Short labels Finnish menus print beside a dish (L = lactose free, G = gluten
# free, M = milk free, VE = vegan, VL = vegetarian).
DIET_MARKS = {
    "vegan": "VE",
    "vegetarian": "VL",
    "lactose_free": "L",
    "gluten_free": "G",
    "milk_free": "M",
}


def unknown_codes(codes: list[str], vocabulary: dict[str, object]) -> list[str]:
    return sorted(set(codes) - set(vocabulary))
