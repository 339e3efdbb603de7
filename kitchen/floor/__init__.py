"""The floor: waiter tablets and table service.

Sections (which waiter covers which areas), guests' calls for a waiter, voids
with a manager's approval, the floor's record of each table session, the
table state shown on the tablets (`states`, a pure function), and the
services and selectors behind the floor page, its REST API and its
websocket. Models live in `kitchen.floor.models`, registered through
`kitchen.models`.
"""
