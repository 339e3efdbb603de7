"""Loyalty REST API; config.urls includes it under /api/v1/loyalty/."""

from django.urls import path

from loyalty import apis, suggestions_apis

urlpatterns = [
    path(
        "restaurants/<slug:slug>/codes",
        apis.CodeRequestApi.as_view(),
        name="api-loyalty-codes",
    ),
    path(
        "restaurants/<slug:slug>/members",
        apis.MemberJoinApi.as_view(),
        name="api-loyalty-join",
    ),
    path("me", apis.MeApi.as_view(), name="api-loyalty-me"),
    path("me/consents", apis.ConsentsApi.as_view(), name="api-loyalty-consents"),
    path("me/identify", apis.IdentifyApi.as_view(), name="api-loyalty-identify"),
    path("me/sign-out", apis.SignOutApi.as_view(), name="api-loyalty-sign-out"),
    path("me/points", apis.PointsApi.as_view(), name="api-loyalty-points"),
    path("me/codes", apis.PrivacyCodeApi.as_view(), name="api-loyalty-privacy-code"),
    path("me/export", apis.ExportApi.as_view(), name="api-loyalty-export"),
    path("me/erase", apis.EraseApi.as_view(), name="api-loyalty-erase"),
    path("feedback", apis.FeedbackCreateApi.as_view(), name="api-loyalty-feedback"),
    path(
        "bill/rewards/<int:reward_id>",
        apis.BillRewardApi.as_view(),
        name="api-loyalty-bill-reward",
    ),
    path(
        "staff/table-sessions/<int:table_session_id>/members",
        apis.StaffMembersAtTableApi.as_view(),
        name="api-loyalty-members-at-table",
    ),
    path(
        "staff/suggestions",
        suggestions_apis.StaffSuggestionsApi.as_view(),
        name="api-loyalty-suggestions",
    ),
    path(
        "staff/suggestions/accept",
        suggestions_apis.StaffSuggestionAcceptApi.as_view(),
        name="api-loyalty-suggestion-accept",
    ),
    path(
        "staff/suggestions/acceptance",
        suggestions_apis.StaffSuggestionRateApi.as_view(),
        name="api-loyalty-suggestion-rate",
    ),
    path(
        "me/suggestions",
        suggestions_apis.GuestSuggestionsApi.as_view(),
        name="api-loyalty-my-suggestions",
    ),
    path(
        "me/suggestions/accept",
        suggestions_apis.GuestSuggestionAcceptApi.as_view(),
        name="api-loyalty-my-suggestion-accept",
    ),
]
