from django.utils.translation import gettext_lazy as _

from ordering.exceptions import DomainError


class TicketStateError(DomainError):
    http_status = 409
    code = "ticket_state"


class PairingError(DomainError):
    http_status = 400
    code = "pairing_invalid"
    default_message = _(
        "That pairing code is not valid. Ask a manager for a new code; codes "
        "last ten minutes."
    )
