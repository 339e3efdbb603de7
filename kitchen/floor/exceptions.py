"""The floor's domain errors; `config.errors` turns them into API answers."""

from django.utils.translation import gettext_lazy as _

from ordering.exceptions import DomainError


class CallError(DomainError):
    code = "call_invalid"
    default_message = _("That call could not be sent. Please ask a waiter.")


class CallStateError(DomainError):
    http_status = 409
    code = "call_state"


class FloorTableError(DomainError):
    """A move, merge, seat or clear that the tables' current state rules out."""

    http_status = 409
    code = "floor_table"


class VoidError(DomainError):
    http_status = 409
    code = "void_invalid"


class SectionError(DomainError):
    code = "section_invalid"
