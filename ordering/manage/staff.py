"""Staff: who works here in which role, changing roles, letting someone go,
and inviting new people by email.

Owners may give any role; managers run waiters and kitchen staff only
(`ordering.services.team.roles_assignable`). The page offers only what the
signed-in person may do, and the services check it again.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ordering.exceptions import DomainError
from ordering.manage.access import ManagerAccess, manager_page
from ordering.models import StaffInvitation, StaffMember, StaffRole
from ordering.services.invitations import invitation_create, invitation_revoke
from ordering.services.team import (
    roles_assignable,
    staff_member_active_set,
    staff_member_role_set,
)


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


def _role_name(role: str) -> str:
    return str(StaffRole(role).label) if role in StaffRole.values else role


def _act(request, access: ManagerAccess) -> str:
    post, user, rid = request.POST, request.user, access.restaurant.pk
    action = post.get("action", "")
    if action == "invite":
        invitation, _token = invitation_create(
            restaurant_id=rid,
            email=post.get("email", ""),
            role=post.get("role", ""),
            user=user,
            language=(get_language() or "fi")[:2],
        )
        return _("Invitation sent to %(email)s as %(role)s.") % {
            "email": invitation.email,
            "role": _role_name(invitation.role),
        }
    if action == "revoke":
        invitation = invitation_revoke(
            invitation_id=_int(post.get("invitation")), restaurant_id=rid, user=user
        )
        return _("The invitation to %(email)s no longer works.") % {
            "email": invitation.email
        }
    member_id = _int(post.get("member"))
    if action == "role":
        member = staff_member_role_set(
            staff_member_id=member_id,
            restaurant_id=rid,
            role=post.get("role", ""),
            user=user,
        )
        return _("%(name)s is now %(role)s.") % {
            "name": _person(member),
            "role": _role_name(member.role),
        }
    if action in ("deactivate", "activate"):
        member = staff_member_active_set(
            staff_member_id=member_id,
            restaurant_id=rid,
            is_active=action == "activate",
            user=user,
        )
        if member.is_active:
            return _("%(name)s is back on the staff.") % {"name": _person(member)}
        return _("%(name)s can no longer sign in to this restaurant.") % {
            "name": _person(member)
        }
    raise DomainError(_("That did not go through."))


def _person(member: StaffMember) -> str:
    user = member.user
    return user.get_full_name() or user.get_username()


@never_cache
@require_http_methods(["GET", "POST"])
@manager_page
def staff_page(request, *, access: ManagerAccess):
    if request.method == "POST":
        try:
            messages.success(request, _act(request, access))
        except DomainError as error:
            messages.error(request, str(error.message))
        query = urlencode({"restaurant": access.restaurant.slug})
        return redirect(f"{reverse('manage-staff')}?{query}")
    restaurant = access.restaurant
    assignable = roles_assignable(held=access.roles)
    rank = {role: n for n, role in enumerate(StaffRole.values)}  # owners first
    members = sorted(
        StaffMember.objects.filter(restaurant=restaurant).select_related("user"),
        key=lambda m: (not m.is_active, rank.get(m.role, 9), m.user.username),
    )
    now = timezone.now()
    pending = [
        {"invitation": i, "is_expired": i.expires_at <= now}
        for i in StaffInvitation.objects.filter(
            restaurant=restaurant, accepted_at__isnull=True, revoked_at__isnull=True
        ).order_by("-created_at")[:50]
    ]
    rows = [
        {
            "member": m,
            "name": _person(m),
            "is_me": m.user_id == request.user.pk,
            "can_change": m.user_id != request.user.pk and m.role in assignable,
        }
        for m in members
    ]
    return render(
        request,
        "manage/staff.html",
        {
            "access": access,
            "section": "staff",
            "rows": rows,
            "pending": pending,
            "role_choices": [(r, _role_name(r)) for r in assignable],
            "is_owner": access.is_owner,
        },
    )
