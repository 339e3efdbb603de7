"""Loyalty's REST endpoints for guests' phones and the waiters' tablets.

Each parses input, calls one service or selector and serializes the result.
Guest endpoints authenticate the phone at the table and the member token
(`loyalty.auth`); errors leave as `{"code", "message", "extra"}`.
"""

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from loyalty.auth import Caller, LoyaltyAuthentication
from loyalty.exceptions import LoyaltyUnavailableError, NotSignedInError
from loyalty.models import CodePurpose, ConsentPurpose
from loyalty.selectors import (
    bill_rewards,
    member_card,
    members_at_table,
    points_history,
    program_get,
)
from loyalty.services.codes import address_parse, code_send
from loyalty.services.feedback import feedback_submit
from loyalty.services.members import (
    consent_set,
    member_identify,
    member_join,
    member_sign_out,
    member_update,
)
from loyalty.services.privacy import member_erase, member_export, privacy_code_send
from loyalty.services.rewards import reward_apply_to_bill, reward_remove_from_bill
from ordering.exceptions import NotFoundError, PermissionDeniedError
from ordering.models import Restaurant, StaffRole
from ordering.selectors import restaurant_get, table_session_get
from ordering.services.staff import staff_require

FLOOR_ROLES = {StaffRole.OWNER, StaffRole.MANAGER, StaffRole.WAITER}


def client_key(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def _restaurant(slug: str) -> Restaurant:
    restaurant = restaurant_get(slug=slug)
    if restaurant is None:
        raise NotFoundError(_("There is no restaurant at this address."))
    if program_get(restaurant_id=restaurant.pk) is None:
        raise LoyaltyUnavailableError()
    return restaurant


class LoyaltyApi(APIView):
    """Base for endpoints a guest's phone calls."""

    # Open to any phone: joining is how a guest gets credentials at all;
    # endpoints that need a member or a table say so through `member`/`guest`.
    authentication_classes = [LoyaltyAuthentication]
    permission_classes = [AllowAny]

    @property
    def caller(self) -> Caller:
        auth = self.request.auth
        return auth if isinstance(auth, Caller) else Caller(guest=None, member=None)

    @property
    def member(self):
        member = self.caller.member
        if member is None:
            raise NotSignedInError()
        return member


class CardOutputSerializer(serializers.Serializer):
    class RewardSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        kind = serializers.CharField()
        cost_points = serializers.IntegerField()
        is_affordable = serializers.BooleanField()
        tier_needed = serializers.CharField()

    member_id = serializers.IntegerField()
    first_name = serializers.CharField()
    balance = serializers.IntegerField()
    held = serializers.IntegerField()
    tier = serializers.CharField()
    tier_perks = serializers.CharField()
    next_tier = serializers.CharField()
    points_to_next_tier = serializers.IntegerField()
    week_streak = serializers.IntegerField()
    visits = serializers.IntegerField()
    badges = serializers.ListField(child=serializers.CharField())
    rewards = RewardSerializer(many=True)
    referral_code = serializers.CharField()
    consents = serializers.DictField(child=serializers.BooleanField())
    birthday = serializers.DateField(allow_null=True)
    diet_notes = serializers.CharField()


def _card(member) -> dict:
    return CardOutputSerializer(member_card(member=member, lang=get_language())).data


class CodeRequestApi(LoyaltyApi):
    class InputSerializer(serializers.Serializer):
        address = serializers.CharField(max_length=254)

    class OutputSerializer(serializers.Serializer):
        channel = serializers.CharField()
        address = serializers.CharField()
        message = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={202: OutputSerializer})
    def post(self, request, slug: str):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        restaurant = _restaurant(slug)
        address = address_parse(data.validated_data["address"])
        code_send(
            restaurant=restaurant,
            address=address,
            purpose=CodePurpose.JOIN,
            client_key=client_key(request),
            language=get_language() or "",
        )
        # The same answer whether or not the address belongs to a member.
        body = {
            "channel": address.channel,
            "address": address.value,
            "message": _("We sent a six-digit code to %(address)s.")
            % {"address": address.value},
        }
        return Response(
            self.OutputSerializer(body).data, status=status.HTTP_202_ACCEPTED
        )


