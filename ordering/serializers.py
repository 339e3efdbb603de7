"""Output shapes shared by the REST API, live events and screen snapshots.

Everything they produce is JSON primitives: integer ids and money, ISO-8601
UTC times, and `{language: text}` dicts for menu text frozen on order lines.
"""

import datetime

from django.db import models
from rest_framework import serializers

from ordering.models import Order, OrderLine


class UtcDateTimeField(serializers.DateTimeField):
    """Render times in UTC ('...Z') whatever the active time zone is."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default_timezone", datetime.UTC)
        super().__init__(*args, **kwargs)


class OutputModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: UtcDateTimeField,
    }


class OrderLineOutputSerializer(OutputModelSerializer):
    added_by = serializers.IntegerField(source="added_by_id", allow_null=True)
    menu_item = serializers.IntegerField(source="menu_item_id", allow_null=True)

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "menu_item",
            "name",
            "modifiers",
            "allergens",
            "quantity",
            "unit_price_minor",
            "line_total_minor",
            "vat_rate_bp",
            "course",
            "note",
            "status",
            "added_by",
        ]
        read_only_fields = fields


class OrderOutputSerializer(OutputModelSerializer):
    """An order as the API returns it; `order_data` produces it."""

    lines = OrderLineOutputSerializer(many=True, read_only=True)
    currency = serializers.CharField(source="restaurant.currency")
    table_session = serializers.IntegerField(source="table_session_id")
    guest = serializers.IntegerField(source="guest_id", allow_null=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "status",
            "table_session",
            "guest",
            "note",
            "total_minor",
            "currency",
            "created_at",
            "placed_at",
            "status_changed_at",
            "version",
            "lines",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        return order_data(instance)


def utc_iso(moment: datetime.datetime | None) -> str | None:
    """Return a time as ISO 8601 in UTC with a Z, as DRF's fields above do."""
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def line_data(line: OrderLine) -> dict:
    return {
        "id": line.pk,
        "menu_item": line.menu_item_id,
        "name": line.name,
        "modifiers": line.modifiers,
        "allergens": line.allergens,
        "quantity": line.quantity,
        "unit_price_minor": line.unit_price_minor,
        "line_total_minor": line.line_total_minor,
        "vat_rate_bp": line.vat_rate_bp,
        "course": line.course,
        "note": line.note,
        "status": line.status,
        "added_by": line.added_by_id,
    }


def order_data(order: Order) -> dict:
    """Return an order as plain JSON values (API, events and snapshots).

    Written out by hand: it runs for every response and push about an order,
    and DRF's field machinery costs several times as much. The serializers
    above declare the same shape for the API documentation.
    """
    return {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "table_session": order.table_session_id,
        "guest": order.guest_id,
        "note": order.note,
        "total_minor": order.total_minor,
        "currency": order.restaurant.currency,
        "created_at": utc_iso(order.created_at),
        "placed_at": utc_iso(order.placed_at),
        "status_changed_at": utc_iso(order.status_changed_at),
        "version": order.version,
        "lines": [line_data(line) for line in order.lines.all()],
    }


# The menu's shape, for the API documentation (menus.menu_data builds it).


class MenuModifierOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    price_delta_minor = serializers.IntegerField()
    is_default = serializers.BooleanField()
    is_available = serializers.BooleanField()
    allergens = serializers.ListField(child=serializers.CharField())


class MenuModifierGroupOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    min = serializers.IntegerField()
    max = serializers.IntegerField()
    modifiers = MenuModifierOutputSerializer(many=True)


class MenuItemOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    price_minor = serializers.IntegerField(help_text="Price with VAT, in cents.")
    vat_rate_bp = serializers.IntegerField(help_text="2550 = 25.5 %")
    allergens = serializers.ListField(child=serializers.CharField())
    diets = serializers.ListField(child=serializers.CharField())
    photo = serializers.CharField(allow_null=True)
    course = serializers.IntegerField()
    is_available = serializers.BooleanField(help_text="False when marked sold out.")
    stock = serializers.IntegerField(
        allow_null=True, help_text="Portions left; null when not limited."
    )
    sold_out = serializers.BooleanField()
    orderable_now = serializers.BooleanField()
    window = serializers.CharField(allow_null=True, help_text="Serving hours.")
    modifier_groups = serializers.ListField(child=serializers.IntegerField())


class MenuCategoryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    window = serializers.CharField(allow_null=True)
    items = MenuItemOutputSerializer(many=True)


class MenuRestaurantOutputSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    currency = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())


class MenuOutputSerializer(serializers.Serializer):
    restaurant = MenuRestaurantOutputSerializer()
    language = serializers.CharField()
    categories = MenuCategoryOutputSerializer(many=True)
    modifier_groups = MenuModifierGroupOutputSerializer(many=True)
