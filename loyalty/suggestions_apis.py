"""Suggestion endpoints: the waiters' tablets, the guests' phones, managers.

Staff endpoints need a signed-in user working on the floor of the table's
restaurant; guest endpoints the phone at the table (and the member token for
anything personal). Each parses input, calls one selector or service and
serializes the result.
"""

import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kitchen.services.access import FLOOR_ROLES, MANAGER_ROLES
from loyalty.apis import LoyaltyApi
from loyalty.models import SuggestionChannel
from loyalty.suggestions import Pick, guest_suggestions, table_suggestions
from loyalty.suggestions_record import (
    suggestion_accept,
    suggestion_acceptance_rate,
    suggestions_shown_record,
)
from ordering.exceptions import NotFoundError, PermissionDeniedError
from ordering.models import StaffMember, TableSession
from ordering.selectors import restaurant_get
from ordering.services.staff import staff_require


def _staff_session(user, table_session_id: int) -> TableSession:
    """Return the session if the user works on its restaurant's floor; raise.

    The same rule as `staff_require(roles=FLOOR_ROLES)`, asked in the same
    query as the session: a tablet polls, and every round trip shows.
    """
    is_staff = bool(user and user.is_authenticated and user.is_active)
    session = (
        TableSession.objects.select_related("restaurant")
        .annotate(
            is_floor_staff=Exists(
                StaffMember.objects.filter(
                    user_id=user.pk if is_staff else 0,  # 0: no such user
                    restaurant_id=OuterRef("restaurant_id"),
                    is_active=True,
                    role__in=FLOOR_ROLES,
                )
            )
        )
        .filter(pk=table_session_id)
        .first()
    )
    if session is None:
        raise NotFoundError(_("There is no such table visit."))
    if not (is_staff and session.is_floor_staff):
        raise PermissionDeniedError(
            _("You do not work at this restaurant in a role that can do this.")
        )
    return session


def _dish(pick: Pick, *, reason: bool = False, allergens: bool = False) -> dict:
    body: dict = {"menu_item_id": pick.item_id, "name": pick.name}
    if reason:
        body["reason"] = pick.reason
    if allergens:
        body["allergens"] = list(pick.allergens)
    return body


class _DishSerializer(serializers.Serializer):
    menu_item_id = serializers.IntegerField(source="item_id")
    name = serializers.CharField()


class _ReasonedDishSerializer(_DishSerializer):
    reason = serializers.CharField()


class StaffSuggestionsApi(APIView):
    """What to suggest at a table: per member and for the whole table."""

    class InputSerializer(serializers.Serializer):
        session = serializers.IntegerField(min_value=1)

    class OutputSerializer(serializers.Serializer):
        class MemberSerializer(serializers.Serializer):
            class SuggestionSerializer(_ReasonedDishSerializer):
                allergens = serializers.ListField(child=serializers.CharField())

            member_id = serializers.IntegerField()
            first_name = serializers.CharField()
            usual = _DishSerializer(many=True)
            suggestions = SuggestionSerializer(many=True)

        members = MemberSerializer(many=True)
        pairings = _ReasonedDishSerializer(many=True)

    @extend_schema(
        parameters=[OpenApiParameter("session", int, required=True)],
        responses={200: OutputSerializer},
    )
    def get(self, request):
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        session = _staff_session(request.user, data.validated_data["session"])
        found = table_suggestions(table_session=session, lang=get_language())
        suggestions_shown_record(
            table_session=session, channel=SuggestionChannel.STAFF, shown=found.shown()
        )
        # Built by hand (the shape is OutputSerializer's, as the schema says):
        # a tablet asks every few seconds and nested serializers cost more
        # than the suggestions themselves.
        return Response(
            {
                "members": [
                    {
                        "member_id": view.member_id,
                        "first_name": view.first_name,
                        "usual": [_dish(p) for p in view.usual],
                        "suggestions": [
                            _dish(p, reason=True, allergens=True)
                            for p in view.suggestions
                        ],
                    }
                    for view in found.members
                ],
                "pairings": [_dish(p, reason=True) for p in found.pairings],
            }
        )