class MemberJoinApi(LoyaltyApi):
    class InputSerializer(serializers.Serializer):
        address = serializers.CharField(max_length=254)
        code = serializers.CharField(max_length=12)
        first_name = serializers.CharField(
            max_length=60, required=False, allow_blank=True, default=""
        )
        marketing = serializers.BooleanField(required=False, default=False)
        personalisation = serializers.BooleanField(required=False, default=False)
        referral_code = serializers.CharField(
            max_length=12, required=False, allow_blank=True, default=""
        )

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        is_new = serializers.BooleanField()
        card = CardOutputSerializer()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request, slug: str):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        restaurant = _restaurant(slug)
        signed = member_join(
            restaurant=restaurant,
            address=address_parse(values["address"]),
            code=values["code"],
            first_name=values["first_name"],
            consents={
                ConsentPurpose.MARKETING: values["marketing"],
                ConsentPurpose.PERSONALISATION: values["personalisation"],
            },
            language=(get_language() or "")[:2],
            guest=self.caller.guest,
            referral_code=values["referral_code"],
        )
        body = {
            "token": signed.token,
            "is_new": signed.is_new,
            "card": _card(signed.member),
        }
        return Response(
            self.OutputSerializer(body).data,
            status=status.HTTP_201_CREATED if signed.is_new else status.HTTP_200_OK,
        )


class MeApi(LoyaltyApi):
    class InputSerializer(serializers.Serializer):
        first_name = serializers.CharField(max_length=60, required=False)
        birthday = serializers.DateField(required=False)
        diet_notes = serializers.CharField(
            max_length=200, required=False, allow_blank=True
        )
        language = serializers.ChoiceField(choices=["fi", "sv", "en"], required=False)

    @extend_schema(responses={200: CardOutputSerializer})
    def get(self, request):
        return Response(_card(self.member))

    @extend_schema(request=InputSerializer, responses={200: CardOutputSerializer})
    def patch(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = member_update(member=self.member, **data.validated_data)
        return Response(_card(member))


class ConsentsApi(LoyaltyApi):
    class InputSerializer(serializers.Serializer):
        marketing = serializers.BooleanField(required=False)
        personalisation = serializers.BooleanField(required=False)

    @extend_schema(request=InputSerializer, responses={200: CardOutputSerializer})
    def put(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = self.member
        for purpose, granted in data.validated_data.items():
            consent_set(
                member=member,
                purpose=purpose,
                is_granted=granted,
                source="api",
                language=(get_language() or "")[:2],
            )
        return Response(_card(member))


class IdentifyApi(LoyaltyApi):
    class OutputSerializer(serializers.Serializer):
        table_session = serializers.IntegerField()
        member_id = serializers.IntegerField()

    @extend_schema(request=None, responses={200: OutputSerializer})
    def post(self, request):
        member = self.member
        guest = self.caller.guest
        if guest is None:
            raise PermissionDeniedError(_("Scan the QR code on your table first."))
        member_identify(member=member, guest=guest)
        body = {"table_session": guest.table_session_id, "member_id": member.pk}
        return Response(self.OutputSerializer(body).data)


class SignOutApi(LoyaltyApi):
    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        self.member  # noqa: B018 (raises when not signed in)
        member_sign_out(token=self.caller.token)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PointsApi(LoyaltyApi):
    class OutputSerializer(serializers.Serializer):
        at = serializers.DateTimeField(source="created_at")
        kind = serializers.CharField()
        reason = serializers.CharField(source="source")
        points = serializers.IntegerField()

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request):
        entries = points_history(member_id=self.member.pk)
        return Response(self.OutputSerializer(entries, many=True).data)


class PrivacyCodeApi(LoyaltyApi):
    class InputSerializer(serializers.Serializer):
        purpose = serializers.ChoiceField(
            choices=[CodePurpose.EXPORT.value, CodePurpose.ERASE.value]
        )

    @extend_schema(request=InputSerializer, responses={202: None})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        privacy_code_send(
            member=self.member,
            purpose=data.validated_data["purpose"],
            client_key=client_key(request),
        )
        return Response(status=status.HTTP_202_ACCEPTED)


class ExportApi(LoyaltyApi):
    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=12)

    @extend_schema(request=InputSerializer, responses={200: dict})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            member_export(member=self.member, code=data.validated_data["code"])
        )


