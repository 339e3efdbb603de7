"""Groups of choices on dishes (sizes, sides, extras) in the back office.

A group belongs to the restaurant and may be offered on several dishes;
editing it changes it on all of them, which the page says.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ordering.exceptions import NotFoundError
from ordering.manage.access import ManagerAccess, manager_page
from ordering.manage.menu import menu_url, page, trio
from ordering.manage.menu_forms import (
    GroupForm,
    ModifierFormSet,
    add_model_errors,
)
from ordering.models import MenuItem, ModifierGroup
from ordering.services import menu_admin


def _back_item(request, access: ManagerAccess) -> MenuItem | None:
    """The dish the manager came from, if any (for the way back)."""
    raw = request.GET.get("item") or ""
    if not raw.isdigit():
        return None
    return MenuItem.objects.filter(pk=int(raw), restaurant=access.restaurant).first()


@require_POST
@manager_page
def item_groups(request, item_id: int, *, access: ManagerAccess):
    """Offer a group on a dish (an existing one, or a new one), or stop."""
    restaurant = access.restaurant
    item = get_object_or_404(MenuItem, pk=item_id, restaurant=restaurant)
    action = request.POST.get("action")
    back = menu_url(access, "manage-menu-item", item.pk, anchor="choices")
    try:
        if action == "new":
            form = GroupForm(request.POST, prefix="group")
            if not form.is_valid():
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, str(error))
                return redirect(back)
            group = menu_admin.group_create(
                restaurant_id=restaurant.pk, data=form.to_input(), item_id=item.pk
            )
            messages.success(
                request,
                _("“%(name)s” added. Now list its choices.") % {"name": group.name_fi},
            )
            return redirect(
                menu_url(access, "manage-menu-group", group.pk, item=item.pk)
            )
        group_id = int(request.POST.get("group", ""))
        if action == "attach":
            menu_admin.item_group_attach(
                restaurant_id=restaurant.pk, item_id=item.pk, group_id=group_id
            )
        elif action == "detach":
            menu_admin.item_group_detach(
                restaurant_id=restaurant.pk, item_id=item.pk, group_id=group_id
            )
        else:
            raise Http404
    except (ValueError, NotFoundError) as error:
        raise Http404 from error
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect(back)


def _modifier_initial(group: ModifierGroup) -> list[dict]:
    return [
        {
            "id": m.pk,
            "name_fi": m.name_fi,
            "name_sv": m.name_sv,
            "name_en": m.name_en,
            "price_delta": m.price_delta_minor,
            "is_default": m.is_default,
            "is_available": m.is_available,
            "allergens": m.allergens,
        }
        for m in group.modifiers.order_by("position", "id")
    ]


@never_cache
@require_http_methods(["GET", "POST"])
@manager_page
def group_edit(request, group_id: int, *, access: ManagerAccess):
    restaurant = access.restaurant
    group = get_object_or_404(ModifierGroup, pk=group_id, restaurant=restaurant)
    item = _back_item(request, access)
    initial = {
        name: getattr(group, name)
        for name in ("name_fi", "name_sv", "name_en", "min_choices", "max_choices")
    }
    data = request.POST if request.method == "POST" else None
    form = GroupForm(data, initial=initial, prefix="group")
    choices = ModifierFormSet(data, initial=_modifier_initial(group), prefix="choices")
    if request.method == "POST" and form.is_valid() and choices.is_valid():
        rows = [f.to_input() for f in choices.forms]
        try:
            menu_admin.group_update(
                restaurant_id=restaurant.pk,
                group_id=group.pk,
                data=form.to_input(),
                modifiers=[row for row in rows if row is not None],
            )
        except NotFoundError as error:
            raise Http404 from error
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(
                request, _("Choices “%(name)s” saved.") % {"name": group.name_fi}
            )
            if item is not None:
                return redirect(
                    menu_url(access, "manage-menu-item", item.pk, anchor="choices")
                )
            return redirect(menu_url(access, "manage-menu", anchor=f"group-{group.pk}"))
    failed = bool(form.errors) or any(choices.errors) or choices.non_form_errors()
    return page(
        request,
        "menu_group.html",
        access,
        status=400 if failed else 200,
        form=form,
        choices=choices,
        group=group,
        item=item,
        offered_on=list(group.items.order_by("name_fi")),
        trio=trio(form, access, ("name",)),
        min_help=_("0 makes the group optional."),
    )


@require_POST
@manager_page
def group_delete(request, group_id: int, *, access: ManagerAccess):
    group = get_object_or_404(ModifierGroup, pk=group_id, restaurant=access.restaurant)
    menu_admin.group_delete(restaurant_id=access.restaurant.pk, group_id=group.pk)
    messages.success(
        request, _("Choices “%(name)s” deleted.") % {"name": group.name_fi}
    )
    return redirect(menu_url(access, "manage-menu", anchor="groups"))
