from django.urls import path

from ordering import apis, payment_apis

urlpatterns = [
    path("bill", payment_apis.BillApi.as_view(), name="api-bill"),
    path("bill/payments", payment_apis.PaymentStartApi.as_view(), name="api-pay"),
    path("bill/hold", payment_apis.HoldStartApi.as_view(), name="api-hold"),
    path(
        "bill/payments/<int:payment_id>/refresh",
        payment_apis.PaymentRefreshApi.as_view(),
        name="api-pay-refresh",
    ),
    path(
        "bill/payments/<int:payment_id>/receipt",
        payment_apis.ReceiptApi.as_view(),
        name="api-receipt",
    ),
    path(
        "bill/lines/<int:line_id>/claim",
        payment_apis.LineClaimApi.as_view(),
        name="api-line-claim",
    ),
    path(
        "staff/table-sessions/<int:table_session_id>/bill",
        payment_apis.StaffBillApi.as_view(),
        name="api-staff-bill",
    ),
    path(
        "staff/table-sessions/<int:table_session_id>/payments",
        payment_apis.StaffPaymentRecordApi.as_view(),
        name="api-staff-pay",
    ),
    path(
        "staff/payments/<int:payment_id>/refunds",
        payment_apis.StaffRefundApi.as_view(),
        name="api-staff-refund",
    ),
    path(
        "staff/holds/<int:payment_id>/capture",
        payment_apis.StaffHoldCaptureApi.as_view(),
        name="api-staff-hold-capture",
    ),
    path(
        "staff/orders/<int:order_id>/approve",
        payment_apis.StaffOrderApproveApi.as_view(),
        name="api-staff-approve",
    ),
    path(
        "payments/stripe/webhook",
        payment_apis.StripeWebhookApi.as_view(),
        name="stripe-webhook",
    ),
    path("table-sessions/join", apis.TableSessionJoinApi.as_view(), name="api-join"),
    path("restaurants/<slug:slug>/menu", apis.MenuApi.as_view(), name="api-menu"),
    path("cart", apis.CartApi.as_view(), name="api-cart"),
    path("cart/lines", apis.CartLineCreateApi.as_view(), name="api-cart-lines"),
    path("cart/lines/<int:line_id>", apis.CartLineApi.as_view(), name="api-cart-line"),
    path("cart/submit", apis.CartSubmitApi.as_view(), name="api-cart-submit"),
    path("orders", apis.OrderListApi.as_view(), name="api-orders"),
    path("orders/<int:order_id>", apis.OrderDetailApi.as_view(), name="api-order"),
    path(
        "staff/tables/<int:table_id>/session",
        apis.StaffTableSessionOpenApi.as_view(),
        name="api-staff-session-open",
    ),
    path(
        "staff/table-sessions/<int:table_session_id>/close",
        apis.StaffTableSessionCloseApi.as_view(),
        name="api-staff-session-close",
    ),
    path(
        "staff/tables/<int:table_id>/rotate-code",
        apis.StaffTableCodeRotateApi.as_view(),
        name="api-staff-rotate-code",
    ),
]
