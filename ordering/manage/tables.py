"""Tables and QR codes: areas, tables, the printable sheet of table tents and
a new code for a sticker that was lost, damaged or copied.

Plain forms posting back to the page (post/redirect/get); the services in
`ordering.services.floorplan` and `ordering.services.tables` decide.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ordering import qr_pdf, qr_sheet
from ordering.exceptions import DomainError
from ordering.manage.access import ManagerAccess, manager_page
from ordering.models import Area, Table, TableSession, TableSessionStatus
from ordering.services import floorplan
from ordering.services.tables import table_code_rotate
from ordering.tokens import table_code_make


def guest_link(table: Table) -> str:
    """Return the address a table's QR code holds."""
    code = table_code_make(table_id=table.pk, version=table.qr_version)
    return f"{settings.TABLESIDE['PUBLIC_URL'].rstrip('/')}/t/{code}/"


def _here(access: ManagerAccess, name: str = "manage-tables", **query):
    """Redirect to a page of this restaurant's back office (post/redirect/get)."""
    params = urlencode({"restaurant": access.restaurant.slug, **query})
    return redirect(f"{reverse(name)}?{params}")


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text not in (None, "") else None
    except ValueError:
        return None


def _seats(text: str | None) -> int:
    seats = _int(text)
    if seats is None or not 1 <= seats <= 60:
        raise DomainError(_("Seats: write a whole number from 1 to 60."))
    return seats


def _act(request, access: ManagerAccess) -> str:
    """Do what the posted form asked; return what to tell the manager."""
    post, user, rid = request.POST, request.user, access.restaurant.pk
    action = post.get("action", "")
    if action == "area_add":
        area = floorplan.area_create(
            restaurant_id=rid, name=post.get("name"), user=user
        )
        return _("Area %(name)s added.") % {"name": area.name}
    if action == "area_rename":
        area = floorplan.area_rename(
            restaurant_id=rid,
            area_id=_int(post.get("area")) or 0,
            name=post.get("name"),
            user=user,
        )
        return _("Area renamed to %(name)s.") % {"name": area.name}
    if action == "table_add":
        table = floorplan.table_create(
            restaurant_id=rid,
            label=post.get("label"),
            seats=_seats(post.get("seats")),
            area_id=_int(post.get("area")),
            user=user,
        )
        return _("Table %(table)s added. Print its QR code from the sheet.") % {
            "table": table.label
        }
    table_id = _int(post.get("table")) or 0
    if action == "table_save":
        table = floorplan.table_update(
            restaurant_id=rid,
            table_id=table_id,
            label=post.get("label"),
            seats=_seats(post.get("seats")),
            area_id=_int(post.get("area")),
            user=user,
        )
        return _("Table %(table)s saved.") % {"table": table.label}
    if action in ("table_deactivate", "table_activate"):
        table = floorplan.table_active_set(
            restaurant_id=rid,
            table_id=table_id,
            is_active=action == "table_activate",
            user=user,
        )
        if table.is_active:
            return _("Table %(table)s is in use again.") % {"table": table.label}
        return _("Table %(table)s is out of use: its QR code opens nothing.") % {
            "table": table.label
        }
    raise DomainError(_("That did not go through."))


@never_cache
@require_http_methods(["GET", "POST"])
@manager_page
def tables_page(request, *, access: ManagerAccess):
    if request.method == "POST":
        try:
            messages.success(request, _act(request, access))
        except DomainError as error:
            messages.error(request, str(error.message))
        return _here(access)
    restaurant = access.restaurant
    areas = list(Area.objects.filter(restaurant=restaurant))
    tables = list(
        Table.objects.filter(restaurant=restaurant)
        .select_related("area")
        .order_by("-is_active", "area__position", "position", "id")
    )
    busy = set(
        TableSession.objects.filter(
            restaurant=restaurant, status=TableSessionStatus.OPEN
        ).values_list("table_id", flat=True)
    )
    return render(
        request,
        "manage/tables.html",
        {
            "access": access,
            "section": "tables",
            "areas": areas,
            "tables": tables,
            "busy": busy,
            "active_count": sum(1 for t in tables if t.is_active),
        },
    )


def _table(access: ManagerAccess, table_id: int) -> Table:
    table = (
        Table.objects.filter(pk=table_id, restaurant=access.restaurant)
        .select_related("area")
        .first()
    )
    if table is None:
        raise Http404
    return table


