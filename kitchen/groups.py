"""Channel-layer group names, in one place.

Names use ASCII letters, digits, '-', '_' and '.', and stay under 100
characters, as channel layers require.
"""


def kitchen_group(restaurant_id: int, station: str) -> str:
    return f"kitchen.{restaurant_id}.{station}"


def floor_group(restaurant_id: int) -> str:
    return f"floor.{restaurant_id}"


def table_group(table_session_id: int) -> str:
    return f"table.{table_session_id}"
