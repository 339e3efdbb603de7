"""The menu as a CSV file: export, and import with a preview.

One row per dish. The header (first line) names the columns; their order
does not matter, and only `category_fi`, `name_fi` and `price` are
required:

    id              the dish's number from an export; empty adds a new dish
    category_fi     the category's Finnish name; a new name adds a category
    category_sv     its Swedish and English names (used for a new category,
    category_en     or to fill an existing one's empty translation)
    name_fi         the dish's name in Finnish (required), Swedish, English
    name_sv
    name_en
    description_fi  descriptions, any may be empty
    description_sv
    description_en
    price           euros with a comma or a point: 12,50 or 12.50
    vat_percent     one of the restaurant's rates: 13,5 or 25.5
    station         the kitchen station's code (hot, grill, bar…)
    course          1, 2 or 3
    allergens       codes separated by |  (gluten|milk|eggs…)
    diets           codes separated by |  (vegan|gluten_free…)
    available_from  a daypart as HH:MM, both or neither
    available_until
    sold_out        yes or empty
    choices         groups of choices by Finnish name, separated by |

Rows that leave out a column keep the dish's current value (a new dish gets
the default). Dishes missing from the file are left alone: an import never
deletes. The file may use commas or semicolons (Excel in Finland) and must
be UTF-8.

`menu_csv_preview` checks every row without writing anything;
`menu_csv_apply` checks again and writes all rows in one transaction, or
none when any row has an error.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ordering.dietary import ALLERGENS, DIETS
from ordering.exceptions import DomainError
from ordering.models import MenuCategory, MenuItem, ModifierGroup, Restaurant
from ordering.money import price_input, price_parse
from ordering.services.menu import menu_changed, menu_items_changed
from ordering.services.menu_admin import vat_rate_parse

COLUMNS = [
    "id",
    "category_fi",
    "category_sv",
    "category_en",
    "name_fi",
    "name_sv",
    "name_en",
    "description_fi",
    "description_sv",
    "description_en",
    "price",
    "vat_percent",
    "station",
    "course",
    "allergens",
    "diets",
    "available_from",
    "available_until",
    "sold_out",
    "choices",
]
REQUIRED = ["category_fi", "name_fi", "price"]
MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000
_YES = {"yes", "y", "1", "true", "x", "kyllä", "ja"}
_NO = {"", "no", "n", "0", "false", "ei", "nej"}
# Plain text columns copied onto the dish as they are.
_TEXTS = [
    "name_fi",
    "name_sv",
    "name_en",
    "description_fi",
    "description_sv",
    "description_en",
]


class MenuCsvError(DomainError):
    code = "menu_csv"


def _codes(values: list[str]) -> str:
    return "|".join(values)


def _hhmm(value: datetime.time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def _vat(rate_bp: int) -> str:
    whole, rest = divmod(rate_bp, 100)
    return f"{whole}.{rest:02d}".rstrip("0").rstrip(".")


def menu_csv_export(*, restaurant: Restaurant) -> str:
    """Return the whole menu as CSV text, in menu order, with ids."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    items = (
        MenuItem.objects.filter(restaurant=restaurant)
        .select_related("category")
        .prefetch_related("modifier_groups")
        .order_by("category__position", "category_id", "position", "id")
    )
    for item in items:
        writer.writerow(
            {
                "id": item.pk,
                "category_fi": item.category.name_fi,
                "category_sv": item.category.name_sv,
                "category_en": item.category.name_en,
                **{name: getattr(item, name) for name in _TEXTS},
                "price": price_input(item.price_minor, language="en"),
                "vat_percent": _vat(item.vat_rate_bp),
                "station": item.station,
                "course": item.course,
                "allergens": _codes(item.allergens),
                "diets": _codes(item.diets),
                "available_from": _hhmm(item.available_from),
                "available_until": _hhmm(item.available_until),
                "sold_out": "" if item.is_available else "yes",
                "choices": _codes([g.name_fi for g in item.modifier_groups.all()]),
            }
        )
    return out.getvalue()


@dataclass
class CsvRow:
    """One data row as read, what importing it would do, and its problems."""

    line: int
    values: dict[str, str]
    action: str = ""  # "add" or "update"
    errors: list[str] = field(default_factory=list)
    item_id: int | None = None
    fields: dict = field(default_factory=dict)
    sold_out: bool | None = None
    groups: list[int] | None = None
    is_new_category: bool = False

    @property
    def name(self) -> str:
        return self.values.get("name_fi", "")

    @property
    def category(self) -> str:
        return self.values.get("category_fi", "")


