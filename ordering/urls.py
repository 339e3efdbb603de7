from django.urls import path

from ordering import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("t/<str:code>/", views.table_scan, name="table-scan"),
    path("table/", views.table_menu, name="table-menu"),
    path("table/orders/", views.table_orders, name="table-orders"),
]
