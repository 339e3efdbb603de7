"""Accepting an invitation to the staff: the emailed link's page.

Anyone holding the link may open it (it is the credential); it asks a
newcomer for a username and password, or lets someone already signed in
take the role on their own account.
"""

from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ordering.exceptions import DomainError
from ordering.models import StaffRole
from ordering.services.invitations import (
    InvitationInvalidError,
    invitation_accept,
    invitation_get_by_token,
)


def _landing(role: str, slug: str) -> str:
    """Where a new staff member starts: their own screen."""
    if role in (StaffRole.OWNER, StaffRole.MANAGER):
        return f"{reverse('manage-home')}?restaurant={slug}"
    if role == StaffRole.KITCHEN:
        return reverse("kitchen-display")
    return reverse("floor")


@never_cache
@require_http_methods(["GET", "POST"])
def invite_accept(request, token: str):
    invitation = invitation_get_by_token(token=token)
    usable = invitation is not None and invitation.is_usable()
    error = None
    if request.method == "POST" and usable:
        account = request.user if request.POST.get("use") == "me" else None
        try:
            user = invitation_accept(
                token=token,
                user=account,
                username=request.POST.get("username", ""),
                password=request.POST.get("password", ""),
                first_name=request.POST.get("first_name", ""),
            )
        except InvitationInvalidError as exc:
            usable, error = False, str(exc.message)
        except DomainError as exc:
            error = str(exc.message)
        else:
            if account is None:
                login(
                    request,
                    user,
                    backend="django.contrib.auth.backends.ModelBackend",
                )
            assert invitation is not None
            return redirect(_landing(invitation.role, invitation.restaurant.slug))
    status = 200 if usable else 410
    return render(
        request,
        "manage/invite_accept.html",
        {
            "invitation": invitation if usable else None,
            "error": error
            or (
                None
                if usable
                else _(
                    "This invitation link does not work any more: it was used, "
                    "withdrawn or it expired. Ask the manager for a new one."
                )
            ),
            "form": request.POST if request.method == "POST" else {},
        },
        status=status,
    )
