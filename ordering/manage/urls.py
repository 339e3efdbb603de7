"""The back office's pages, under /manage/. Page modules add their routes here."""

from django.urls import include, path

from ordering.manage import dashboard, home, invitations, staff, tables

urlpatterns = [
    path("", home.home, name="manage-home"),
    path("dashboard.csv", dashboard.dashboard_csv, name="manage-dashboard-csv"),
    path("tables/", tables.tables_page, name="manage-tables"),
    path("tables/qr/", tables.tables_qr, name="manage-tables-qr"),
    path("tables/qr.svg", tables.tables_qr_svg, name="manage-tables-qr-svg"),
    path("tables/qr.pdf", tables.tables_qr_pdf, name="manage-tables-qr-pdf"),
    path(
        "tables/<int:table_id>/new-code/",
        tables.table_rotate,
        name="manage-table-rotate",
    ),
    path("staff/", staff.staff_page, name="manage-staff"),
    path("invite/<str:token>/", invitations.invite_accept, name="manage-invite"),
    path("menu/", include("ordering.manage.menu_urls")),
]
