"""Who may use the back office, and for which restaurant."""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.translation import gettext as _

from ordering.models import Restaurant, StaffRole
from ordering.selectors import staff_restaurants, staff_roles

MANAGER_ROLES = {StaffRole.OWNER, StaffRole.MANAGER}


@dataclass(frozen=True)
class ManagerAccess:
    restaurant: Restaurant
    roles: set[str]
    # Every restaurant this person manages, for the switcher.
    managed: list[Restaurant]

    @property
    def is_owner(self) -> bool:
        return StaffRole.OWNER in self.roles


def managed_restaurants(user) -> list[Restaurant]:
    return [
        r
        for r in staff_restaurants(user=user)
        if staff_roles(user=user, restaurant_id=r.pk) & MANAGER_ROLES
    ]


def manager_access(request) -> ManagerAccess | None:
    """The restaurant named by ?restaurant=<slug> (or the first one) that the
    user manages; None for anyone who manages none."""
    managed = managed_restaurants(request.user)
    slug = request.GET.get("restaurant") or request.POST.get("restaurant")
    restaurant = next((r for r in managed if r.slug == slug), None)
    if restaurant is None and not slug and managed:
        restaurant = managed[0]
    if restaurant is None:
        return None
    roles = staff_roles(user=request.user, restaurant_id=restaurant.pk)
    return ManagerAccess(restaurant=restaurant, roles=roles, managed=managed)


def manager_page(view):
    """Let a view run only for a manager (or owner) of the chosen restaurant;
    it receives `access` as a keyword argument."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        access = manager_access(request)
        if access is None:
            return render(
                request,
                "manage/forbidden.html",
                {
                    "message": _(
                        "Only the restaurant's managers and owners see this page."
                    )
                },
                status=403,
            )
        return view(request, *args, access=access, **kwargs)

    return wrapper
