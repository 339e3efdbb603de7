"""Loyalty's writes: every state change and side effect, one module per area.

The payment flow reaches loyalty only through `ordering.hooks` (see
`loyalty.receivers`): `points.points_earn_for_payment`,
`points.points_reverse_for_refund`, `rewards.reservation_bind_payment`,
`rewards.reservation_consume_for_payment` and
`messages.thank_you_send_for_payment`. The bill page uses
`rewards.reward_apply_to_bill` and `rewards.reward_remove_from_bill`.
"""
