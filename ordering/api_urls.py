from django.urls import path

from ordering import apis

urlpatterns = [
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
