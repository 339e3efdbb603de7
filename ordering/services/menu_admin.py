"""The back office's menu edits: categories, dishes, choices and photos.

Every write here ends by telling the menu it changed (`menu_changed`, or
`menu_items_changed` when a dish's availability moved) inside its
transaction, so cached guest menus retire and open menus update once the
change is committed. Callers have already checked that the person may run
`restaurant_id`; every lookup is still scoped to it, so an id from another
restaurant is simply not found.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max, Model, QuerySet
from django.utils.translation import gettext_lazy as _

from ordering.exceptions import DomainError, NotFoundError
from ordering.models import MenuCategory, MenuItem, Modifier, ModifierGroup
from ordering.services.menu import (
    menu_changed,
    menu_item_availability_set,
    menu_items_changed,
)
from ordering.translation import MENU_LANGUAGES


class MenuEditError(DomainError):
    code = "menu_edit"


def vat_rate_parse(text: str, *, allowed_bp: list[int]) -> int:
    """Return a VAT percentage ("13,5", "13.5 %") as basis points, if allowed."""
    cleaned = re.sub(r"[\s\u00a0%]", "", text or "").replace(",", ".")
    match = re.fullmatch(r"(\d{1,3})(?:\.(\d{1,2}))?", cleaned)
    rate = int(match[1]) * 100 + int((match[2] or "").ljust(2, "0")) if match else None
    if rate is None or rate not in allowed_bp:
        raise ValidationError(
            _("VAT “%(value)s” is not one of this restaurant's rates (%(rates)s)."),
            code="invalid",
            params={
                "value": (text or "").strip(),
                "rates": ", ".join(rate_label(bp) for bp in allowed_bp),
            },
        )
    return rate


def rate_label(rate_bp: int) -> str:
    """Return 1350 as "13.5 %" and 2550 as "25.5 %"."""
    whole, rest = divmod(rate_bp, 100)
    return f"{whole}.{rest:02d}".rstrip("0").rstrip(".") + " %"


# --- Translations -------------------------------------------------------


def missing_languages(
    obj: Model, *, languages: list[str], fields: tuple[str, ...] = ("name",)
) -> list[str]:
    """Return the restaurant's languages in which `obj` lacks a text.

    A description counts only when some language has one: a dish may have
    none at all, but not a Finnish one without its Swedish and English.
    """
    missing = []
    for lang in languages:
        for name in fields:
            values = [getattr(obj, f"{name}_{code}", "") for code in MENU_LANGUAGES]
            if any(values) and not getattr(obj, f"{name}_{lang}", ""):
                missing.append(lang)
                break
    return missing


# --- Inputs -------------------------------------------------------------


@dataclass(frozen=True)
class CategoryInput:
    name_fi: str
    name_sv: str = ""
    name_en: str = ""
    available_from: datetime.time | None = None
    available_until: datetime.time | None = None
    is_active: bool = True


@dataclass(frozen=True)
class ItemInput:
    category_id: int
    name_fi: str
    price_minor: int
    vat_rate_bp: int
    name_sv: str = ""
    name_en: str = ""
    description_fi: str = ""
    description_sv: str = ""
    description_en: str = ""
    station: str = "kitchen"
    course: int = 1
    allergens: list[str] = field(default_factory=list)
    diets: list[str] = field(default_factory=list)
    available_from: datetime.time | None = None
    available_until: datetime.time | None = None


@dataclass(frozen=True)
class GroupInput:
    name_fi: str
    name_sv: str = ""
    name_en: str = ""
    min_choices: int = 0
    max_choices: int = 1


@dataclass(frozen=True)
class ModifierInput:
    """One row of a group's choices; `id` None adds one, `delete` removes it."""

    name_fi: str
    id: int | None = None
    name_sv: str = ""
    name_en: str = ""
    price_delta_minor: int = 0
    is_default: bool = False
    is_available: bool = True
    allergens: list[str] = field(default_factory=list)
    delete: bool = False


