"""The restaurant's team: who may give which role, changing a role, and
letting someone go. Invitations are in `ordering.services.invitations`."""

from django.db import transaction
from django.utils.translation import gettext as _

from ordering.exceptions import DomainError, NotFoundError, PermissionDeniedError
from ordering.models import StaffMember, StaffRole
from ordering.services.staff import staff_require

MANAGER_ROLES = {StaffRole.OWNER, StaffRole.MANAGER}


def roles_assignable(*, held: set[str]) -> list[str]:
    """Return the roles someone holding `held` may give, change or take away.

    Owners run everything; managers run the floor and kitchen crew but can
    neither make nor unmake managers and owners.
    """
    if StaffRole.OWNER in held:
        return list(StaffRole.values)
    if StaffRole.MANAGER in held:
        return [StaffRole.WAITER, StaffRole.KITCHEN]
    return []


def role_require_assignable(*, user, restaurant_id: int, role: str) -> None:
    """Raise unless the user may give `role` at the restaurant."""
    held = staff_require(user=user, restaurant_id=restaurant_id, roles=MANAGER_ROLES)
    if role not in StaffRole.values:
        raise DomainError(_("Choose a role from the list."), code="invalid_role")
    if role not in roles_assignable(held=held):
        raise PermissionDeniedError(
            _("Only an owner can make someone an owner or a manager.")
        )


def _member_for_change(*, staff_member_id: int, restaurant_id: int, user):
    member = (
        StaffMember.objects.select_for_update()
        .select_related("user")
        .filter(pk=staff_member_id, restaurant_id=restaurant_id)
        .first()
    )
    if member is None:
        raise NotFoundError()
    held = staff_require(user=user, restaurant_id=restaurant_id, roles=MANAGER_ROLES)
    if member.user_id == user.pk:
        raise DomainError(
            _("You cannot change your own role; ask another owner."), code="self"
        )
    if member.role not in roles_assignable(held=held):
        raise PermissionDeniedError(
            _("Only an owner can change an owner's or a manager's role.")
        )
    return member


@transaction.atomic
def staff_member_role_set(
    *, staff_member_id: int, restaurant_id: int, role: str, user
) -> StaffMember:
    """Give a staff member another role at the restaurant."""
    member = _member_for_change(
        staff_member_id=staff_member_id, restaurant_id=restaurant_id, user=user
    )
    role_require_assignable(user=user, restaurant_id=restaurant_id, role=role)
    if member.role != role:
        member.role = role
        member.full_clean()
        member.save(update_fields=["role"])
    return member


@transaction.atomic
def staff_member_active_set(
    *, staff_member_id: int, restaurant_id: int, is_active: bool, user
) -> StaffMember:
    """Let a staff member go (they lose access at once) or take them back.

    The role row stays, so reports still name who served whom.
    """
    member = _member_for_change(
        staff_member_id=staff_member_id, restaurant_id=restaurant_id, user=user
    )
    if member.is_active != is_active:
        member.is_active = is_active
        member.save(update_fields=["is_active"])
    return member
