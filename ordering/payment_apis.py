"""REST endpoints for the bill: what guests see and pay, what waiters record
and managers refund, and Stripe's webhook. Thin: the services decide."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ordering.apis import GuestApi
from ordering.bills import bill_data
from ordering.exceptions import NotFoundError
from ordering.models import Payment, Receipt, TableSession
from ordering.selectors import staff_roles
from ordering.services.orders import order_approve
from ordering.services.payments import (
    SPLITS,
    line_claim,
    payment_record,
    payment_refresh,
    payment_refund,
    payment_start,
)
from ordering.services.payments.holds import hold_capture, hold_start
from ordering.services.webhooks import WebhookRejected, stripe_webhook_receive


def stripe_config() -> dict:
    """What the guest's browser needs to talk to Stripe (or localstripe)."""
    config = settings.PAYMENTS
    return {
        "publishable_key": config["STRIPE_PUBLISHABLE_KEY"],
        "js_url": config["STRIPE_JS_URL"],
        "card_element": config["CARD_ELEMENT"],
        "enabled": bool(config["STRIPE_PUBLISHABLE_KEY"]),
    }


def _payment_body(payment: Payment) -> dict:
    receipt = payment.receipts.filter(kind="sale").first()
    return {
        "id": payment.pk,
        "status": payment.status,
        "method": payment.method,
        "amount_minor": payment.amount_minor,
        "tip_minor": payment.tip_minor,
        "discount_minor": payment.discount_minor,
        "total_minor": payment.total_minor,
        "refunded_minor": payment.refunded_minor,
        "failure_message": payment.failure_message,
        "receipt": receipt.number if receipt else None,
    }


_payment_out = inline_serializer(
    "PaymentOutput",
    {
        "id": serializers.IntegerField(),
        "status": serializers.CharField(),
        "method": serializers.CharField(),
        "amount_minor": serializers.IntegerField(),
        "tip_minor": serializers.IntegerField(),
        "discount_minor": serializers.IntegerField(),
        "total_minor": serializers.IntegerField(),
        "refunded_minor": serializers.IntegerField(),
        "failure_message": serializers.CharField(),
        "receipt": serializers.IntegerField(allow_null=True),
    },
)


class SplitInput(serializers.Serializer):
    """How a payment splits the bill (shared by guests and waiters)."""

    split = serializers.ChoiceField(choices=sorted(SPLITS), default="all")
    people_left = serializers.IntegerField(min_value=1, max_value=50, required=False)
    amount_minor = serializers.IntegerField(min_value=1, required=False)
    line_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, max_length=200
    )
    order_id = serializers.IntegerField(required=False)
    item_line_id = serializers.IntegerField(required=False)
    parts = serializers.IntegerField(min_value=1, max_value=20, required=False)
    tip_minor = serializers.IntegerField(min_value=0, required=False)


class BillApi(GuestApi):
    @extend_schema(responses={200: dict})
    def get(self, request):
        session = self.guest.table_session
        return Response(
            {
                **bill_data(table_session=session, guest=self.guest),
                "stripe": stripe_config(),
            }
        )


class PaymentStartApi(GuestApi):
    class InputSerializer(SplitInput):
        tip_bp = serializers.IntegerField(min_value=0, max_value=5000, required=False)
        payment_method = serializers.CharField(max_length=255, required=False)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: inline_serializer(
                "PaymentStarted",
                {
                    "payment": _payment_out,
                    "client_secret": serializers.CharField(),
                    "intent_status": serializers.CharField(),
                },
            )
        },
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment, intent = payment_start(guest=self.guest, **data.validated_data)
        return Response(
            {
                "payment": _payment_body(payment),
                "client_secret": intent.client_secret,
                "intent_status": intent.status,
            },
            status=status.HTTP_201_CREATED,
        )


