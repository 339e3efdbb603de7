"""The floor's REST endpoints: what waiter tablets read and do, and the calls
guests make from their phones.

Staff sign in with their own login (session cookie, with CSRF); every
service checks that they work on the floor of the restaurant whose table,
call or line it is. Guests' endpoints opt out of the default and accept a
guest token only.
"""

import datetime

from django.utils import timezone
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from kitchen.floor.access import floor_access_require, floor_session_require
from kitchen.floor.models import CallKind
from kitchen.floor.selectors.detail import staff_cart_get, table_session_detail
from kitchen.floor.selectors.payloads import (
    call_data,
    call_data_for_guest,
    void_data,
)
from kitchen.floor.selectors.reports import service_times_by_waiter
from kitchen.floor.selectors.tables import (
    calls_live_for_guest,
    floor_snapshot,
    floor_tables_fresh,
)
from kitchen.floor.services.calls import (
    waiter_call_acknowledge,
    waiter_call_cancel,
    waiter_call_create,
    waiter_call_resolve,
)
from kitchen.floor.services.sections import section_set
from kitchen.floor.services.service import (
    floor_course_fire,
    floor_table_serve,
    floor_ticket_serve,
    staff_cart_line_add,
    staff_cart_line_remove,
    staff_cart_line_update,
    staff_order_submit,
)
from kitchen.floor.services.tables import (
    floor_table_clear,
    floor_table_seat,
    table_session_merge,
    table_session_move,
    table_session_unmerge,
)
from kitchen.floor.services.voids import (
    line_void_approve,
    line_void_reject,
    order_line_void,
)
from ordering.exceptions import PermissionDeniedError
from ordering.guest_auth import GuestAuthentication, IsGuest
from ordering.models import OrderStatus
from ordering.serializers import OrderOutputSerializer, order_data, utc_iso

_restaurant = OpenApiParameter("restaurant", str, description="The restaurant's slug.")
_any = inline_serializer("FloorAny", {"id": serializers.IntegerField()})
_session_out = inline_serializer(
    "FloorTableSession",
    {
        "table_session": serializers.IntegerField(),
        "table": serializers.IntegerField(),
    },
)


def _session(session) -> Response:
    return Response({"table_session": session.pk, "table": session.table_id})


class FloorSnapshotApi(APIView):
    @extend_schema(parameters=[_restaurant], responses={200: dict})
    def get(self, request):
        access = floor_access_require(
            user=request.user,
            restaurant_slug=request.query_params.get("restaurant", ""),
        )
        return Response(floor_snapshot(access=access))


class FloorTablesApi(APIView):
    """Some tables' cards, fresh: a tablet refetches the tables an event named."""

    @extend_schema(
        parameters=[
            _restaurant,
            OpenApiParameter("ids", str, description="Table ids, comma-separated."),
        ],
        responses={200: dict},
    )
    def get(self, request):
        access = floor_access_require(
            user=request.user,
            restaurant_slug=request.query_params.get("restaurant", ""),
        )
        raw = request.query_params.get("ids", "")
        ids = [int(part) for part in raw.split(",") if part.strip().isdigit()][:200]
        return Response(
            floor_tables_fresh(restaurant_id=access.restaurant.pk, table_ids=ids)
        )


class TableSessionDetailApi(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request, table_session_id: int):
        floor_session_require(user=request.user, table_session_id=table_session_id)
        return Response(
            table_session_detail(
                table_session_id=table_session_id, lang=(get_language() or "")[:2]
            )
        )


class TableSeatApi(APIView):
    class InputSerializer(serializers.Serializer):
        party_size = serializers.IntegerField(min_value=1, max_value=60)

    @extend_schema(request=InputSerializer, responses={200: _session_out})
    def post(self, request, table_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = floor_table_seat(
            table_id=table_id,
            party_size=data.validated_data["party_size"],
            user=request.user,
        )
        return _session(session)


class TableClearApi(APIView):
    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "FloorCleared",
                {
                    "table_sessions": serializers.ListField(
                        child=serializers.IntegerField()
                    )
                },
            )
        },
    )
    def post(self, request, table_id: int):
        sessions = floor_table_clear(table_id=table_id, user=request.user)
        return Response({"table_sessions": [s.pk for s in sessions]})


