"""Signals other apps listen to, so that ordering never imports them.

Both are sent inside the transaction that records the change: a receiver's
own writes (loyalty points, say) commit or roll back with it, and anything
it wants to tell the outside world belongs in `transaction.on_commit`.
"""

from django.dispatch import Signal

# A payment has just succeeded (card, cash or terminal). Sent with `payment`.
payment_succeeded = Signal()

# Money is being given back. Sent with `refund` (its payment is `refund.payment`).
refund_issued = Signal()

# Asked while a payment is reserved, inside its transaction under the table
# session's lock, once its allocations exist. A receiver returns the cents it
# takes off the payment (a loyalty reward the payer applied to the bill), at
# most `limit_minor`, and remembers the payment to settle with it. Sent with
# `payment` and `limit_minor`.
payment_discount = Signal()

# Asked when one phone (`guest`) reads the bill of `table_session`: a receiver
# returns a JSON-ready dict for that phone's page (loyalty: the reward applied
# to the bill and the rewards it could apply), or None.
bill_extras = Signal()
