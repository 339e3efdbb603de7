from django.contrib import admin

from loyalty.models import Identification, Member


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["first_name", "email", "phone", "restaurant", "joined_at"]
    list_filter = ["restaurant"]
    search_fields = ["first_name", "email", "phone"]


@admin.register(Identification)
class IdentificationAdmin(admin.ModelAdmin):
    list_display = ["member", "guest", "identified_at"]
    raw_id_fields = ["guest", "member"]