class _ToTable(serializers.Serializer):
    table_id = serializers.IntegerField()


class TableSessionMoveApi(APIView):
    @extend_schema(request=_ToTable, responses={200: _session_out})
    def post(self, request, table_session_id: int):
        data = _ToTable(data=request.data)
        data.is_valid(raise_exception=True)
        session = table_session_move(
            table_session_id=table_session_id,
            to_table_id=data.validated_data["table_id"],
            user=request.user,
        )
        return _session(session)


class TableSessionMergeApi(APIView):
    @extend_schema(request=_ToTable, responses={200: _session_out})
    def post(self, request, table_session_id: int):
        data = _ToTable(data=request.data)
        data.is_valid(raise_exception=True)
        session = table_session_merge(
            table_session_id=table_session_id,
            into_table_id=data.validated_data["table_id"],
            user=request.user,
        )
        return _session(session)


class TableSessionUnmergeApi(APIView):
    @extend_schema(request=None, responses={200: _session_out})
    def post(self, request, table_session_id: int):
        session = table_session_unmerge(
            table_session_id=table_session_id, user=request.user
        )
        return _session(session)


_tickets_out = inline_serializer(
    "FloorTicketList", {"id": serializers.IntegerField()}, many=True
)


class FloorCourseFireApi(APIView):
    class InputSerializer(serializers.Serializer):
        course = serializers.IntegerField(min_value=1, max_value=3)

    @extend_schema(request=InputSerializer, responses={200: _tickets_out})
    def post(self, request, table_session_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tickets = floor_course_fire(
            table_session_id=table_session_id,
            course=data.validated_data["course"],
            user=request.user,
        )
        return Response([{"id": t.pk} for t in tickets])


class FloorTableServeApi(APIView):
    @extend_schema(request=None, responses={200: _tickets_out})
    def post(self, request, table_session_id: int):
        tickets = floor_table_serve(
            table_session_id=table_session_id, user=request.user
        )
        return Response([{"id": t.pk} for t in tickets])


class FloorTicketServeApi(APIView):
    @extend_schema(request=None, responses={200: _tickets_out})
    def post(self, request, ticket_id: int):
        ticket = floor_ticket_serve(ticket_id=ticket_id, user=request.user)
        return Response([{"id": ticket.pk}])


def _cart(order) -> Response:
    if order is None:
        return Response(
            {"id": None, "status": OrderStatus.DRAFT, "total_minor": 0, "lines": []}
        )
    return Response(order_data(order))


class StaffCartApi(APIView):
    """The waiter's own cart at a table: what they are about to order for it."""

    @extend_schema(responses={200: OrderOutputSerializer})
    def get(self, request, table_session_id: int):
        return _cart(
            staff_cart_get(table_session_id=table_session_id, user=request.user)
        )


class StaffCartLineCreateApi(APIView):
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
    def post(self, request, table_session_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart = staff_cart_line_add(
            table_session_id=table_session_id, user=request.user, **data.validated_data
        )
        return Response(order_data(cart), status=status.HTTP_201_CREATED)


class StaffCartLineApi(APIView):
    class InputSerializer(serializers.Serializer):
        quantity = serializers.IntegerField()
        note = serializers.CharField(required=False, allow_blank=True, max_length=500)

    @extend_schema(request=InputSerializer, responses={200: OrderOutputSerializer})
    def patch(self, request, table_session_id: int, line_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart = staff_cart_line_update(
            table_session_id=table_session_id,
            user=request.user,
            line_id=line_id,
            **data.validated_data,
        )
        return Response(order_data(cart))

    @extend_schema(responses={200: OrderOutputSerializer})
    def delete(self, request, table_session_id: int, line_id: int):
        cart = staff_cart_line_remove(
            table_session_id=table_session_id, user=request.user, line_id=line_id
        )
        return Response(order_data(cart))


class StaffCartSubmitApi(APIView):
    class InputSerializer(serializers.Serializer):
        cart_id = serializers.IntegerField()
        note = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=500
        )

    @extend_schema(request=InputSerializer, responses={201: OrderOutputSerializer})
    def post(self, request, table_session_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = staff_order_submit(
            table_session_id=table_session_id, user=request.user, **data.validated_data
        )
        return Response(order_data(order), status=status.HTTP_201_CREATED)


_call_out = inline_serializer(
    "FloorCall",
    {
        "id": serializers.IntegerField(),
        "kind": serializers.CharField(),
        "status": serializers.CharField(),
    },
)


class CallAcknowledgeApi(APIView):
    @extend_schema(request=None, responses={200: _call_out})
    def post(self, request, call_id: int):
        return Response(
            call_data(waiter_call_acknowledge(call_id=call_id, user=request.user))
        )


class CallResolveApi(APIView):
    @extend_schema(request=None, responses={200: _call_out})
    def post(self, request, call_id: int):
        return Response(
            call_data(waiter_call_resolve(call_id=call_id, user=request.user))
        )


_void_out = inline_serializer(
    "FloorVoid",
    {"id": serializers.IntegerField(), "status": serializers.CharField()},
)


class OrderLineVoidApi(APIView):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=200, allow_blank=True)

    @extend_schema(request=InputSerializer, responses={200: _void_out})
    def post(self, request, order_line_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        void = order_line_void(
            order_line_id=order_line_id,
            reason=data.validated_data["reason"],
            user=request.user,
        )
        return Response(void_data(void))


class VoidApproveApi(APIView):
    @extend_schema(request=None, responses={200: _void_out})
    def post(self, request, void_id: int):
        return Response(
            void_data(line_void_approve(void_id=void_id, user=request.user))
        )


class VoidRejectApi(APIView):
    @extend_schema(request=None, responses={200: _void_out})
    def post(self, request, void_id: int):
        return Response(void_data(line_void_reject(void_id=void_id, user=request.user)))


class SectionSetApi(APIView):
    class InputSerializer(serializers.Serializer):
        area = serializers.IntegerField()
        waiter = serializers.IntegerField()
        is_assigned = serializers.BooleanField()

    @extend_schema(
        request=InputSerializer,
        responses={
            200: inline_serializer(
                "FloorSection",
                {
                    "area": serializers.IntegerField(),
                    "waiter": serializers.IntegerField(),
                },
                many=True,
            )
        },
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sections = section_set(
            area_id=data.validated_data["area"],
            waiter_id=data.validated_data["waiter"],
            is_assigned=data.validated_data["is_assigned"],
            user=request.user,
        )
        return Response([{"area": s.area_id, "waiter": s.waiter_id} for s in sections])


class ServiceTimesApi(APIView):
    """Managers: service times and call response times per waiter."""

    @extend_schema(
        parameters=[
            _restaurant,
            OpenApiParameter("days", int, description="Days back from now (1-92)."),
        ],
        responses={200: dict},
    )
    def get(self, request):
        access = floor_access_require(
            user=request.user,
            restaurant_slug=request.query_params.get("restaurant", ""),
        )
        if not access.is_manager:
            raise PermissionDeniedError()
        raw = request.query_params.get("days", "7")
        days = min(max(int(raw) if raw.isdigit() else 7, 1), 92)
        until = timezone.now()
        since = until - datetime.timedelta(days=days)
        return Response(
            {
                "since": utc_iso(since),
                "until": utc_iso(until),
                "waiters": service_times_by_waiter(
                    restaurant_id=access.restaurant.pk, since=since, until=until
                ),
            }
        )


# Guests' endpoints: a phone at the table, proven by its guest token.


class GuestCallsApi(APIView):
    authentication_classes = [GuestAuthentication]
    permission_classes = [IsGuest]

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=CallKind.choices)
        reason = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=500
        )

    @extend_schema(responses={200: _call_out})
    def get(self, request):
        return Response(
            {
                "calls": calls_live_for_guest(
                    table_session_id=request.auth.table_session_id
                )
            }
        )

    @extend_schema(request=InputSerializer, responses={201: _call_out})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call = waiter_call_create(guest=request.auth, **data.validated_data)
        return Response(call_data_for_guest(call), status=status.HTTP_201_CREATED)


class GuestCallCancelApi(APIView):
    authentication_classes = [GuestAuthentication]
    permission_classes = [IsGuest]

    @extend_schema(request=None, responses={200: _call_out})
    def post(self, request, call_id: int):
        call = waiter_call_cancel(guest=request.auth, call_id=call_id)
        return Response(call_data_for_guest(call))
