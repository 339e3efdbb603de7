from .menu import MenuCategory, MenuItem, Modifier, ModifierGroup
from .orders import (
    ORDER_TRANSITIONS,
    PLACED_STATUSES,
    Order,
    OrderLine,
    OrderStatus,
)
from .restaurants import Area, Restaurant, StaffMember, StaffRole, Table
from .sessions import Guest, TableSession, TableSessionStatus

__all__ = [
    "ORDER_TRANSITIONS",
    "PLACED_STATUSES",
    "Area",
    "Guest",
    "MenuCategory",
    "MenuItem",
    "Modifier",
    "ModifierGroup",
    "Order",
    "OrderLine",
    "OrderStatus",
    "Restaurant",
    "StaffMember",
    "StaffRole",
    "Table",
    "TableSession",
    "TableSessionStatus",
]
