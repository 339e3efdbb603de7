"""How a phone proves which guest it is.

Browsers keep the guest token in their Django session (set when the QR code is
scanned); API clients send `Authorization: Guest <token>`. Both resolve to a
`Guest` row through its token hash.
"""

from rest_framework import authentication, exceptions, permissions

from ordering.models import Guest
from ordering.selectors import guest_get_by_token

SESSION_KEY = "tableside.guest_token"
HEADER_PREFIX = "guest "


def remember_guest(request, token: str) -> None:
    request.session[SESSION_KEY] = token


def session_token(session) -> str | None:
    return session.get(SESSION_KEY) if session is not None else None


def guest_from_request(request) -> Guest | None:
    return guest_get_by_token(token=session_token(getattr(request, "session", None)))


class GuestAuthentication(authentication.SessionAuthentication):
    """Authenticate a guest by header token, or by session cookie with CSRF."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.lower().startswith(HEADER_PREFIX):
            guest = guest_get_by_token(token=header[len(HEADER_PREFIX) :].strip())
            if guest is None:
                raise exceptions.AuthenticationFailed("Unknown guest token.")
            return (request._request.user, guest)
        guest = guest_from_request(request._request)
        if guest is None:
            return None
        # Cookie-borne credentials must come with the CSRF token.
        self.enforce_csrf(request)
        return (request._request.user, guest)

    def authenticate_header(self, request):
        return "Guest"


class IsGuest(permissions.BasePermission):
    message = "Scan the QR code on your table first."

    def has_permission(self, request, view):
        return isinstance(request.auth, Guest)
