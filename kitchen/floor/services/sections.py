"""Sections: which waiter covers which areas of the floor."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kitchen.floor.exceptions import SectionError
from kitchen.floor.models import Section
from kitchen.floor.selectors.payloads import staff_name
from kitchen.floor.services.common import floor_publish
from kitchen.services.access import FLOOR_ROLES, MANAGER_ROLES
from ordering.exceptions import NotFoundError, PermissionDeniedError
from ordering.models import Area
from ordering.selectors import staff_roles
from ordering.services.staff import staff_require


@transaction.atomic
def section_set(
    *, area_id: int, waiter_id: int, is_assigned: bool, user
) -> list[Section]:
    """Put a waiter in an area's section, or take them out of it.

    Managers assign anyone on the floor; a waiter takes or leaves an area
    for themselves. Return the area's sections afterwards.
    """
    area = Area.objects.filter(pk=area_id).first()
    if area is None:
        raise NotFoundError(_("There is no such area."), code="unknown_area")
    roles = staff_require(
        user=user, restaurant_id=area.restaurant_id, roles=FLOOR_ROLES
    )
    if waiter_id != user.pk and not roles & MANAGER_ROLES:
        raise PermissionDeniedError(
            _("Only a manager can change another waiter's section.")
        )
    waiter = get_user_model()._default_manager.filter(pk=waiter_id).first()
    if (
        waiter is None
        or not staff_roles(user=waiter, restaurant_id=area.restaurant_id) & FLOOR_ROLES
    ):
        raise SectionError(_("That person does not work on this floor."))
    existing = Section.objects.filter(area=area, waiter=waiter)
    if is_assigned and not existing.exists():
        section = Section(
            restaurant_id=area.restaurant_id, area=area, waiter=waiter, assigned_by=user
        )
        section.full_clean(exclude=["waiter", "assigned_by", "area"])
        try:
            with transaction.atomic():
                section.save()
        except IntegrityError:
            pass  # assigned by a colleague a moment ago
    elif not is_assigned:
        existing.delete()
    sections = list(
        Section.objects.filter(area=area).select_related("waiter").order_by("id")
    )
    floor_publish(
        restaurant_id=area.restaurant_id,
        event="section.changed",
        data={
            "area": area.pk,
            "waiters": [
                {"waiter": s.waiter_id, "name": staff_name(s.waiter)} for s in sections
            ],
        },
    )
    return sections
