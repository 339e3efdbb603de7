"""Menu pages of the back office: categories, dishes, sold out, order.

Thin views: a form parses the input, `services.menu_admin` makes the
change, and the page redirects (post/redirect/get) so a reload never
repeats it. Every object is looked up within the manager's restaurant; an
id from another restaurant is a 404.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ordering.exceptions import DomainError, NotFoundError
from ordering.manage import menu_selectors
from ordering.manage.access import ManagerAccess, manager_page
from ordering.manage.menu_forms import (
    LANGUAGE_NAMES,
    CategoryForm,
    GroupForm,
    ItemForm,
    PhotoForm,
    add_model_errors,
)
from ordering.models import MenuCategory, MenuItem, ModifierGroup
from ordering.services import menu_admin, menu_photos
from ordering.translation import MENU_LANGUAGES


def menu_url(access: ManagerAccess, name: str, *args, anchor: str = "", **query) -> str:
    """Return a back-office URL that keeps the chosen restaurant."""
    params = urlencode({"restaurant": access.restaurant.slug, **query})
    return f"{reverse(name, args=args)}?{params}" + (f"#{anchor}" if anchor else "")


def trio(form, access: ManagerAccess, fields: tuple[str, ...]) -> list[dict]:
    """Group a form's per-language fields into one column per language, each
    flagged when it lacks a text another language has."""
    labels = {"name": _("Name"), "description": _("Description")}
    columns = []
    for code in MENU_LANGUAGES:
        bound = [form[f"{name}_{code}"] for name in fields]
        missing = code in access.restaurant.languages and any(
            not (form[f"{name}_{code}"].value() or "").strip()
            and any(
                (form[f"{name}_{other}"].value() or "").strip()
                for other in MENU_LANGUAGES
            )
            for name in fields
        )
        columns.append(
            {
                "code": code,
                "name": LANGUAGE_NAMES[code],
                "fields": bound,
                "label": labels[fields[0]],
                "label2": labels.get(fields[-1]),
                "hidden": f"({LANGUAGE_NAMES[code]})",
                "missing": missing,
            }
        )
    return columns


def page(request, template: str, access: ManagerAccess, status: int = 200, **context):
    context.update(
        access=access,
        section="menu",
        languages=[(code, LANGUAGE_NAMES[code]) for code in MENU_LANGUAGES],
    )
    return render(request, f"manage/{template}", context, status=status)


# --- Overview -----------------------------------------------------------


@never_cache
@require_GET
@manager_page
def overview(request, *, access: ManagerAccess):
    data = menu_selectors.menu_admin_overview(restaurant=access.restaurant)
    items = [item for c in data["categories"] for item in c.items.all()]
    return page(
        request,
        "menu.html",
        access,
        **data,
        item_count=len(items),
        sold_out_count=sum(1 for i in items if not i.is_available or i.stock == 0),
    )


@require_POST
@manager_page
def sold_out(request, item_id: int, *, access: ManagerAccess):
    """Mark a dish sold out or back on; open guest menus follow live."""
    try:
        item = menu_admin.item_sold_out_set(
            restaurant_id=access.restaurant.pk,
            item_id=item_id,
            sold_out=request.POST.get("sold_out") == "1",
        )
    except NotFoundError as error:
        raise Http404 from error
    text = (
        _("“%(name)s” is sold out.")
        if not item.is_available
        else _("“%(name)s” is available again.")
    ) % {"name": item.name_fi}
    if "application/json" in request.headers.get("Accept", ""):
        # menu.js flips the button in place: the list keeps its scroll.
        sold = not item.is_available or item.stock == 0
        return JsonResponse({"sold_out": sold, "message": text})
    messages.success(request, text)
    if request.POST.get("back") == "item":  # the toggle on the dish's own page
        return redirect(
            menu_url(access, "manage-menu-item", item.pk, anchor="availability")
        )
    return redirect(menu_url(access, "manage-menu", anchor=f"item-{item.pk}"))


@require_POST
@manager_page
def stock(request, item_id: int, *, access: ManagerAccess):
    """Set the portions left today; empty means no limit."""
    raw = request.POST.get("stock", "").strip()
    back = menu_url(access, "manage-menu-item", item_id, anchor="availability")
    if raw and not (raw.isdigit() and int(raw) <= 100_000):
        get_object_or_404(MenuItem, pk=item_id, restaurant=access.restaurant)
        messages.error(request, _("Write the portions left as a whole number."))
        return redirect(back)
    try:
        item = menu_admin.item_stock_set(
            restaurant_id=access.restaurant.pk,
            item_id=item_id,
            stock=int(raw) if raw else None,
        )
    except NotFoundError as error:
        raise Http404 from error
    if item.stock is None:
        text = _("“%(name)s”: no limit on portions.") % {"name": item.name_fi}
    else:
        text = ngettext(
            "“%(name)s”: %(count)d portion left.",
            "“%(name)s”: %(count)d portions left.",
            item.stock,
        ) % {
            "name": item.name_fi,
            "count": item.stock,
        }
    messages.success(request, text)
    return redirect(back)


@require_POST
@manager_page
def move(request, *, access: ManagerAccess):
    """One place up or down: the buttons beside each row (no script needed)."""
    kind = request.POST.get("kind", "")
    try:
        obj_id = int(request.POST.get("id", ""))
        step = -1 if request.POST.get("step") == "up" else 1
        menu_admin.menu_move(
            restaurant_id=access.restaurant.pk, kind=kind, obj_id=obj_id, step=step
        )
    except (ValueError, NotFoundError) as error:
        raise Http404 from error
    anchor = f"{'item' if kind == 'item' else 'category'}-{obj_id}"
    return redirect(menu_url(access, "manage-menu", anchor=anchor))


@require_POST
@manager_page
def reorder(request, *, access: ManagerAccess):
    """Save the order a drag left the rows in (menu.js); JSON answer."""
    try:
        ids = [int(value) for value in request.POST.getlist("order")]
        menu_admin.menu_reorder(
            restaurant_id=access.restaurant.pk,
            kind=request.POST.get("kind", ""),
            ordered_ids=ids,
        )
    except ValueError:
        return JsonResponse({"message": _("Unreadable order.")}, status=400)
    except DomainError as error:
        return JsonResponse(
            {"code": error.code, "message": str(error.message)},
            status=error.http_status,
        )
    return JsonResponse({"message": _("Order saved.")})


# --- Categories ---------------------------------------------------------


def _category_form_page(request, access, form, category=None, status=200):
    return page(
        request,
        "menu_category.html",
        access,
        status=status,
        form=form,
        category=category,
        trio=trio(form, access, ("name",)),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@manager_page
def category_new(request, *, access: ManagerAccess):
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = menu_admin.category_create(
                restaurant_id=access.restaurant.pk, data=form.to_input()
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(
                request, _("Category “%(name)s” added.") % {"name": category.name_fi}
            )
            return redirect(
                menu_url(access, "manage-menu", anchor=f"category-{category.pk}")
            )
    status = 400 if form.errors else 200
    return _category_form_page(request, access, form, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@manager_page
def category_edit(request, category_id: int, *, access: ManagerAccess):
    category = get_object_or_404(
        MenuCategory, pk=category_id, restaurant=access.restaurant
    )
    initial = {
        name: getattr(category, name)
        for name in (
            "name_fi",
            "name_sv",
            "name_en",
            "available_from",
            "available_until",
            "is_active",
        )
    }
    form = CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            category = menu_admin.category_update(
                restaurant_id=access.restaurant.pk,
                category_id=category.pk,
                data=form.to_input(),
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(
                request, _("Category “%(name)s” saved.") % {"name": category.name_fi}
            )
            return redirect(
                menu_url(access, "manage-menu", anchor=f"category-{category.pk}")
            )
    status = 400 if form.errors else 200
    return _category_form_page(request, access, form, category, status=status)


@require_POST
@manager_page
def category_delete(request, category_id: int, *, access: ManagerAccess):
    try:
        menu_admin.category_delete(
            restaurant_id=access.restaurant.pk, category_id=category_id
        )
    except NotFoundError as error:
        raise Http404 from error
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect(menu_url(access, "manage-menu-category", category_id))
    messages.success(request, _("Category deleted."))
    return redirect(menu_url(access, "manage-menu"))


# --- Dishes -------------------------------------------------------------


def _item_initial(item: MenuItem) -> dict:
    names = [
        f"{field}_{lang}"
        for field in ("name", "description")
        for lang in MENU_LANGUAGES
    ]
    return {
        **{name: getattr(item, name) for name in names},
        "category": item.category_id,
        "price": item.price_minor,
        "vat_rate_bp": item.vat_rate_bp,
        "station": item.station,
        "course": item.course,
        "allergens": item.allergens,
        "diets": item.diets,
        "available_from": item.available_from,
        "available_until": item.available_until,
    }


def _item_page(request, access, form, item=None, status=200, **extra):
    context = {
        "form": form,
        "item": item,
        "trio": trio(form, access, ("name", "description")),
        "price_help": _("Euros and cents, like 12,50."),
        "group_form": GroupForm(prefix="group"),
        **extra,
    }
    if item is not None:
        attached = list(item.modifier_groups.prefetch_related("modifiers"))
        context.update(
            attached=attached,
            attachable=ModifierGroup.objects.filter(restaurant=access.restaurant)
            .exclude(pk__in=[g.pk for g in attached])
            .order_by("position", "id"),
            photo_form=extra.get("photo_form") or PhotoForm(),
            missing=menu_admin.missing_languages(
                item,
                languages=access.restaurant.languages,
                fields=("name", "description"),
            ),
        )
    return page(request, "menu_item.html", access, status=status, **context)


@never_cache
@require_http_methods(["GET", "POST"])
@manager_page
def item_new(request, *, access: ManagerAccess):
    restaurant = access.restaurant
    if not MenuCategory.objects.filter(restaurant=restaurant).exists():
        messages.error(request, _("Add a category first: every dish belongs to one."))
        return redirect(menu_url(access, "manage-menu-category-new"))
    initial = {
        "category": request.GET.get("category"),
        "vat_rate_bp": restaurant.vat_rates_bp[0] if restaurant.vat_rates_bp else None,
    }
    form = ItemForm(request.POST or None, initial=initial, restaurant=restaurant)
    if request.method == "POST" and form.is_valid():
        try:
            item = menu_admin.item_create(
                restaurant_id=restaurant.pk, data=form.to_input()
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(name)s” added. Add a photo or choices below, if it has any.")
                % {"name": item.name_fi},
            )
            return redirect(menu_url(access, "manage-menu-item", item.pk))
    status = 400 if form.errors else 200
    return _item_page(request, access, form, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@manager_page
def item_edit(request, item_id: int, *, access: ManagerAccess):
    restaurant = access.restaurant
    item = get_object_or_404(MenuItem, pk=item_id, restaurant=restaurant)
    form = ItemForm(
        request.POST or None,
        initial=_item_initial(item),
        restaurant=restaurant,
        station=item.station,
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = menu_admin.item_update(
                restaurant_id=restaurant.pk, item_id=item.pk, data=form.to_input()
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” saved.") % {"name": item.name_fi})
            return redirect(menu_url(access, "manage-menu", anchor=f"item-{item.pk}"))
    status = 400 if form.errors else 200
    return _item_page(request, access, form, item, status=status)


@require_POST
@manager_page
def item_delete(request, item_id: int, *, access: ManagerAccess):
    item = get_object_or_404(MenuItem, pk=item_id, restaurant=access.restaurant)
    menu_admin.item_delete(restaurant_id=access.restaurant.pk, item_id=item.pk)
    messages.success(request, _("“%(name)s” deleted.") % {"name": item.name_fi})
    return redirect(
        menu_url(access, "manage-menu", anchor=f"category-{item.category_id}")
    )


@require_POST
@manager_page
def item_photo(request, item_id: int, *, access: ManagerAccess):
    """Upload a new photo (shrunk on the server) or remove the current one."""
    restaurant = access.restaurant
    item = get_object_or_404(MenuItem, pk=item_id, restaurant=restaurant)
    if request.POST.get("remove"):
        menu_photos.item_photo_remove(restaurant_id=restaurant.pk, item_id=item.pk)
        messages.success(request, _("Photo removed."))
        return redirect(menu_url(access, "manage-menu-item", item.pk, anchor="photo"))
    photo_form = PhotoForm(request.POST, request.FILES)
    if photo_form.is_valid():
        try:
            menu_photos.item_photo_set(
                restaurant_id=restaurant.pk,
                item_id=item.pk,
                upload=photo_form.cleaned_data["photo"],
            )
        except ValidationError as error:
            photo_form.add_error("photo", error)
        else:
            messages.success(request, _("Photo saved."))
            return redirect(
                menu_url(access, "manage-menu-item", item.pk, anchor="photo")
            )
    form = ItemForm(
        initial=_item_initial(item), restaurant=restaurant, station=item.station
    )
    return _item_page(request, access, form, item, status=400, photo_form=photo_form)
