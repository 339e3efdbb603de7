"""Django admin for the kitchen. Ticket changes go through the kitchen
screens (and their services); here they are for looking, plus revoking."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from kitchen.floor.models import LineVoid, Section, TableService, WaiterCall
from kitchen.models import (
    Alert,
    EventStream,
    Screen,
    ScreenConnection,
    ScreenPairing,
    Station,
    Ticket,
    TicketLine,
)
from kitchen.services.screens import screen_revoke
from ordering.exceptions import DomainError


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "restaurant", "amber_after_seconds", "is_active"]
    list_filter = ["restaurant"]


class TicketLineInline(admin.TabularInline):
    model = TicketLine
    extra = 0
    can_delete = False
    readonly_fields = ("order_line", "done_at")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "course", "fired_at", "acknowledged_at"]
    list_filter = ["restaurant", "station", "status"]
    raw_id_fields = ["order"]
    readonly_fields = (
        "status",
        "created_at",
        "fired_at",
        "acknowledged_at",
        "started_at",
        "ready_at",
        "served_at",
        "version",
    )
    inlines = [TicketLineInline]


@admin.register(TicketLine)
class TicketLineAdmin(admin.ModelAdmin):
    list_display = ["__str__", "ticket", "done_at"]
    raw_id_fields = ["ticket", "order_line"]


@admin.register(Screen)
class ScreenAdmin(admin.ModelAdmin):
    list_display = ["name", "restaurant", "station", "paired_at", "revoked_at"]
    list_filter = ["restaurant"]
    readonly_fields = ("paired_at", "paired_by", "revoked_at")
    actions = ["revoke"]

    @admin.action(description=_("Unpair the selected screens"))
    def revoke(self, request, queryset):
        for screen in queryset:
            try:
                screen_revoke(screen_id=screen.pk, user=request.user)
            except DomainError as error:
                self.message_user(request, f"{screen}: {error.message}", messages.ERROR)


@admin.register(ScreenPairing)
class ScreenPairingAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "restaurant", "expires_at", "screen"]
    readonly_fields = ("code", "expires_at", "screen", "created_by")


@admin.register(ScreenConnection)
class ScreenConnectionAdmin(admin.ModelAdmin):
    list_display = ["channel_name", "restaurant", "station", "screen", "last_seen_at"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["__str__", "restaurant", "kind", "station", "resolved_at"]
    list_filter = ["restaurant", "kind"]
    raw_id_fields = ["ticket"]


@admin.register(EventStream)
class EventStreamAdmin(admin.ModelAdmin):
    list_display = ["restaurant", "name", "last_seq"]
    readonly_fields = ("last_seq",)


# The floor's records: waiters change them from the tablet, through the
# floor services; here they are for looking up what happened.
class FloorRecordAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["area", "waiter", "restaurant", "assigned_at"]
    list_filter = ["restaurant"]


@admin.register(WaiterCall)
class WaiterCallAdmin(FloorRecordAdmin):
    list_display = ["table_session", "kind", "status", "created_at", "acknowledged_at"]
    list_filter = ["restaurant", "kind", "status"]


@admin.register(LineVoid)
class LineVoidAdmin(FloorRecordAdmin):
    list_display = ["order_line", "reason", "amount_minor", "status", "requested_at"]
    list_filter = ["restaurant", "status"]


@admin.register(TableService)
class TableServiceAdmin(FloorRecordAdmin):
    list_display = ["table_session", "waiter", "cleared_at"]
