from django.urls import include, path

from kitchen import apis

urlpatterns = [
    path("snapshot", apis.KitchenSnapshotApi.as_view(), name="api-kitchen-snapshot"),
    path(
        "tickets/<int:ticket_id>/<str:action>",
        apis.TicketActionApi.as_view(),
        name="api-kitchen-ticket-action",
    ),
    path(
        "ticket-lines/<int:ticket_line_id>/done",
        apis.TicketLineDoneApi.as_view(),
        name="api-kitchen-line-done",
    ),
    path("acks", apis.TicketAckApi.as_view(), name="api-kitchen-acks"),
    path(
        "table-sessions/<int:table_session_id>/serve",
        apis.TableServeApi.as_view(),
        name="api-kitchen-serve",
    ),
    path(
        "table-sessions/<int:table_session_id>/fire",
        apis.CourseFireApi.as_view(),
        name="api-kitchen-fire",
    ),
    path(
        "items/<int:item_id>/availability",
        apis.ItemAvailabilityApi.as_view(),
        name="api-kitchen-item",
    ),
    path("pair", apis.ScreenPairApi.as_view(), name="api-kitchen-pair"),
    # Waiter tablets and guests' calls for a waiter.
    path("floor/", include("kitchen.floor.api_urls")),
]
