"""Loyalty's writes: every state change and side effect, one module per area.

The payment flow calls `points.points_earn_for_payment`,
`points.points_reverse_for_refund`, `rewards.reward_reserve`,
`rewards.reward_consume`, `rewards.reward_release` and
`messages.thank_you_send`.
"""