class HoldStartApi(GuestApi):
    """Hold a card for the table's tab (where the walkout policy asks)."""

    class InputSerializer(serializers.Serializer):
        payment_method = serializers.CharField(max_length=255, required=False)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: inline_serializer(
                "HoldStarted",
                {
                    "payment": _payment_out,
                    "client_secret": serializers.CharField(),
                    "intent_status": serializers.CharField(),
                },
            )
        },
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment, intent = hold_start(guest=self.guest, **data.validated_data)
        return Response(
            {
                "payment": _payment_body(payment),
                "client_secret": intent.client_secret,
                "intent_status": intent.status,
            },
            status=status.HTTP_201_CREATED,
        )


class PaymentRefreshApi(GuestApi):
    @extend_schema(request=None, responses={200: _payment_out})
    def post(self, request, payment_id: int):
        payment = payment_refresh(payment_id=payment_id, guest=self.guest)
        return Response(_payment_body(payment))


class LineClaimApi(GuestApi):
    class InputSerializer(serializers.Serializer):
        mine = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses={204: None})
    def post(self, request, line_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line_claim(guest=self.guest, line_id=line_id, mine=data.validated_data["mine"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReceiptApi(GuestApi):
    @extend_schema(responses={200: dict})
    def get(self, request, payment_id: int):
        receipt = Receipt.objects.filter(
            payment_id=payment_id,
            payment__table_session_id=self.guest.table_session_id,
            kind="sale",
        ).first()
        if receipt is None:
            raise NotFoundError()
        return Response(receipt.data)


# Staff: the default IsAuthenticated, and role checks in the services.


def _staff_session(request, table_session_id: int) -> TableSession:
    session = (
        TableSession.objects.select_related("restaurant")
        .filter(pk=table_session_id)
        .first()
    )
    if session is None or not staff_roles(
        user=request.user, restaurant_id=session.restaurant_id
    ):
        raise NotFoundError()
    return session


class StaffBillApi(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request, table_session_id: int):
        session = _staff_session(request, table_session_id)
        return Response(bill_data(table_session=session))


class StaffPaymentRecordApi(APIView):
    class InputSerializer(SplitInput):
        method = serializers.ChoiceField(choices=["cash", "terminal"])

    @extend_schema(request=InputSerializer, responses={201: _payment_out})
    def post(self, request, table_session_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = payment_record(
            table_session_id=table_session_id, user=request.user, **data.validated_data
        )
        return Response(_payment_body(payment), status=status.HTTP_201_CREATED)


class StaffRefundApi(APIView):
    class InputSerializer(serializers.Serializer):
        amount_minor = serializers.IntegerField(min_value=1)
        reason = serializers.CharField(max_length=300)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: inline_serializer(
                "RefundOutput",
                {
                    "id": serializers.IntegerField(),
                    "status": serializers.CharField(),
                    "amount_minor": serializers.IntegerField(),
                    "receipt": serializers.IntegerField(),
                },
            )
        },
    )
    def post(self, request, payment_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refund = payment_refund(
            payment_id=payment_id, user=request.user, **data.validated_data
        )
        return Response(
            {
                "id": refund.pk,
                "status": refund.status,
                "amount_minor": refund.amount_minor,
                "receipt": refund.receipt.number,
            },
            status=status.HTTP_201_CREATED,
        )


class StaffHoldCaptureApi(APIView):
    """A manager charges a walked-out table's held card for what it owes."""

    @extend_schema(request=None, responses={200: _payment_out})
    def post(self, request, payment_id: int):
        payment = hold_capture(payment_id=payment_id, user=request.user)
        return Response(_payment_body(payment))


class StaffOrderApproveApi(APIView):
    @extend_schema(request=None, responses={200: dict})
    def post(self, request, order_id: int):
        order = order_approve(order_id=order_id, user=request.user)
        return Response({"id": order.pk, "status": order.status})


@method_decorator(csrf_exempt, name="dispatch")
class StripeWebhookApi(APIView):
    # Stripe calls this; the signature on the raw body is the authentication.
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={200: None, 400: None})
    def post(self, request):
        try:
            outcome = stripe_webhook_receive(
                payload=request.body,
                signature=request.META.get("HTTP_STRIPE_SIGNATURE", ""),
            )
        except WebhookRejected as error:
            return HttpResponseBadRequest(
                f"rejected: {error}", content_type="text/plain"
            )
        return HttpResponse(outcome, content_type="text/plain")
