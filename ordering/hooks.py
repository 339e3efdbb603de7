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
