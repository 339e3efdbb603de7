"""Write the demo restaurant: Bistro Saaristo, its tables, staff, menu and history.

Running the seed again changes nothing: rows are found by their natural keys
(restaurant slug, area and category names, table labels, usernames, Finnish
dish and choice names), and the history is written only once.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from kitchen.models import Station
from ordering.demo import Writer, menu
from ordering.demo.history import HistorySummary, history_create
from ordering.models import (
    Area,
    MenuCategory,
    MenuItem,
    Modifier,
    ModifierGroup,
    Restaurant,
    StaffMember,
    StaffRole,
    Table,
)
from ordering.services.menu import menu_changed


@dataclass(frozen=True)
class StaffLogin:
    username: str
    password: str
    role: str
    is_superuser: bool = False


@dataclass(frozen=True)
class DemoInfo:
    restaurant: Restaurant
    table: Table
    staff: tuple[StaffLogin, ...]
    # None when the history was already there and nothing was written.
    history: HistorySummary | None


# Printed by the seed, so these are public: a demo database only.
STAFF = (
    StaffLogin("admin", "tableside-admin", StaffRole.OWNER, is_superuser=True),
    StaffLogin("manager", "tableside-manager", StaffRole.MANAGER),
    StaffLogin("waiter", "tableside-waiter", StaffRole.WAITER),
    StaffLogin("kitchen", "tableside-kitchen", StaffRole.KITCHEN),
)


def _say(stdout: Writer | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _texts(field: str, values: dict[str, str]) -> dict[str, str]:
    return {f"{field}_{lang}": text for lang, text in values.items()}


def _upsert[M: models.Model](
    *, model: type[M], lookup: dict[str, Any], values: dict[str, Any]
) -> M:
    """Return the row `lookup` finds, created or updated to hold `values`.

    update_or_create would save without full_clean() and would re-save an
    unchanged row (moving `updated_at`); this validates first and leaves a row
    that already matches alone.
    """
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        row = model(**{**lookup, **values})
    elif all(getattr(row, field) == value for field, value in values.items()):
        return row
    else:
        for field, value in values.items():
            setattr(row, field, value)
    row.full_clean()
    row.save()
    return row


def _seed_restaurant() -> Restaurant:
    data = dict(menu.RESTAURANT)
    slug = data.pop("slug")
    return _upsert(model=Restaurant, lookup={"slug": slug}, values=data)


def _seed_tables(*, restaurant: Restaurant) -> list[Table]:
    tables = []
    position = 0
    for area_position, area_data in enumerate(menu.AREAS):
        area = _upsert(
            model=Area,
            lookup={"restaurant": restaurant, "name": area_data["name"]},
            values={"position": area_position},
        )
        for label, seats in area_data["tables"]:
            tables.append(
                _upsert(
                    model=Table,
                    lookup={"restaurant": restaurant, "label": label},
                    values={"area_id": area.pk, "seats": seats, "position": position},
                )
            )
            position += 1
    return tables


def _seed_staff(*, restaurant: Restaurant, stdout: Writer | None) -> None:
    user_model = get_user_model()
    for login in STAFF:
        user = user_model._default_manager.filter(username=login.username).first()
        if user is None:
            user = user_model._default_manager.create_user(
                login.username,
                password=login.password,
                is_staff=login.is_superuser,
                is_superuser=login.is_superuser,
            )
            note = f"password {login.password}"
        else:
            # Someone may have changed it on purpose; the seed does not undo that.
            note = "existing user, password unchanged"
        StaffMember.objects.get_or_create(
            user=user, restaurant=restaurant, defaults={"role": login.role}
        )
        _say(stdout, f"staff: {login.username} ({login.role}), {note}")


def _seed_menu(*, restaurant: Restaurant) -> int:
    groups: dict[str, ModifierGroup] = {}
    for position, group_data in enumerate(menu.MODIFIER_GROUPS):
        group = _upsert(
            model=ModifierGroup,
            lookup={"restaurant": restaurant, "name_fi": group_data["name"]["fi"]},
            values={
                **_texts("name", group_data["name"]),
                "min_choices": group_data["min_choices"],
                "max_choices": group_data["max_choices"],
                "position": position,
            },
        )
        for modifier_position, data in enumerate(group_data["modifiers"]):
            _upsert(
                model=Modifier,
                lookup={"group": group, "name_fi": data["name"]["fi"]},
                values={
                    **_texts("name", data["name"]),
                    "price_delta_minor": data.get("price_delta_minor", 0),
                    "allergens": data.get("allergens", []),
                    "is_default": data.get("is_default", False),
                    "is_available": data.get("is_available", True),
                    "position": modifier_position,
                },
            )
        groups[group_data["key"]] = group

    categories: dict[str, MenuCategory] = {}
    for position, data in enumerate(menu.CATEGORIES):
        categories[data["key"]] = _upsert(
            model=MenuCategory,
            lookup={"restaurant": restaurant, "name_fi": data["name"]["fi"]},
            values={
                **_texts("name", data["name"]),
                "available_from": data.get("available_from"),
                "available_until": data.get("available_until"),
                "position": position,
                "is_active": True,
            },
        )

    items = menu.menu_items()
    for data in items:
        item = _upsert(
            model=MenuItem,
            lookup={"restaurant": restaurant, "name_fi": data["name"]["fi"]},
            values={
                **_texts("name", data["name"]),
                **_texts("description", data["description"]),
                "category_id": categories[data["category"]].pk,
                "price_minor": data["price_minor"],
                "vat_rate_bp": data["vat_rate_bp"],
                "allergens": data["allergens"],
                "diets": data["diets"],
                "station": data["station"],
                "course": data["course"],
                "is_available": data["is_available"],
                "position": data["position"],
            },
        )
        wanted = {groups[key].pk for key in data["groups"]}
        if set(item.modifier_groups.values_list("pk", flat=True)) != wanted:
            item.modifier_groups.set(wanted)
    return len(items)


# Kitchen stations of the menu's dishes: (code, name, amber after, red after).
# Drinks should not wait as long as a braise.
STATIONS = (
    ("hot", "Kuuma keittiö", 8 * 60, 15 * 60),
    ("cold", "Kylmä keittiö", 5 * 60, 10 * 60),
    ("pastry", "Jälkiruoat", 5 * 60, 10 * 60),
    ("bar", "Baari", 3 * 60, 6 * 60),
)


def _seed_stations(*, restaurant: Restaurant) -> None:
    for position, (code, name, amber, red) in enumerate(STATIONS):
        Station.objects.update_or_create(
            restaurant=restaurant,
            code=code,
            defaults={
                "name": name,
                "amber_after_seconds": amber,
                "red_after_seconds": red,
                "position": position,
            },
        )


@transaction.atomic
def seed_demo(
    *, stdout: Writer | None = None, now: datetime.datetime | None = None
) -> DemoInfo:
    """Create or refresh the demo restaurant and return what to print about it.

    The history ends at `now` (default: the current time) and is written only
    if the restaurant has none yet.
    """
    restaurant = _seed_restaurant()
    _say(stdout, f"restaurant: {restaurant.name} ({restaurant.slug})")
    tables = _seed_tables(restaurant=restaurant)
    _say(stdout, f"tables: {len(tables)}")
    _seed_staff(restaurant=restaurant, stdout=stdout)
    item_count = _seed_menu(restaurant=restaurant)
    _say(stdout, f"menu: {item_count} dishes and drinks")
    _seed_stations(restaurant=restaurant)
    summary = history_create(
        restaurant=restaurant, now=now or timezone.now(), stdout=stdout
    )
    if summary is None:
        _say(stdout, "history: already there, left as it is")
    else:
        _say(
            stdout,
            f"history: {summary.members} members, {summary.member_visits} member "
            f"visits, {summary.walk_in_visits} walk-ins, {summary.lines} order lines",
        )
    table = next(t for t in tables if t.label == menu.LINK_TABLE_LABEL)
    menu_changed(restaurant_id=restaurant.pk)
    return DemoInfo(restaurant=restaurant, table=table, staff=STAFF, history=summary)
