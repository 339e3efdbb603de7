from django.urls import path

from ordering import bill_views, staff_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("t/<str:code>/", views.table_scan, name="table-scan"),
    path("table/", views.table_menu, name="table-menu"),
    path("table/orders/", views.table_orders, name="table-orders"),
    path("table/bill/", bill_views.table_bill, name="table-bill"),
    path(
        "table/receipts/<int:payment_id>/",
        bill_views.table_receipt,
        name="table-receipt",
    ),
    path("staff/payments/", staff_views.payments_page, name="staff-payments"),
]
