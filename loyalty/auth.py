"""How a phone proves which member it is.

Signing in (`member_join`) gives the phone a random token. Browsers keep it
in a long-lived, HttpOnly cookie per restaurant (guest sessions last one
meal; a loyalty card should last longer); API clients send it as
`X-Member-Token: <token>`. Only the token's SHA-256 is stored.
"""

from dataclasses import dataclass

from django.conf import settings
from rest_framework import permissions

from loyalty.models import Member
from loyalty.selectors import member_get_by_token
from ordering.guest_auth import GuestAuthentication, guest_from_request
from ordering.models import Guest

HEADER = "HTTP_X_MEMBER_TOKEN"
COOKIE_MAX_AGE = 365 * 24 * 3600


def cookie_name(restaurant_id: int) -> str:
    return f"tableside_member_{restaurant_id}"


def member_cookie_set(response, *, restaurant_id: int, token: str, request) -> None:
    response.set_cookie(
        cookie_name(restaurant_id),
        token,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
    )


def member_cookie_clear(response, *, restaurant_id: int) -> None:
    response.delete_cookie(cookie_name(restaurant_id), samesite="Lax")


def member_from_cookies(request, *, restaurant_id: int) -> Member | None:
    member = member_get_by_token(token=request.COOKIES.get(cookie_name(restaurant_id)))
    return member if member and member.restaurant_id == restaurant_id else None


@dataclass(frozen=True)
class Caller:
    """Who is calling a loyalty endpoint: a phone at a table, a member, or both."""

    guest: Guest | None
    member: Member | None
    token: str = ""


class LoyaltyAuthentication(GuestAuthentication):
    """Authenticate the guest (as `GuestAuthentication` does) and the member.

    The member comes from `X-Member-Token`, or from the member cookie of the
    guest's restaurant, which like the guest cookie needs the CSRF token.
    """

    def authenticate(self, request):
        guest_result = super().authenticate(request)
        guest = guest_result[1] if guest_result else None
        token = request.META.get(HEADER, "").strip()
        used_cookie = False
        if not token:
            restaurant_id = (
                guest.table_session.restaurant_id
                if guest
                else _restaurant_from_cookie(request)
            )
            if restaurant_id is not None:
                token = request.COOKIES.get(cookie_name(restaurant_id), "")
                used_cookie = bool(token)
        member = member_get_by_token(token=token) if token else None
        if guest is None and member is None:
            return None
        if used_cookie and guest_result is None:
            self.enforce_csrf(request)
        if guest is None:
            guest = guest_from_request(request._request)
        return (request._request.user, Caller(guest=guest, member=member, token=token))


def _restaurant_from_cookie(request) -> int | None:
    prefix = "tableside_member_"
    for name in request.COOKIES:
        if name.startswith(prefix) and name[len(prefix) :].isdigit():
            return int(name[len(prefix) :])
    return None


class IsMember(permissions.BasePermission):
    message = "Sign in to your loyalty card first."

    def has_permission(self, request, view):
        return isinstance(request.auth, Caller) and request.auth.member is not None


class IsGuestAtTable(permissions.BasePermission):
    message = "Scan the QR code on your table first."

    def has_permission(self, request, view):
        return isinstance(request.auth, Caller) and request.auth.guest is not None
