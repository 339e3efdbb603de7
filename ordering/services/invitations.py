"""Inviting people to the staff by email, and accepting an invitation.

The emailed link holds a random token; the database keeps only its SHA-256,
so a leaked database cannot be used to join anyone's staff. A link works
once, for `INVITATION_DAYS` days, and not after it is revoked.
"""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ordering import ratelimit
from ordering.exceptions import DomainError, NotFoundError, RateLimitedError
from ordering.models import Restaurant, StaffInvitation, StaffMember
from ordering.selectors import token_hash
from ordering.services.staff import staff_require
from ordering.services.team import MANAGER_ROLES, role_require_assignable

INVITATION_DAYS = 7
# A restaurant hires a handful of people at a time; more than this in an hour
# looks like someone using the invitation form to send mail to strangers.
INVITATIONS_PER_HOUR = 30


class InvitationInvalidError(DomainError):
    http_status = 410
    code = "invitation_invalid"


def invitation_link(token: str) -> str:
    return f"{settings.TABLESIDE['PUBLIC_URL'].rstrip('/')}/manage/invite/{token}/"


def _send(*, invitation: StaffInvitation, token: str, language: str) -> None:
    with translation.override(language):
        context = {
            "restaurant": invitation.restaurant.name,
            "role": invitation.get_role_display(),
            "link": invitation_link(token),
            "expires_at": invitation.expires_at,
            "tz": invitation.restaurant.timezone,
        }
        subject = _("You are invited to join %(restaurant)s") % {
            "restaurant": invitation.restaurant.name
        }
        body = render_to_string("manage/invite_email.txt", context)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email]).send(
        fail_silently=False
    )


@transaction.atomic
def invitation_create(
    *, restaurant_id: int, email: str, role: str, user, language: str = "fi"
) -> tuple[StaffInvitation, str]:
    """Invite `email` to the restaurant as `role`; return it and its token.

    The email goes out after commit, in `language`. Owners may invite any
    role; managers only waiters and kitchen staff.
    """
    role_require_assignable(user=user, restaurant_id=restaurant_id, role=role)
    address = (email or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise DomainError(
            _("That does not look like an email address: check it and try again."),
            code="invalid_email",
        ) from None
    allowed, retry_after = ratelimit.hit(
        f"staff-invitations:{restaurant_id}",
        limit=INVITATIONS_PER_HOUR,
        window_seconds=3600,
    )
    if not allowed:
        raise RateLimitedError(
            _("Too many invitations in an hour. Try again later."),
            headers={"Retry-After": str(retry_after)},
        )
    return invitation_issue(
        restaurant=Restaurant.objects.get(pk=restaurant_id),
        email=address,
        role=role,
        invited_by=user,
        language=language,
    )


def invitation_issue(
    *, restaurant: Restaurant, email: str, role: str, invited_by, language: str
) -> tuple[StaffInvitation, str]:
    """Write an invitation and email its link after commit; return it and
    its token. The caller has decided that `invited_by` may (the back office
    through `invitation_create`, or a superuser in the Django admin)."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = StaffInvitation(
        restaurant=restaurant,
        email=email.strip(),
        role=role,
        token_hash=token_hash(token),
        invited_by=invited_by,
        created_at=now,
        expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    transaction.on_commit(
        lambda: _send(invitation=invitation, token=token, language=language)
    )
    return invitation, token


@transaction.atomic
def invitation_revoke(
    *, invitation_id: int, restaurant_id: int, user
) -> StaffInvitation:
    """Make an unused invitation's link stop working."""
    staff_require(user=user, restaurant_id=restaurant_id, roles=MANAGER_ROLES)
    invitation = (
        StaffInvitation.objects.select_for_update()
        .filter(pk=invitation_id, restaurant_id=restaurant_id)
        .first()
    )
    if invitation is None:
        raise NotFoundError()
    role_require_assignable(
        user=user, restaurant_id=restaurant_id, role=invitation.role
    )
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation was already accepted."), code="used")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_get_by_token(*, token: str | None) -> StaffInvitation | None:
    """Return the invitation a link's token names (usable or not), or None."""
    if not token:
        return None
    return (
        StaffInvitation.objects.select_related("restaurant")
        .filter(token_hash=token_hash(token))
        .first()
    )


def _new_user(*, username: str, password: str, first_name: str, email: str):
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise DomainError(_("Choose a username."), code="username")
    user = User(username=username, first_name=(first_name or "").strip()[:150])
    user.email = email
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        if "username" in error.message_dict:
            raise DomainError(
                " ".join(error.message_dict["username"]), code="username"
            ) from None
        raise
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), code="password") from None
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    user=None,
    username: str = "",
    password: str = "",
    first_name: str = "",
):
    """Use an invitation: give its role to `user` (a signed-in account) or to
    a new account made from `username` and `password`. Return the user.

    Raises InvitationInvalidError when the link is unknown, used, revoked or
    expired, and DomainError when the person already works there.
    """
    found = invitation_get_by_token(token=token)
    invitation = (
        StaffInvitation.objects.select_for_update()
        .select_related("restaurant")
        .filter(pk=found.pk)
        .first()
        if found is not None
        else None
    )
    if invitation is None or not invitation.is_usable():
        raise InvitationInvalidError(
            _(
                "This invitation link does not work any more: it was used, "
                "withdrawn or it expired. Ask the manager for a new one."
            )
        )
    if user is None or not user.is_authenticated:
        user = _new_user(
            username=username,
            password=password,
            first_name=first_name,
            email=invitation.email,
        )
    member = StaffMember.objects.filter(
        user=user, restaurant=invitation.restaurant
    ).first()
    if member is not None and member.is_active:
        raise DomainError(
            _(
                "You already work at %(restaurant)s as %(role)s. Ask an owner "
                "to change your role."
            )
            % {
                "restaurant": invitation.restaurant.name,
                "role": member.get_role_display(),
            },
            code="already_staff",
        )
    if member is None:
        member = StaffMember(user=user, restaurant=invitation.restaurant)
    member.role = invitation.role
    member.is_active = True
    member.full_clean()
    member.save()
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user
