"""The one gate every outgoing message passes, and the messages themselves.

`message_send` decides and records. Its rules, in order:

1. A member who deleted their account gets nothing (`erased`).
2. Marketing needs an active programme (`inactive`).
3. Someone to reach: the member's email, else their phone (SMS), else the
   guest's phone at the table (`no_address`).
4. Marketing only: the member's latest marketing consent is yes
   (`no_consent`); no complaint of theirs is open (`open_complaint`); no
   marketing message was sent to them in the programme's interval, 30 days
   by default (`frequency_cap`); and it is not quiet hours in the
   restaurant's time zone, 21:00-09:00 by default (`quiet_hours`: the
   message waits, `deferred`, and `messages_send_due` sends it when they end
   if the gate still agrees then).

Transactional messages, the ones a guest gets because of what they just did
(thank-you for a purchase, the answer to their own feedback), pass rules 1
and 3 only: they need no marketing consent, an open complaint does not
silence the answer to it, they do not count against or towards the
frequency cap, and they go out at once because the guest just acted. They
carry no offers.

Every decision is a `Message` row (sent, deferred, suppressed with its
reason, or failed in delivery), unique by key, so a repeated call
(a replayed payment event, a double-click) sends once.
"""

from loyalty.services.messages.birthdays import birthdays_celebrate
from loyalty.services.messages.campaigns import (
    WIN_BACK_ROLES,
    CampaignResult,
    offer_send,
    win_back_send,
)
from loyalty.services.messages.due import messages_send_due
from loyalty.services.messages.gate import message_send
from loyalty.services.messages.links import (
    FEEDBACK_LINK_DAYS,
    FEEDBACK_SALT,
    feedback_token_make,
    feedback_token_read,
)
from loyalty.services.messages.thank_you import (
    thank_you_send,
    thank_you_send_for_payment,
)

__all__ = [
    "CampaignResult",
    "FEEDBACK_LINK_DAYS",
    "FEEDBACK_SALT",
    "WIN_BACK_ROLES",
    "birthdays_celebrate",
    "feedback_token_make",
    "feedback_token_read",
    "message_send",
    "messages_send_due",
    "offer_send",
    "thank_you_send",
    "thank_you_send_for_payment",
    "win_back_send",
]
