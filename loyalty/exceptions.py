"""Loyalty's domain errors, each with a message a guest or manager can act on."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from ordering.exceptions import DomainError


class LoyaltyUnavailableError(DomainError):
    http_status = 404
    code = "loyalty_unavailable"
    default_message: Any = _("This restaurant has no loyalty programme.")


class NotSignedInError(DomainError):
    http_status = 401
    code = "member_not_signed_in"
    default_message: Any = _(
        "Sign in to your loyalty card first: enter your email or phone number "
        "and the code we send you."
    )


class CodeInvalidError(DomainError):
    code = "code_invalid"
    default_message: Any = _(
        "That code is not right, or it has expired. Check the latest message "
        "we sent, or ask for a new code."
    )


class AddressInvalidError(DomainError):
    code = "address_invalid"
    default_message: Any = _(
        "Enter an email address (name@example.com) or a phone number with its "
        "country code (+358 40 123 4567)."
    )


class InsufficientPointsError(DomainError):
    http_status = 409
    code = "insufficient_points"


class RewardUnavailableError(DomainError):
    http_status = 409
    code = "reward_unavailable"


class ReservationStateError(DomainError):
    http_status = 409
    code = "reservation_state"


class BirthdayLockedError(DomainError):
    http_status = 409
    code = "birthday_locked"
    default_message: Any = _(
        "Your birthday is already saved and cannot be changed. If it is wrong, "
        "ask the staff."
    )


class FeedbackError(DomainError):
    code = "feedback_invalid"


class MemberErasedError(DomainError):
    http_status = 410
    code = "member_erased"
    default_message: Any = _("This loyalty account has been deleted.")


class SurveyError(DomainError):
    code = "survey_invalid"
