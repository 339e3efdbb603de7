from collections.abc import Iterable

from django.utils.translation import gettext as _

from ordering.exceptions import PermissionDeniedError
from ordering.selectors import staff_roles


def staff_require(
    *, user, restaurant_id: int, roles: Iterable[str] | None = None
) -> set[str]:
    """Raise unless the user is active staff of the restaurant (in one of `roles`).

    Return the user's roles there. Outsiders learn nothing about the
    restaurant beyond "not allowed".
    """
    held = staff_roles(user=user, restaurant_id=restaurant_id)
    if not held or (roles is not None and not held & set(roles)):
        raise PermissionDeniedError(
            _("You do not work at this restaurant in a role that can do this.")
        )
    return held
