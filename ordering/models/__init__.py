from .menu import MenuCategory, MenuItem, Modifier, ModifierGroup
from .orders import (
    ORDER_TRANSITIONS,
    PLACED_STATUSES,
    LineStatus,
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
    "LineStatus",
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