@never_cache
@require_http_methods(["GET", "POST"])
@manager_page
def table_rotate(request, table_id: int, *, access: ManagerAccess):
    """Ask first, then give the table a new code: the old sticker dies."""
    table = _table(access, table_id)
    if request.method == "POST":
        try:
            table_code_rotate(table_id=table.pk, user=request.user)
        except DomainError as error:
            messages.error(request, str(error.message))
            return _here(access)
        messages.success(
            request,
            _(
                "Table %(table)s has a new QR code. The old sticker no longer "
                "works: print this one and put it on the table."
            )
            % {"table": table.label},
        )
        return _here(access, "manage-tables-qr", table=table.pk)
    return render(
        request,
        "manage/tables_rotate.html",
        {"access": access, "section": "tables", "table": table},
    )


def _sheet_tables(request, access: ManagerAccess) -> tuple[list[Table], dict]:
    """The active tables the sheet prints: all, one area's, or chosen ones."""
    tables = (
        Table.objects.filter(restaurant=access.restaurant, is_active=True)
        .select_related("area")
        .order_by("area__position", "position", "id")
    )
    chosen: dict[str, int | list[int]] = {}
    ids = [i for i in (_int(t) for t in request.GET.getlist("table")) if i]
    if ids:
        tables = tables.filter(pk__in=ids)
        chosen["table"] = ids
    area = _int(request.GET.get("area"))
    if area:
        tables = tables.filter(area_id=area)
        chosen["area"] = area
    return list(tables), chosen


def _pages(access: ManagerAccess, tables: list[Table]) -> list[list[qr_sheet.Tent]]:
    return qr_sheet.pages(
        [qr_sheet.Tent(label=t.label, link=guest_link(t)) for t in tables]
    )


def _page_title(number: int, count: int, tents: list[qr_sheet.Tent]) -> str:
    labels = ", ".join(t.label for t in tents)
    return _("QR table tents, page %(page)s of %(pages)s: tables %(tables)s") % {
        "page": number,
        "pages": count,
        "tables": labels,
    }


@never_cache
@require_GET
@manager_page
def tables_qr(request, *, access: ManagerAccess):
    """The print view: A4 pages of table tents, ready for the printer."""
    tables, chosen = _sheet_tables(request, access)
    pages = _pages(access, tables)
    name = access.restaurant.name
    query = "&".join(
        [f"table={i}" for i in chosen.get("table", [])]
        + ([f"area={chosen['area']}"] if "area" in chosen else [])
    )
    return render(
        request,
        "manage/tables_qr.html",
        {
            "access": access,
            "section": "tables",
            "tables": tables,
            "areas": Area.objects.filter(restaurant=access.restaurant),
            "chosen": chosen,
            "query": query,
            "pdf": qr_pdf.pdf_available(),
            "pages": [
                {
                    "number": number,
                    "svg": qr_sheet.page_svg(
                        name, tents, title=_page_title(number, len(pages), tents)
                    ),
                }
                for number, tents in enumerate(pages, start=1)
                if tents
            ],
        },
    )


@never_cache
@require_GET
@manager_page
def tables_qr_svg(request, *, access: ManagerAccess):
    """One A4 page of tents as an SVG file (?page=N, from 1)."""
    tables, _chosen = _sheet_tables(request, access)
    pages = _pages(access, tables)
    number = _int(request.GET.get("page")) or 1
    if not tables or not 1 <= number <= len(pages):
        raise Http404
    tents = pages[number - 1]
    svg = qr_sheet.page_svg(
        access.restaurant.name,
        tents,
        title=_page_title(number, len(pages), tents),
        standalone=True,
    )
    response = HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + svg,
        content_type="image/svg+xml; charset=utf-8",
    )
    filename = f"{access.restaurant.slug}-tables-{number}.svg"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@require_GET
@manager_page
def tables_qr_pdf(request, *, access: ManagerAccess):
    """Every page of tents as one PDF (same choice of tables as the sheet)."""
    tables, _chosen = _sheet_tables(request, access)
    if not tables or not qr_pdf.pdf_available():
        raise Http404
    tents = [qr_sheet.Tent(label=t.label, link=guest_link(t)) for t in tables]
    pdf = qr_pdf.sheet_pdf(
        access.restaurant.name,
        tents,
        title=_("QR table tents: %(restaurant)s")
        % {"restaurant": access.restaurant.name},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{access.restaurant.slug}-tables.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
