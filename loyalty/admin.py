from django.contrib import admin

from loyalty.models import (
    Badge,
    Consent,
    Feedback,
    Identification,
    LoyaltyProgram,
    Member,
    MemberScore,
    MemberSuggestions,
    MemberToken,
    Message,
    ModelFit,
    OneTimeCode,
    PointsEntry,
    Reservation,
    Reward,
    ShownSuggestion,
    SuggestionFit,
    Survey,
    SurveyAnswer,
    Tier,
)


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["first_name", "email", "phone", "restaurant", "joined_at"]
    list_filter = ["restaurant"]
    search_fields = ["first_name", "email", "phone"]
    readonly_fields = ["birthday_set_at", "referral_code", "erased_at"]


@admin.register(Identification)
class IdentificationAdmin(admin.ModelAdmin):
    list_display = ["member", "guest", "identified_at"]
    raw_id_fields = ["guest", "member"]


class TierInline(admin.TabularInline):
    model = Tier
    extra = 0


@admin.register(LoyaltyProgram)
class LoyaltyProgramAdmin(admin.ModelAdmin):
    list_display = ["restaurant", "is_active", "points_per_unit"]
    inlines = [TierInline]


@admin.register(Reward)
class RewardAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "program", "kind", "cost_points", "is_active"]
    list_filter = ["program", "kind", "is_active"]
    raw_id_fields = ["menu_item"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Ledgers and records: written by the services only, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ["member", "kind", "source", "points", "key", "created_at"]
    list_filter = ["kind", "source"]
    search_fields = ["key"]


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ["member", "reward", "status", "points", "discount_minor"]
    list_filter = ["status"]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["member", "purpose", "is_granted", "wording_version", "recorded_at"]
    list_filter = ["purpose", "is_granted"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["kind", "member", "channel", "status", "reason", "created_at"]
    list_filter = ["kind", "status", "reason"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["table_session", "rating", "is_complaint", "status", "created_at"]
    list_filter = ["status", "is_complaint"]
    raw_id_fields = ["table_session", "guest", "member"]


class SurveyAnswerInline(admin.TabularInline):
    """The members' answers, for the managers to read; written by members only."""

    model = SurveyAnswer
    fields = ("member", "rating", "answer", "created_at")
    readonly_fields = ("member", "rating", "answer", "created_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["question_fi", "restaurant", "is_active", "created_at"]
    list_filter = ["restaurant", "is_active"]
    inlines = [SurveyAnswerInline]


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(ReadOnlyAdmin):
    list_display = ["survey", "member", "rating", "created_at"]


@admin.register(Badge)
class BadgeAdmin(ReadOnlyAdmin):
    list_display = ["member", "code", "awarded_at"]


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "program", "min_points", "points_multiplier_percent"]
    list_filter = ["program"]


@admin.register(MemberToken)
class MemberTokenAdmin(ReadOnlyAdmin):
    # Only hashes are stored; the admin is for seeing when a phone was last used.
    list_display = ["member", "created_at", "last_used_at"]
    exclude = ["token_hash"]


@admin.register(OneTimeCode)
class OneTimeCodeAdmin(ReadOnlyAdmin):
    list_display = ["restaurant", "purpose", "channel", "created_at"]
    list_filter = ["purpose", "channel"]
    exclude = ["code_hash"]


@admin.register(ModelFit)
class ModelFitAdmin(ReadOnlyAdmin):
    list_display = ["restaurant", "fitted_at", "customers", "r", "alpha", "a", "b"]


@admin.register(MemberScore)
class MemberScoreAdmin(ReadOnlyAdmin):
    list_display = ["member", "restaurant", "computed_at", "visit_days", "cadence_days"]
    list_filter = ["restaurant"]


@admin.register(SuggestionFit)
class SuggestionFitAdmin(ReadOnlyAdmin):
    list_display = ["restaurant", "fitted_at", "members", "orders", "lines", "seconds"]
    exclude = ["data"]


@admin.register(MemberSuggestions)
class MemberSuggestionsAdmin(ReadOnlyAdmin):
    list_display = ["member", "restaurant", "computed_at"]
    list_filter = ["restaurant"]


@admin.register(ShownSuggestion)
class ShownSuggestionAdmin(ReadOnlyAdmin):
    list_display = ["menu_item", "member", "placement", "channel", "shown_at"]
    list_filter = ["placement", "channel", "restaurant"]
    raw_id_fields = ["table_session", "member", "menu_item"]