def _assign(obj: Model, data: Any) -> None:
    for name, value in vars(data).items():
        setattr(obj, name, value)


def _next_position(queryset: QuerySet) -> int:
    top = queryset.aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def _category(*, restaurant_id: int, category_id: int, lock: bool = False):
    queryset = MenuCategory.objects.filter(restaurant_id=restaurant_id)
    if lock:
        queryset = queryset.select_for_update()
    category = queryset.filter(pk=category_id).first()
    if category is None:
        raise NotFoundError()
    return category


def find_item(*, restaurant_id: int, item_id: int, lock: bool = False) -> MenuItem:
    queryset = MenuItem.objects.filter(restaurant_id=restaurant_id)
    if lock:
        queryset = queryset.select_for_update()
    item = queryset.filter(pk=item_id).first()
    if item is None:
        raise NotFoundError()
    return item


def _group(*, restaurant_id: int, group_id: int, lock: bool = False) -> ModifierGroup:
    queryset = ModifierGroup.objects.filter(restaurant_id=restaurant_id)
    if lock:
        queryset = queryset.select_for_update()
    group = queryset.filter(pk=group_id).first()
    if group is None:
        raise NotFoundError()
    return group


# --- Categories ---------------------------------------------------------


@transaction.atomic
def category_create(*, restaurant_id: int, data: CategoryInput) -> MenuCategory:
    """Add a category at the end of the menu."""
    category = MenuCategory(restaurant_id=restaurant_id)
    _assign(category, data)
    category.position = _next_position(
        MenuCategory.objects.filter(restaurant_id=restaurant_id)
    )
    category.full_clean()
    category.save()
    menu_changed(restaurant_id=restaurant_id)
    return category


@transaction.atomic
def category_update(
    *, restaurant_id: int, category_id: int, data: CategoryInput
) -> MenuCategory:
    category = _category(
        restaurant_id=restaurant_id, category_id=category_id, lock=True
    )
    _assign(category, data)
    category.full_clean()
    category.save(update_fields=list(vars(data)))
    menu_changed(restaurant_id=restaurant_id)
    return category


@transaction.atomic
def category_delete(*, restaurant_id: int, category_id: int) -> None:
    """Remove an empty category; one with dishes is refused, dishes are never
    deleted in passing."""
    category = _category(
        restaurant_id=restaurant_id, category_id=category_id, lock=True
    )
    count = category.items.count()
    if count:
        raise MenuEditError(
            _("Move or delete the %(count)d dishes in “%(name)s” before deleting it.")
            % {"count": count, "name": category.name_fi},
            code="category_not_empty",
        )
    category.delete()
    menu_changed(restaurant_id=restaurant_id)


# --- Order --------------------------------------------------------------


def _siblings(*, restaurant_id: int, kind: str, obj_id: int) -> QuerySet:
    """Return the rows `obj_id` is ordered among, locked, in their order."""
    queryset: QuerySet
    if kind == "category":
        _category(restaurant_id=restaurant_id, category_id=obj_id)
        queryset = MenuCategory.objects.filter(restaurant_id=restaurant_id)
    elif kind == "item":
        item = find_item(restaurant_id=restaurant_id, item_id=obj_id)
        queryset = MenuItem.objects.filter(
            restaurant_id=restaurant_id, category_id=item.category_id
        )
    else:
        raise NotFoundError()
    return queryset.select_for_update().order_by("position", "id")


def _renumber(rows: list, model: type[Model]) -> None:
    changed = []
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            changed.append(row)
    model._default_manager.bulk_update(changed, ["position"])