class EraseApi(LoyaltyApi):
    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=12)

    @extend_schema(request=InputSerializer, responses={204: None})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member_erase(member=self.member, code=data.validated_data["code"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class FeedbackCreateApi(LoyaltyApi):
    class InputSerializer(serializers.Serializer):
        rating = serializers.IntegerField(min_value=1, max_value=5)
        food_rating = serializers.IntegerField(
            min_value=1, max_value=5, required=False, allow_null=True, default=None
        )
        service_rating = serializers.IntegerField(
            min_value=1, max_value=5, required=False, allow_null=True, default=None
        )
        comment = serializers.CharField(
            max_length=2000, required=False, allow_blank=True, default=""
        )
        wants_contact = serializers.BooleanField(required=False, default=False)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        is_complaint = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request):
        guest = self.caller.guest
        if guest is None:
            raise PermissionDeniedError(_("Scan the QR code on your table first."))
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = self.caller.member
        feedback = feedback_submit(
            table_session_id=guest.table_session_id,
            guest=guest,
            member=(
                member
                if member and member.restaurant_id == guest.table_session.restaurant_id
                else None
            ),
            **data.validated_data,
        )
        return Response(
            self.OutputSerializer(feedback).data, status=status.HTTP_201_CREATED
        )


def _bill_rewards(guest) -> dict:
    found = bill_rewards(
        guest_id=guest.pk, table_session_id=guest.table_session_id, lang=get_language()
    )
    return found.get("loyalty") or {}


class BillRewardApi(LoyaltyApi):
    """Use a reward on the table's bill from the phone where the member
    identified, or take it off again; answers what the bill page shows."""

    def _guest(self):
        guest = self.caller.guest
        if guest is None:
            raise PermissionDeniedError(_("Scan the QR code on your table first."))
        return guest

    @extend_schema(request=None, responses={201: dict})
    def post(self, request, reward_id: int):
        guest = self._guest()
        reward_apply_to_bill(guest=guest, reward_id=reward_id)
        return Response(_bill_rewards(guest), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: dict})
    def delete(self, request, reward_id: int):
        guest = self._guest()
        reward_remove_from_bill(guest=guest, reward_id=reward_id)
        return Response(_bill_rewards(guest))


class StaffMembersAtTableApi(APIView):
    """Who at a table is a member: for the waiters' tablets."""

    class OutputSerializer(serializers.Serializer):
        member_id = serializers.IntegerField()
        guest_id = serializers.IntegerField()
        first_name = serializers.CharField()
        tier = serializers.CharField()
        visits = serializers.IntegerField()
        usual_order = serializers.ListField(child=serializers.CharField())
        diet_notes = serializers.CharField()
        is_birthday_week = serializers.BooleanField()

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request, table_session_id: int):
        session = table_session_get(table_session_id=table_session_id)
        if session is None:
            raise NotFoundError()
        staff_require(
            user=request.user, restaurant_id=session.restaurant_id, roles=FLOOR_ROLES
        )
        members = members_at_table(table_session_id=session.pk, lang=get_language())
        return Response(self.OutputSerializer(members, many=True).data)
