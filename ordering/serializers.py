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

    class Meta:
        model = OrderLine
        fields = [
            "id",
            "name",
            "modifiers",
            "allergens",
            "quantity",
            "unit_price_minor",
            "line_total_minor",
            "vat_rate_bp",
            "course",
            "note",
            "added_by",
        ]
        read_only_fields = fields


class OrderOutputSerializer(OutputModelSerializer):
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


def order_data(order: Order) -> dict:
    """Return an order as plain JSON values (for events and snapshots)."""
    data = OrderOutputSerializer(order).data
    return {**data, "lines": [dict(line) for line in data["lines"]]}