@transaction.atomic
def menu_reorder(*, restaurant_id: int, kind: str, ordered_ids: list[int]) -> None:
    """Put categories, or the dishes of one category, in the given order.

    `ordered_ids` must name every sibling exactly once: a list from a page
    that went stale (someone added a dish meanwhile) is refused rather than
    guessed at.
    """
    if not ordered_ids:
        raise MenuEditError(_("Nothing to put in order."), code="reorder_empty")
    rows = list(
        _siblings(restaurant_id=restaurant_id, kind=kind, obj_id=ordered_ids[0])
    )
    by_id = {row.pk: row for row in rows}
    if sorted(ordered_ids) != sorted(by_id):
        raise MenuEditError(
            _("The menu changed meanwhile. Reload the page and try again."),
            code="reorder_stale",
        )
    _renumber([by_id[pk] for pk in ordered_ids], type(rows[0]))
    menu_changed(restaurant_id=restaurant_id)


@transaction.atomic
def menu_move(*, restaurant_id: int, kind: str, obj_id: int, step: int) -> None:
    """Move a category or a dish one place up (step -1) or down (step 1)."""
    rows = list(_siblings(restaurant_id=restaurant_id, kind=kind, obj_id=obj_id))
    index = next(i for i, row in enumerate(rows) if row.pk == obj_id)
    target = index + (1 if step > 0 else -1)
    if 0 <= target < len(rows):
        rows[index], rows[target] = rows[target], rows[index]
    _renumber(rows, type(rows[0]))
    menu_changed(restaurant_id=restaurant_id)


# --- Dishes -------------------------------------------------------------


def _check_category(*, restaurant_id: int, category_id: int) -> None:
    if not MenuCategory.objects.filter(
        pk=category_id, restaurant_id=restaurant_id
    ).exists():
        raise ValidationError({"category": _("Choose one of this menu's categories.")})


@transaction.atomic
def item_create(*, restaurant_id: int, data: ItemInput) -> MenuItem:
    """Add a dish at the end of its category."""
    _check_category(restaurant_id=restaurant_id, category_id=data.category_id)
    item = MenuItem(restaurant_id=restaurant_id)
    _assign(item, data)
    item.position = _next_position(
        MenuItem.objects.filter(category_id=data.category_id)
    )
    item.full_clean()
    item.save()
    menu_items_changed(restaurant_id=restaurant_id, item_ids=[item.pk])
    return item


@transaction.atomic
def item_update(*, restaurant_id: int, item_id: int, data: ItemInput) -> MenuItem:
    """Change a dish; moved to another category, it goes to that one's end."""
    _check_category(restaurant_id=restaurant_id, category_id=data.category_id)
    item = find_item(restaurant_id=restaurant_id, item_id=item_id, lock=True)
    fields = list(vars(data))
    if item.category_id != data.category_id:
        item.position = _next_position(
            MenuItem.objects.filter(category_id=data.category_id)
        )
        fields.append("position")
    _assign(item, data)
    item.full_clean()
    fields = ["category" if name == "category_id" else name for name in fields]
    item.save(update_fields=[*fields, "updated_at"])
    menu_items_changed(restaurant_id=restaurant_id, item_ids=[item.pk])
    return item


def delete_file_on_commit(name: str) -> None:
    """Remove a stored file once the row that named it is gone for good."""
    transaction.on_commit(lambda: default_storage.delete(name))


@transaction.atomic
def item_delete(*, restaurant_id: int, item_id: int) -> None:
    """Remove a dish; past orders keep their lines (they hold their own
    names and prices)."""
    item = find_item(restaurant_id=restaurant_id, item_id=item_id, lock=True)
    photo = item.photo.name
    item.delete()
    if photo:
        delete_file_on_commit(photo)
    menu_changed(restaurant_id=restaurant_id)


def item_sold_out_set(*, restaurant_id: int, item_id: int, sold_out: bool) -> MenuItem:
    """Mark a dish sold out or back on; open guest menus follow live.

    Back on clears a count of zero portions left (that count would keep the
    dish sold out) and keeps any other count.
    """
    item = find_item(restaurant_id=restaurant_id, item_id=item_id)
    stock = item.stock if item.stock != 0 or sold_out else None
    return menu_item_availability_set(
        item_id=item.pk,
        restaurant_id=restaurant_id,
        is_available=not sold_out,
        stock=stock,
    )


