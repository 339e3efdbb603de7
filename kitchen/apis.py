"""Kitchen REST endpoints: what screens (and kitchen staff) do to tickets.

Paired screens authenticate with their cookie, staff with their session;
the services check that either belongs to the ticket's restaurant.
"""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from kitchen.access import (
    SCREEN_COOKIE,
    SCREEN_COOKIE_MAX_AGE,
    ScreenAuthentication,
    access_for,
)
from kitchen.models import Screen
from kitchen.selectors import kitchen_snapshot, ticket_data, tickets_with_details
from kitchen.services.menu import item_availability_set
from kitchen.services.screens import screen_pair
from kitchen.services.tickets import (
    course_fire,
    table_serve,
    ticket_line_done,
    ticket_move,
    tickets_acknowledge,
)
from ordering.exceptions import PermissionDeniedError


class IsScreenOrUser(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, Screen) or request.user.is_authenticated


class KitchenApi(APIView):
    authentication_classes = [ScreenAuthentication, SessionAuthentication]
    permission_classes = [IsScreenOrUser]

    @property
    def by(self):
        auth = self.request.auth
        return auth if isinstance(auth, Screen) else self.request.user


def _ticket(ticket) -> Response:
    return Response(ticket_data(tickets_with_details().get(pk=ticket.pk)))


_ticket_out = inline_serializer("KitchenTicket", {"id": serializers.IntegerField()})
_tickets_out = inline_serializer(
    "KitchenTicketList", {"id": serializers.IntegerField()}, many=True
)


class KitchenSnapshotApi(KitchenApi):
    @extend_schema(
        parameters=[
            OpenApiParameter("restaurant", str, description="Staff only: slug."),
            OpenApiParameter("station", str, description="Station code; none = expo."),
        ],
        responses={200: dict},
    )
    def get(self, request):
        access = access_for(
            cookies=request.COOKIES,
            user=request.user,
            restaurant_slug=request.query_params.get("restaurant", ""),
            station_code=request.query_params.get("station", ""),
        )
        if access is None:
            raise PermissionDeniedError()
        return Response(
            kitchen_snapshot(restaurant=access.restaurant, station=access.station)
        )


class TicketActionApi(KitchenApi):
    @extend_schema(request=None, responses={200: _ticket_out})
    def post(self, request, ticket_id: int, action: str):
        return _ticket(ticket_move(ticket_id=ticket_id, action=action, by=self.by))


class TicketLineDoneApi(KitchenApi):
    class InputSerializer(serializers.Serializer):
        done = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses={200: _ticket_out})
    def post(self, request, ticket_line_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = ticket_line_done(
            ticket_line_id=ticket_line_id, done=data.validated_data["done"], by=self.by
        )
        return _ticket(ticket)


class TicketAckApi(KitchenApi):
    class InputSerializer(serializers.Serializer):
        ticket_ids = serializers.ListField(
            child=serializers.IntegerField(), max_length=500
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            200: inline_serializer(
                "AckResult", {"acknowledged": serializers.IntegerField()}
            )
        },
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = tickets_acknowledge(
            ticket_ids=data.validated_data["ticket_ids"], by=self.by
        )
        return Response({"acknowledged": count})


class TableServeApi(KitchenApi):
    @extend_schema(request=None, responses={200: _tickets_out})
    def post(self, request, table_session_id: int):
        tickets = table_serve(table_session_id=table_session_id, by=self.by)
        return Response([{"id": t.pk} for t in tickets])


class CourseFireApi(KitchenApi):
    class InputSerializer(serializers.Serializer):
        course = serializers.IntegerField(min_value=1, max_value=3)

    @extend_schema(request=InputSerializer, responses={200: _tickets_out})
    def post(self, request, table_session_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tickets = course_fire(
            table_session_id=table_session_id,
            course=data.validated_data["course"],
            by=self.by,
        )
        return Response([{"id": t.pk} for t in tickets])


class ItemAvailabilityApi(KitchenApi):
    class InputSerializer(serializers.Serializer):
        is_available = serializers.BooleanField()
        stock = serializers.IntegerField(
            min_value=0, max_value=9999, allow_null=True, required=False, default=None
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            200: inline_serializer(
                "ItemAvailability",
                {
                    "id": serializers.IntegerField(),
                    "is_available": serializers.BooleanField(),
                    "stock": serializers.IntegerField(allow_null=True),
                },
            )
        },
    )
    def post(self, request, item_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = item_availability_set(item_id=item_id, by=self.by, **data.validated_data)
        return Response(
            {"id": item.pk, "is_available": item.is_available, "stock": item.stock}
        )


class ScreenPairApi(APIView):
    # Open to any device: typing a valid, fresh code from a manager is the login.
    authentication_classes: list = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=12)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: inline_serializer(
                "PairedScreen",
                {"screen": serializers.IntegerField(), "name": serializers.CharField()},
            )
        },
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        screen, token = screen_pair(
            code=data.validated_data["code"], client_key=_client_key(request)
        )
        response = Response(
            {"screen": screen.pk, "name": screen.name}, status=status.HTTP_201_CREATED
        )
        set_screen_cookie(response, token)
        return response


def _client_key(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def set_screen_cookie(response, token: str) -> None:
    response.set_cookie(
        SCREEN_COOKIE,
        token,
        max_age=SCREEN_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