class StaffSuggestionAcceptApi(APIView):
    """The guest took a suggested dish: recorded for the acceptance rate."""

    class InputSerializer(serializers.Serializer):
        session = serializers.IntegerField(min_value=1)
        menu_item_id = serializers.IntegerField(min_value=1)
        member_id = serializers.IntegerField(
            min_value=1, required=False, allow_null=True, default=None
        )

    class OutputSerializer(serializers.Serializer):
        session = serializers.IntegerField(source="table_session_id")
        menu_item_id = serializers.IntegerField()
        member_id = serializers.IntegerField(allow_null=True)
        accepted_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        session = _staff_session(request.user, values["session"])
        row = suggestion_accept(
            table_session=session,
            menu_item_id=values["menu_item_id"],
            member_id=values["member_id"],
            channel=SuggestionChannel.STAFF,
            user=request.user,
        )
        return Response(self.OutputSerializer(row).data)


class StaffSuggestionRateApi(APIView):
    """The acceptance rate of suggestions, for the restaurant's managers."""

    class InputSerializer(serializers.Serializer):
        restaurant = serializers.SlugField()
        days = serializers.IntegerField(min_value=1, max_value=366, default=30)

    class OutputSerializer(serializers.Serializer):
        shown = serializers.IntegerField()
        accepted = serializers.IntegerField()
        rate = serializers.FloatField()
        by_placement = serializers.DictField(
            child=serializers.ListField(child=serializers.IntegerField())
        )
        by_channel = serializers.DictField(
            child=serializers.ListField(child=serializers.IntegerField())
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("restaurant", str, required=True),
            OpenApiParameter("days", int),
        ],
        responses={200: OutputSerializer},
    )
    def get(self, request):
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        restaurant = restaurant_get(slug=data.validated_data["restaurant"])
        if restaurant is None:
            raise NotFoundError(_("There is no restaurant at this address."))
        staff_require(
            user=request.user, restaurant_id=restaurant.pk, roles=MANAGER_ROLES
        )
        since = timezone.now() - datetime.timedelta(days=data.validated_data["days"])
        rate = suggestion_acceptance_rate(restaurant_id=restaurant.pk, since=since)
        return Response(self.OutputSerializer(rate).data)


def _guest_session(api: LoyaltyApi) -> TableSession:
    guest = api.caller.guest
    if guest is None:
        raise PermissionDeniedError(_("Scan the QR code on your table first."))
    return guest.table_session


class GuestSuggestionsApi(LoyaltyApi):
    """The cart's "your usual?" and "goes well with" (popular dishes without
    the member's consent to personal suggestions)."""

    class OutputSerializer(serializers.Serializer):
        class PickSerializer(_ReasonedDishSerializer):
            allergens = serializers.ListField(child=serializers.CharField())

        is_personal = serializers.BooleanField()
        usual = PickSerializer(many=True)
        pairings = PickSerializer(many=True)
        more = PickSerializer(many=True)
        labels = serializers.DictField(child=serializers.CharField())

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request):
        session = _guest_session(self)
        guest = self.caller.guest
        member = self.caller.member
        if member is not None and member.restaurant_id != session.restaurant_id:
            member = None
        found = guest_suggestions(
            table_session=session,
            guest_id=guest.pk,
            member=member,
            lang=get_language(),
        )
        suggestions_shown_record(
            table_session=session,
            channel=SuggestionChannel.GUEST,
            shown=[(member.pk if member else None, p) for p in found.shown()],
        )
        body = {
            "is_personal": found.is_personal,
            "usual": found.usual,
            "pairings": found.pairings,
            "more": found.more,
            "labels": {
                "usual": _("Your usual?"),
                "pairings": _("Goes well with your order"),
                "more": (
                    _("You might like") if found.is_personal else _("Popular right now")
                ),
            },
        }
        return Response(self.OutputSerializer(body).data)


class GuestSuggestionAcceptApi(LoyaltyApi):
    class InputSerializer(serializers.Serializer):
        menu_item_id = serializers.IntegerField(min_value=1)

    @extend_schema(request=InputSerializer, responses={204: None})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = _guest_session(self)
        member = self.caller.member
        if member is not None and member.restaurant_id != session.restaurant_id:
            member = None
        suggestion_accept(
            table_session=session,
            menu_item_id=data.validated_data["menu_item_id"],
            member_id=member.pk if member else None,
            channel=SuggestionChannel.GUEST,
        )
        return Response(status=204)