def item_stock_set(*, restaurant_id: int, item_id: int, stock: int | None) -> MenuItem:
    """Set how many portions are left today (None: no limit); open guest
    menus follow live. Zero leaves the dish sold out."""
    item = find_item(restaurant_id=restaurant_id, item_id=item_id)
    return menu_item_availability_set(
        item_id=item.pk,
        restaurant_id=restaurant_id,
        is_available=item.is_available,
        stock=stock,
    )


# --- Choices (modifier groups) ------------------------------------------


@transaction.atomic
def group_create(
    *, restaurant_id: int, data: GroupInput, item_id: int | None = None
) -> ModifierGroup:
    """Add a group of choices, offered on `item_id` at once when given."""
    item = find_item(restaurant_id=restaurant_id, item_id=item_id) if item_id else None
    group = ModifierGroup(restaurant_id=restaurant_id)
    _assign(group, data)
    group.position = _next_position(
        ModifierGroup.objects.filter(restaurant_id=restaurant_id)
    )
    group.full_clean()
    group.save()
    if item is not None:
        item.modifier_groups.add(group)
    menu_changed(restaurant_id=restaurant_id)
    return group


MODIFIER_FIELDS = (
    "name_fi",
    "name_sv",
    "name_en",
    "price_delta_minor",
    "is_default",
    "is_available",
    "allergens",
)


@transaction.atomic
def group_update(
    *,
    restaurant_id: int,
    group_id: int,
    data: GroupInput,
    modifiers: list[ModifierInput],
) -> ModifierGroup:
    """Change a group and its choices in one go (rows in the order given)."""
    group = _group(restaurant_id=restaurant_id, group_id=group_id, lock=True)
    _assign(group, data)
    group.full_clean()
    group.save(update_fields=list(vars(data)))
    existing = {m.pk: m for m in group.modifiers.all()}
    kept = 0
    for row in modifiers:
        modifier = existing.get(row.id) if row.id else Modifier(group=group)
        if modifier is None:
            raise NotFoundError()
        if row.delete:
            if modifier.pk:
                modifier.delete()
            continue
        for name in MODIFIER_FIELDS:
            setattr(modifier, name, getattr(row, name))
        modifier.position = kept
        kept += 1
        modifier.full_clean()
        if modifier.pk is None:
            modifier.save()
        else:
            modifier.save(update_fields=[*MODIFIER_FIELDS, "position"])
    defaults = group.modifiers.filter(is_default=True).count()
    if defaults > group.max_choices:
        raise ValidationError(
            _("More choices are preselected than a guest may pick (%(max)d).")
            % {"max": group.max_choices}
        )
    menu_changed(restaurant_id=restaurant_id)
    return group


@transaction.atomic
def group_delete(*, restaurant_id: int, group_id: int) -> None:
    """Remove a group of choices from every dish that offers it."""
    group = _group(restaurant_id=restaurant_id, group_id=group_id, lock=True)
    group.delete()
    menu_changed(restaurant_id=restaurant_id)


@transaction.atomic
def item_group_attach(*, restaurant_id: int, item_id: int, group_id: int) -> None:
    item = find_item(restaurant_id=restaurant_id, item_id=item_id, lock=True)
    group = _group(restaurant_id=restaurant_id, group_id=group_id)
    item.modifier_groups.add(group)
    menu_changed(restaurant_id=restaurant_id)


@transaction.atomic
def item_group_detach(*, restaurant_id: int, item_id: int, group_id: int) -> None:
    item = find_item(restaurant_id=restaurant_id, item_id=item_id, lock=True)
    group = _group(restaurant_id=restaurant_id, group_id=group_id)
    item.modifier_groups.remove(group)
    menu_changed(restaurant_id=restaurant_id)
