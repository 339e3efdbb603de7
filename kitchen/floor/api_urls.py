"""The floor's REST endpoints, under /api/v1/kitchen/floor/."""

from django.urls import path

from kitchen.floor import apis

urlpatterns = [
    path("snapshot", apis.FloorSnapshotApi.as_view(), name="api-floor-snapshot"),
    path("tables", apis.FloorTablesApi.as_view(), name="api-floor-tables"),
    path(
        "tables/<int:table_id>/seat", apis.TableSeatApi.as_view(), name="api-floor-seat"
    ),
    path(
        "tables/<int:table_id>/clear",
        apis.TableClearApi.as_view(),
        name="api-floor-clear",
    ),
    path(
        "table-sessions/<int:table_session_id>",
        apis.TableSessionDetailApi.as_view(),
        name="api-floor-session",
    ),
    path(
        "table-sessions/<int:table_session_id>/move",
        apis.TableSessionMoveApi.as_view(),
        name="api-floor-move",
    ),
    path(
        "table-sessions/<int:table_session_id>/merge",
        apis.TableSessionMergeApi.as_view(),
        name="api-floor-merge",
    ),
    path(
        "table-sessions/<int:table_session_id>/unmerge",
        apis.TableSessionUnmergeApi.as_view(),
        name="api-floor-unmerge",
    ),
    path(
        "table-sessions/<int:table_session_id>/fire",
        apis.FloorCourseFireApi.as_view(),
        name="api-floor-fire",
    ),
    path(
        "table-sessions/<int:table_session_id>/serve",
        apis.FloorTableServeApi.as_view(),
        name="api-floor-serve",
    ),
    path(
        "table-sessions/<int:table_session_id>/cart",
        apis.StaffCartApi.as_view(),
        name="api-floor-cart",
    ),
    path(
        "table-sessions/<int:table_session_id>/cart/lines",
        apis.StaffCartLineCreateApi.as_view(),
        name="api-floor-cart-lines",
    ),
    path(
        "table-sessions/<int:table_session_id>/cart/lines/<int:line_id>",
        apis.StaffCartLineApi.as_view(),
        name="api-floor-cart-line",
    ),
    path(
        "table-sessions/<int:table_session_id>/cart/submit",
        apis.StaffCartSubmitApi.as_view(),
        name="api-floor-cart-submit",
    ),
    path(
        "tickets/<int:ticket_id>/serve",
        apis.FloorTicketServeApi.as_view(),
        name="api-floor-ticket-serve",
    ),
    path(
        "calls/<int:call_id>/acknowledge",
        apis.CallAcknowledgeApi.as_view(),
        name="api-floor-call-ack",
    ),
    path(
        "calls/<int:call_id>/resolve",
        apis.CallResolveApi.as_view(),
        name="api-floor-call-resolve",
    ),
    path(
        "order-lines/<int:order_line_id>/void",
        apis.OrderLineVoidApi.as_view(),
        name="api-floor-void",
    ),
    path(
        "voids/<int:void_id>/approve",
        apis.VoidApproveApi.as_view(),
        name="api-floor-void-approve",
    ),
    path(
        "voids/<int:void_id>/reject",
        apis.VoidRejectApi.as_view(),
        name="api-floor-void-reject",
    ),
    path("sections", apis.SectionSetApi.as_view(), name="api-floor-sections"),
    path(
        "reports/service-times",
        apis.ServiceTimesApi.as_view(),
        name="api-floor-service-times",
    ),
    # A guest's phone: call a waiter, ask for the bill or for help.
    path("guest/calls", apis.GuestCallsApi.as_view(), name="api-floor-guest-calls"),
    path(
        "guest/calls/<int:call_id>/cancel",
        apis.GuestCallCancelApi.as_view(),
        name="api-floor-guest-call-cancel",
    ),
]
