"""The menu as a CSV file: download it, and upload one with a preview.

The upload is checked row by row and shown before anything is written;
applying sends the same text back and imports it in one transaction
(`services.menu_csv`), so a file with any error changes nothing.
"""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ordering.dietary import ALLERGENS, DIETS
from ordering.manage.access import ManagerAccess, manager_page
from ordering.manage.menu import menu_url, page
from ordering.services.menu_admin import rate_label
from ordering.services.menu_csv import (
    COLUMNS,
    REQUIRED,
    MenuCsvError,
    menu_csv_apply,
    menu_csv_export,
    menu_csv_preview,
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


@never_cache
@require_GET
@manager_page
def export(request, *, access: ManagerAccess):
    restaurant = access.restaurant
    day = timezone.localdate(timezone=restaurant.tzinfo).isoformat()
    response = HttpResponse(
        # A byte-order mark lets Excel open the file as UTF-8.
        "\ufeff" + menu_csv_export(restaurant=restaurant),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="menu-{restaurant.slug}-{day}.csv"'
    )
    return response


def _import_page(request, access, *, status=200, **context):
    return page(
        request,
        "menu_import.html",
        access,
        status=status,
        columns=COLUMNS,
        required=REQUIRED,
        allergen_codes=list(ALLERGENS),
        diet_codes=list(DIETS),
        rates=[rate_label(rate) for rate in access.restaurant.vat_rates_bp],
        upload_help=_("A .csv file up to 1 MB."),
        **context,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@manager_page
def import_(request, *, access: ManagerAccess):
    restaurant = access.restaurant
    if request.method == "GET":
        return _import_page(request, access, form=UploadForm())
    if request.POST.get("action") == "apply":
        text = request.POST.get("csv", "")
        try:
            preview = menu_csv_apply(restaurant=restaurant, data=text.encode())
        except MenuCsvError as error:
            messages.error(request, str(error.message))
            return _import_page(
                request,
                access,
                status=400,
                form=UploadForm(),
                preview=error.extra.get("preview"),
            )
        messages.success(
            request,
            _("Imported %(count)d dishes.") % {"count": len(preview.rows)},
        )
        return redirect(menu_url(access, "manage-menu"))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, access, status=400, form=form)
    data = form.cleaned_data["file"].read()
    try:
        preview = menu_csv_preview(restaurant=restaurant, data=data)
    except MenuCsvError as error:
        form.add_error("file", str(error.message))
        return _import_page(request, access, status=400, form=form)
    return _import_page(
        request,
        access,
        status=200 if preview.is_valid else 400,
        form=UploadForm(),
        preview=preview,
        # Sent back unchanged by "Import"; checked again there.
        csv_text=data.decode("utf-8-sig"),
    )
