"""Domain errors: what went wrong, in words a guest or waiter can act on.

Every error carries a stable machine `code`, a translated `message` and an
`extra` dict of plain values; `config.errors` turns them into API responses.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    http_status = 400
    code = "invalid"
    default_message: Any = _("The request could not be completed.")

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        self.extra = extra or {}
        self.headers = headers
        super().__init__(str(self.message))


class NotFoundError(DomainError):
    http_status = 404
    code = "not_found"
    default_message = _("That does not exist, or it is not yours to see.")


class PermissionDeniedError(DomainError):
    http_status = 403
    code = "forbidden"
    default_message = _("You are not allowed to do that.")


class InvalidTableTokenError(DomainError):
    http_status = 404
    code = "invalid_table_code"
    default_message = _(
        "This table code is not valid any more. Please ask the staff for help "
        "or scan the code on your table again."
    )


class TableClosedError(DomainError):
    http_status = 409
    code = "table_session_closed"
    default_message = _(
        "This table's visit has ended. Scan the QR code on the table to start a "
        "new one."
    )


class ItemUnavailableError(DomainError):
    http_status = 409
    code = "item_unavailable"


class ModifierRuleError(DomainError):
    code = "modifier_rules"


class CartError(DomainError):
    code = "cart_invalid"


class OrderStateError(DomainError):
    http_status = 409
    code = "order_state"


class RateLimitedError(DomainError):
    http_status = 429
    code = "rate_limited"
