"""REST endpoints. Each parses input, calls one service or selector, and
serializes the result; the rules live in services."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ordering.exceptions import NotFoundError
from ordering.guest_auth import GuestAuthentication, IsGuest, remember_guest
from ordering.menus import menu_data, menu_language
from ordering.models import OrderStatus
from ordering.selectors import (
    cart_get,
    order_get_for_session,
    restaurant_get,
    table_session_orders,
)
from ordering.serializers import MenuOutputSerializer, OrderOutputSerializer
from ordering.services.orders import (
    cart_line_add,
    cart_line_remove,
    cart_line_update,
    order_submit,
)
from ordering.services.tables import (
    table_code_rotate,
    table_session_close,
    table_session_join,
    table_session_open,
)


class GuestApi(APIView):
    """Base for endpoints a phone at a table calls."""

    authentication_classes = [GuestAuthentication]
    permission_classes = [IsGuest]

    @property
    def guest(self):
        return self.request.auth


def _cart_response(order, *, status_code=status.HTTP_200_OK) -> Response:
    if order is None:
        return Response(
            {"id": None, "status": OrderStatus.DRAFT, "total_minor": 0, "lines": []},
            status=status_code,
        )
    return Response(OrderOutputSerializer(order).data, status=status_code)


class TableSessionJoinApi(APIView):
    # Open to anyone holding a valid table code: scanning it is the login.
    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=200)
        language = serializers.CharField(max_length=5, required=False, default="")

    class OutputSerializer(serializers.Serializer):
        guest_id = serializers.IntegerField()
        guest_token = serializers.CharField()
        table_session = serializers.IntegerField()
        table = serializers.CharField()
        restaurant = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        guest, token = table_session_join(
            code=data.validated_data["code"], language=data.validated_data["language"]
        )
        remember_guest(request, token)
        session = guest.table_session
        body = {
            "guest_id": guest.pk,
            "guest_token": token,
            "table_session": session.pk,
            "table": session.table.label,
            "restaurant": session.restaurant.slug,
        }
        return Response(
            self.OutputSerializer(body).data, status=status.HTTP_201_CREATED
        )


class MenuApi(APIView):
    # The menu is public, like the printed one in the window.
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("lang", str, enum=["fi", "sv", "en"])],
        responses={200: MenuOutputSerializer},
    )
    def get(self, request, slug: str):
        restaurant = restaurant_get(slug=slug)
        if restaurant is None:
            raise NotFoundError(_("There is no restaurant at this address."))
        lang = menu_language(restaurant, request.query_params.get("lang"))
        return Response(menu_data(restaurant=restaurant, lang=lang))


class CartApi(GuestApi):
    @extend_schema(responses={200: OrderOutputSerializer})
    def get(self, request):
        return _cart_response(cart_get(guest=self.guest))


class CartLineCreateApi(GuestApi):
    class InputSerializer(serializers.Serializer):
        menu_item_id = serializers.IntegerField()
        quantity = serializers.IntegerField(default=1)
        modifier_ids = serializers.ListField(
            child=serializers.IntegerField(),
            required=False,
            default=list,
            max_length=50,
        )
        note = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=500
        )

    @extend_schema(request=InputSerializer, responses={201: OrderOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart = cart_line_add(guest=self.guest, **data.validated_data)
        return _cart_response(cart, status_code=status.HTTP_201_CREATED)


class CartLineApi(GuestApi):
    class InputSerializer(serializers.Serializer):
        quantity = serializers.IntegerField()
        note = serializers.CharField(required=False, allow_blank=True, max_length=500)

    @extend_schema(request=InputSerializer, responses={200: OrderOutputSerializer})
    def patch(self, request, line_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart = cart_line_update(
            guest=self.guest, line_id=line_id, **data.validated_data
        )
        return _cart_response(cart)

    @extend_schema(responses={200: OrderOutputSerializer})
    def delete(self, request, line_id: int):
        return _cart_response(cart_line_remove(guest=self.guest, line_id=line_id))


class CartSubmitApi(GuestApi):
    class InputSerializer(serializers.Serializer):
        cart_id = serializers.IntegerField()
        note = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=500
        )

    @extend_schema(request=InputSerializer, responses={201: OrderOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = order_submit(guest=self.guest, **data.validated_data)
        return Response(
            OrderOutputSerializer(order).data, status=status.HTTP_201_CREATED
        )


class OrderListApi(GuestApi):
    @extend_schema(responses={200: OrderOutputSerializer(many=True)})
    def get(self, request):
        orders = table_session_orders(
            table_session_id=self.guest.table_session_id
        ).select_related("restaurant")
        return Response(OrderOutputSerializer(orders, many=True).data)


class OrderDetailApi(GuestApi):
    @extend_schema(responses={200: OrderOutputSerializer})
    def get(self, request, order_id: int):
        order = order_get_for_session(
            table_session_id=self.guest.table_session_id, order_id=order_id
        )
        if order is None:
            raise NotFoundError()
        return Response(OrderOutputSerializer(order).data)


# Staff endpoints: the default IsAuthenticated plus a role check in services.


_session_out = inline_serializer(
    "TableSessionOutput",
    {
        "id": serializers.IntegerField(),
        "table": serializers.IntegerField(),
        "status": serializers.CharField(),
        "party_size": serializers.IntegerField(allow_null=True),
    },
)


def _session_body(session) -> dict:
    return {
        "id": session.pk,
        "table": session.table_id,
        "status": session.status,
        "party_size": session.party_size,
    }


class StaffTableSessionOpenApi(APIView):
    class InputSerializer(serializers.Serializer):
        party_size = serializers.IntegerField(
            required=False, allow_null=True, min_value=1, max_value=60
        )

    @extend_schema(request=InputSerializer, responses={201: _session_out})
    def post(self, request, table_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = table_session_open(
            table_id=table_id,
            user=request.user,
            party_size=data.validated_data.get("party_size"),
        )
        return Response(_session_body(session), status=status.HTTP_201_CREATED)


class StaffTableSessionCloseApi(APIView):
    @extend_schema(request=None, responses={200: _session_out})
    def post(self, request, table_session_id: int):
        session = table_session_close(
            table_session_id=table_session_id, user=request.user
        )
        return Response(_session_body(session))


class StaffTableCodeRotateApi(APIView):
    @extend_schema(
        request=None,
        responses={
            200: inline_serializer("TableCode", {"code": serializers.CharField()})
        },
    )
    def post(self, request, table_id: int):
        return Response(
            {"code": table_code_rotate(table_id=table_id, user=request.user)}
        )
