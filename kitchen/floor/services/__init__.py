"""Writes for the floor: every state change and its live event.

`calls` (guests asking for a waiter, the bill or help), `tables` (seat,
move, merge, clear), `service` (ordering on the guests' behalf, firing
courses, serving), `voids` and `sections`. Each publishes on the
restaurant's floor stream, after commit, through `kitchen.events`.
"""
