"""Reads for the back office's menu pages: the whole menu as a manager
sees it (hidden categories too), translation gaps, station choices."""

from dataclasses import dataclass, field

from django.db.models import Model, Prefetch

from kitchen.selectors import station_list
from ordering.models import MenuCategory, MenuItem, ModifierGroup, Restaurant
from ordering.services.menu_admin import missing_languages, rate_label


@dataclass
class TranslationGaps:
    """Which texts lack a translation, per row, and how many in all."""

    languages: list[str]
    by_row: dict[tuple[str, int], list[str]] = field(default_factory=dict)

    def note(self, kind: str, obj: Model, fields: tuple[str, ...]) -> list[str]:
        missing = missing_languages(obj, languages=self.languages, fields=fields)
        if missing:
            self.by_row[(kind, obj.pk)] = missing
        return missing

    @property
    def count(self) -> int:
        return sum(len(langs) for langs in self.by_row.values())


def menu_admin_overview(*, restaurant: Restaurant) -> dict:
    """Return every category (shown or hidden) with its dishes and their
    groups of choices, the restaurant's groups, and the translation gaps."""
    items = MenuItem.objects.order_by("position", "id").prefetch_related(
        "modifier_groups"
    )
    categories = list(
        MenuCategory.objects.filter(restaurant=restaurant)
        .order_by("position", "id")
        .prefetch_related(Prefetch("items", queryset=items))
    )
    groups = list(
        ModifierGroup.objects.filter(restaurant=restaurant)
        .order_by("position", "id")
        .prefetch_related("modifiers", "items")
    )
    gaps = TranslationGaps(languages=list(restaurant.languages))
    # What the page shows beside each row, set on the rows for the template.
    for category in categories:
        category.missing = gaps.note("category", category, ("name",))  # type: ignore[attr-defined]
        for item in category.items.all():
            item.missing = gaps.note("item", item, ("name", "description"))  # type: ignore[attr-defined]
            item.vat_label = rate_label(item.vat_rate_bp)  # type: ignore[attr-defined]
    for group in groups:
        total = len(gaps.note("group", group, ("name",)))
        for modifier in group.modifiers.all():
            total += len(gaps.note("modifier", modifier, ("name",)))
        group.missing_total = total  # type: ignore[attr-defined]
    return {"categories": categories, "groups": groups, "gaps": gaps}


def station_choices(*, restaurant_id: int, current: str | None = None) -> list:
    """Return (code, label) for the kitchen's stations, plus codes dishes
    already use (a station may be set up after its dishes)."""
    stations = station_list(restaurant_id=restaurant_id)
    choices = [(station["code"], station["name"]) for station in stations]
    known = {code for code, _label in choices}
    used = (
        MenuItem.objects.filter(restaurant_id=restaurant_id)
        .values_list("station", flat=True)
        .distinct()
    )
    extra = {*used, *([current] if current else [])} - known
    if not choices and not extra:
        extra = {"kitchen"}  # the model's default
    choices.extend((code, code) for code in sorted(extra))
    return choices
