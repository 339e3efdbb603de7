"""Channel-layer group names, in one place.

Names use ASCII letters, digits, '-', '_' and '.', and stay under 100
characters, as channel layers require.

Kitchen screens of a restaurant share one group, whatever their station:
events carry one per-restaurant sequence number, and a screen can only tell a
gap from "not for my station" if it sees the whole stream. The stream is small
(a few events per order); each screen shows what belongs to its station.
"""


def kitchen_group(restaurant_id: int) -> str:
    return f"kitchen.{restaurant_id}"


def floor_group(restaurant_id: int) -> str:
    return f"floor.{restaurant_id}"


def table_group(table_session_id: int) -> str:
    return f"table.{table_session_id}"


def menu_group(restaurant_id: int) -> str:
    """Every guest phone at the restaurant: live menu availability."""
    return f"menu.{restaurant_id}"
