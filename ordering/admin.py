"""Django admin for every model. Changes that have rules (order status, QR
rotation, closing a visit) go through the services, as the API's do."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ordering.exceptions import DomainError
from ordering.models import (
    Area,
    Guest,
    MenuCategory,
    MenuItem,
    Modifier,
    ModifierGroup,
    Order,
    OrderLine,
    Payment,
    PaymentAllocation,
    Receipt,
    Refund,
    Restaurant,
    StaffInvitation,
    StaffMember,
    StripeEvent,
    Table,
    TableSession,
)
from ordering.services.invitations import invitation_issue
from ordering.services.tables import table_code_rotate, table_session_close
from ordering.tokens import table_code_make


def _run(modeladmin, request, queryset, call):
    done = 0
    for obj in queryset:
        try:
            call(obj)
            done += 1
        except DomainError as error:
            modeladmin.message_user(request, f"{obj}: {error.message}", messages.ERROR)
    if done:
        modeladmin.message_user(request, _("%d updated.") % done, messages.SUCCESS)


class StaffInline(admin.TabularInline):
    model = StaffMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Restaurant)
class RestaurantAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "currency", "timezone", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StaffInline]


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "restaurant", "role", "is_active"]
    list_filter = ["restaurant", "role"]


@admin.register(StaffInvitation)
class StaffInvitationAdmin(admin.ModelAdmin):
    """Adding one here emails the link, as the back office's Staff page does;
    the token itself is never shown (only its hash is kept)."""

    list_display = ["email", "restaurant", "role", "created_at", "expires_at"]
    list_display += ["accepted_at", "revoked_at"]
    list_filter = ["restaurant", "role"]
    search_fields = ["email"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["restaurant", "email", "role"]
        return [f.name for f in StaffInvitation._meta.fields if f.name != "id"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        invitation, _token = invitation_issue(
            restaurant=obj.restaurant,
            email=obj.email,
            role=obj.role,
            invited_by=request.user,
            language=(get_language() or "fi")[:2],
        )
        obj.pk = invitation.pk

    @admin.action(description=_("Withdraw (the link stops working)"))
    def revoke(self, request, queryset):
        queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "restaurant", "position"]
    list_filter = ["restaurant"]


@admin.register(Table)
class TableAdmin(admin.ModelAdmin):
    list_display = ["label", "restaurant", "area", "seats", "is_active", "guest_link"]
    list_filter = ["restaurant", "area"]
    actions = ["rotate_code"]

    @admin.display(description=_("guest link"))
    def guest_link(self, table):
        code = table_code_make(table_id=table.pk, version=table.qr_version)
        return format_html('<a href="/t/{}/">{}</a>', code, _("open"))

    @admin.action(description=_("Replace the QR code (old stickers stop working)"))
    def rotate_code(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda t: table_code_rotate(table_id=t.pk, user=request.user),
        )


class ModifierInline(admin.TabularInline):
    model = Modifier
    extra = 1


@admin.register(ModifierGroup)
class ModifierGroupAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "restaurant", "min_choices", "max_choices"]
    list_filter = ["restaurant"]
    inlines = [ModifierInline]


@admin.register(MenuCategory)
class MenuCategoryAdmin(admin.ModelAdmin):
    list_display = [
        "name_fi",
        "name_sv",
        "name_en",
        "restaurant",
        "position",
        "is_active",
    ]
    list_filter = ["restaurant"]
    list_editable = ["position", "is_active"]


@admin.register(MenuItem)
class MenuItemAdmin(admin.ModelAdmin):
    list_display = [
        "name_fi",
        "category",
        "price_minor",
        "vat_rate_bp",
        "station",
        "is_available",
    ]
    list_filter = ["restaurant", "category", "station", "is_available"]
    list_editable = ["is_available"]
    search_fields = ["name_fi", "name_sv", "name_en"]
    filter_horizontal = ["modifier_groups"]


class GuestInline(admin.TabularInline):
    model = Guest
    extra = 0
    fields = ("display_name", "language", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(TableSession)
class TableSessionAdmin(admin.ModelAdmin):
    list_display = ["id", "table", "status", "party_size", "opened_at", "closed_at"]
    list_filter = ["restaurant", "status"]
    readonly_fields = ["status", "closed_at", "opened_by"]
    inlines = [GuestInline]
    actions = ["close_sessions"]

    @admin.action(description=_("Close the selected visits"))
    def close_sessions(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda s: table_session_close(table_session_id=s.pk, user=request.user),
        )


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = (
        "name",
        "modifiers",
        "quantity",
        "unit_price_minor",
        "vat_rate_bp",
        "note",
    )
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["__str__", "restaurant", "table_session", "status", "total_minor"]
    list_filter = ["restaurant", "status"]
    readonly_fields = [
        "number",
        "status",
        "total_minor",
        "placed_at",
        "status_changed_at",
        "version",
    ]
    raw_id_fields = ["table_session", "guest", "placed_by_staff"]
    inlines = [OrderLineInline]


@admin.register(Modifier)
class ModifierAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "group", "price_delta_minor", "is_available"]
    list_filter = ["group__restaurant", "is_available"]
    list_editable = ["is_available"]
    search_fields = ["name_fi", "name_sv", "name_en"]


@admin.register(Guest)
class GuestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "table_session", "language", "created_at"]
    list_filter = ["table_session__restaurant"]
    raw_id_fields = ["table_session"]
    # The hash proves nothing to a reader and must not be edited.
    exclude = ["token_hash"]


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin):
    list_display = ["__str__", "order", "unit_price_minor", "vat_rate_bp", "station"]
    list_filter = ["order__restaurant", "station"]
    raw_id_fields = ["order", "menu_item", "added_by"]
    readonly_fields = [
        "name",
        "modifiers",
        "allergens",
        "unit_price_minor",
        "line_total_minor",
        "vat_rate_bp",
    ]


class AllocationInline(admin.TabularInline):
    model = PaymentAllocation
    extra = 0
    can_delete = False
    readonly_fields = ("order_line", "amount_minor")


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Read-only: payments move only through the payment services."""

    list_display = ["__str__", "table_session", "method", "status", "created_at"]
    list_filter = ["restaurant", "method", "status"]
    raw_id_fields = ["table_session", "guest", "recorded_by"]
    inlines = [AllocationInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PaymentAllocation)
class PaymentAllocationAdmin(admin.ModelAdmin):
    list_display = ["payment", "order_line", "amount_minor"]
    raw_id_fields = ["payment", "order_line"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ["payment", "amount_minor", "status", "reason", "created_at"]
    raw_id_fields = ["payment", "created_by"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    list_display = ["number", "restaurant", "kind", "issued_at"]
    list_filter = ["restaurant", "kind"]
    raw_id_fields = ["payment", "refund"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ["stripe_event_id", "type", "received_at", "outcome"]
    list_filter = ["type"]

    def has_change_permission(self, request, obj=None):
        return False