@dataclass
class CsvPreview:
    rows: list[CsvRow]
    problems: list[str]  # about the whole file
    new_categories: list[str]

    @property
    def error_count(self) -> int:
        return len(self.problems) + sum(1 for row in self.rows if row.errors)

    @property
    def is_valid(self) -> bool:
        return self.error_count == 0 and bool(self.rows)


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise MenuCsvError(_("The file is over 1 MB; a menu fits in much less."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MenuCsvError(
            _("The file is not UTF-8. Save it as “CSV UTF-8” and try again.")
        ) from error


def _reader(text: str) -> csv.DictReader:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return csv.DictReader(io.StringIO(text), delimiter=delimiter)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split("|") if part.strip()]


def _time(text: str) -> datetime.time | None:
    if not text:
        return None
    try:
        return datetime.time.fromisoformat(text if len(text) > 4 else f"0{text}")
    except ValueError as error:
        raise ValidationError(
            _("“%(value)s” is not a time like 11:30.") % {"value": text}
        ) from error


def _read_row(
    row: CsvRow,
    *,
    restaurant: Restaurant,
    items: dict[int, MenuItem],
    categories: dict[str, MenuCategory],
    groups: dict[str, int | None],
) -> None:
    """Fill `row` with the dish fields it sets, or with its errors."""
    values = row.values
    errors = row.errors

    def check(column: str, parse):
        if column not in values:
            return None
        try:
            return parse(values[column])
        except ValidationError as error:
            errors.extend(f"{column}: {message}" for message in error.messages)
            return None

    raw_id = values.get("id", "")
    item = None
    if raw_id:
        item = items.get(int(raw_id)) if raw_id.isdigit() else None
        if item is None:
            errors.append(_("id: no dish %(id)s on this menu.") % {"id": raw_id})
            return
    row.action = "update" if item else "add"
    row.item_id = item.pk if item else None
    for column in REQUIRED:
        if not values.get(column) and (item is None or column in values):
            errors.append(_("%(column)s: required.") % {"column": column})
    fields: dict = {name: values[name] for name in _TEXTS if name in values}
    price = check("price", lambda v: price_parse(v) if v else None)
    if price is not None:
        fields["price_minor"] = price
    vat = check(
        "vat_percent",
        lambda v: vat_rate_parse(v, allowed_bp=restaurant.vat_rates_bp) if v else None,
    )
    if vat is not None:
        fields["vat_rate_bp"] = vat
    if values.get("station"):
        fields["station"] = values["station"]
    if values.get("course"):
        if values["course"] in ("1", "2", "3"):
            fields["course"] = int(values["course"])
        else:
            errors.append(_("course: use 1, 2 or 3."))
    for column, vocabulary in (("allergens", ALLERGENS), ("diets", DIETS)):
        if column in values:
            codes = _split(values[column])
            unknown = sorted(set(codes) - set(vocabulary))
            if unknown:
                errors.append(
                    _("%(column)s: unknown code %(codes)s (use %(known)s).")
                    % {
                        "column": column,
                        "codes": ", ".join(unknown),
                        "known": ", ".join(vocabulary),
                    }
                )
            fields[column] = codes
    for column in ("available_from", "available_until"):
        if column in values:
            fields[column] = check(column, _time)
    if "sold_out" in values:
        flag = values["sold_out"].strip().lower()
        if flag in _YES:
            row.sold_out = True
        elif flag in _NO:
            row.sold_out = False
        else:
            errors.append(_("sold_out: write yes, or leave it empty."))
    if "choices" in values:
        names = _split(values["choices"])
        unknown = [name for name in names if name.lower() not in groups]
        if unknown:
            errors.append(
                _("choices: no group of choices called %(names)s.")
                % {"names": ", ".join(f"“{name}”" for name in unknown)}
            )
        same = [name for name in names if groups.get(name.lower(), 0) is None]
        if same:
            errors.append(
                _("choices: more than one group is called %(names)s; rename one.")
                % {"names": ", ".join(f"“{name}”" for name in same)}
            )
        row.groups = [
            pk for name in names if (pk := groups.get(name.lower())) is not None
        ]
    row.is_new_category = row.category.lower() not in categories
    row.fields = fields
    if errors:
        return
    # The model's own rules (lengths, the time window, station codes), on a
    # copy of the dish, without the category, which may not exist yet.
    draft = MenuItem(restaurant=restaurant) if item is None else _copy(item)
    for name, value in fields.items():
        setattr(draft, name, value)
    if item is None:
        draft.price_minor = fields.get("price_minor", 0)
        draft.vat_rate_bp = fields.get("vat_rate_bp", restaurant.vat_rates_bp[0])
    try:
        draft.full_clean(
            exclude=["category", "restaurant", "photo"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            column = {"price_minor": "price", "vat_rate_bp": "vat_percent"}.get(
                name, name
            )
            errors.extend(f"{column}: {message}" for message in messages)


def _copy(item: MenuItem) -> MenuItem:
    copy = MenuItem()
    copy.__dict__.update(
        {k: v for k, v in item.__dict__.items() if not k.startswith("_")}
    )
    return copy


def menu_csv_preview(*, restaurant: Restaurant, data: bytes) -> CsvPreview:
    """Read a CSV file and say what importing it would do; write nothing."""
    text = _decode(data)
    reader = _reader(text)
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    problems = []
    unknown = [name for name in header if name and name not in COLUMNS]
    if unknown:
        problems.append(
            _("Unknown columns: %(names)s. The columns are: %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(COLUMNS)}
        )
    absent = [name for name in REQUIRED if name not in header]
    if absent:
        problems.append(
            _("The first line must name the columns; missing: %(names)s.")
            % {"names": ", ".join(absent)}
        )
    if problems:
        return CsvPreview(rows=[], problems=problems, new_categories=[])
    reader.fieldnames = header
    items = {item.pk: item for item in MenuItem.objects.filter(restaurant=restaurant)}
    categories = {
        c.name_fi.strip().lower(): c
        for c in MenuCategory.objects.filter(restaurant=restaurant)
    }
    groups: dict[str, int | None] = {}
    for group in ModifierGroup.objects.filter(restaurant=restaurant):
        name = group.name_fi.strip().lower()
        # Two groups of one name cannot be told apart in a file.
        groups[name] = None if name in groups else group.pk
    rows: list[CsvRow] = []
    seen: dict[int, int] = {}
    for raw in reader:
        values = {
            key: (value or "").strip()
            for key, value in raw.items()
            if key is not None and key in COLUMNS
        }
        if not any(values.values()):
            continue  # blank lines
        row = CsvRow(line=reader.line_num, values=values)
        if None in raw:
            # The cells are shifted; checking them would only add noise.
            row.errors.append(
                _(
                    "More cells than columns in the header; a value with a "
                    "comma or semicolon needs quotes around it."
                )
            )
            rows.append(row)
            continue
        _read_row(
            row,
            restaurant=restaurant,
            items=items,
            categories=categories,
            groups=groups,
        )
        if row.item_id is not None:
            if row.item_id in seen:
                row.errors.append(
                    _("id %(id)s is also on line %(line)d.")
                    % {"id": row.item_id, "line": seen[row.item_id]}
                )
            seen.setdefault(row.item_id, row.line)
        rows.append(row)
        if len(rows) > MAX_ROWS:
            problems.append(_("More than 2000 dishes; split the file."))
            break
    if not rows and not problems:
        problems.append(_("The file has no dishes under its header."))
    new_categories = list(
        dict.fromkeys(row.category for row in rows if row.is_new_category)
    )
    return CsvPreview(rows=rows, problems=problems, new_categories=new_categories)


@transaction.atomic
def menu_csv_apply(*, restaurant: Restaurant, data: bytes) -> CsvPreview:
    """Import a CSV file: every row, or nothing when any row has an error.

    Raises MenuCsvError (with the preview in `extra`) when the file has
    errors; the caller shows that preview.
    """
    restaurant = Restaurant.objects.select_for_update().get(pk=restaurant.pk)
    preview = menu_csv_preview(restaurant=restaurant, data=data)
    if not preview.is_valid:
        raise MenuCsvError(
            _("Nothing was imported: fix the rows marked below and try again."),
            extra={"preview": preview},
        )
    categories = {
        c.name_fi.strip().lower(): c
        for c in MenuCategory.objects.select_for_update().filter(restaurant=restaurant)
    }
    top = max((c.position for c in categories.values()), default=-1)
    touched: list[int] = []
    for row in preview.rows:
        category = categories.get(row.category.lower())
        names = {
            lang: row.values.get(f"category_{lang}", "") for lang in ("fi", "sv", "en")
        }
        if category is None:
            top += 1
            category = MenuCategory(
                restaurant=restaurant,
                name_fi=names["fi"],
                name_sv=names["sv"],
                name_en=names["en"],
                position=top,
            )
            category.full_clean()
            category.save()
            categories[row.category.lower()] = category
        else:
            filled = [
                f"name_{lang}"
                for lang in ("sv", "en")
                if names[lang] and not getattr(category, f"name_{lang}")
            ]
            for name in filled:
                setattr(category, name, names[name[-2:]])
            if filled:
                category.save(update_fields=filled)
        if row.item_id is None:
            item = MenuItem(
                restaurant=restaurant,
                category=category,
                vat_rate_bp=restaurant.vat_rates_bp[0],
                position=MenuItem.objects.filter(category=category).aggregate(
                    top=Max("position", default=-1)
                )["top"]
                + 1,
            )
        else:
            item = MenuItem.objects.select_for_update().get(
                pk=row.item_id, restaurant=restaurant
            )
            if item.category_id != category.pk:
                item.category = category
                item.position = (
                    MenuItem.objects.filter(category=category).aggregate(
                        top=Max("position", default=-1)
                    )["top"]
                    + 1
                )
        for name, value in row.fields.items():
            setattr(item, name, value)
        if row.sold_out is not None:
            item.is_available = not row.sold_out
            if not row.sold_out and item.stock == 0:
                item.stock = None
        item.full_clean()
        if item.pk is None:
            item.save()
        else:
            item.save(
                update_fields=[
                    *row.fields,
                    "category",
                    "position",
                    "is_available",
                    "stock",
                    "updated_at",
                ]
            )
        if row.groups is not None:
            item.modifier_groups.set(row.groups)
        touched.append(item.pk)
    menu_changed(restaurant_id=restaurant.pk)
    menu_items_changed(restaurant_id=restaurant.pk, item_ids=touched)
    return preview
