"""Loyalty pages; config.urls includes them under /loyalty/."""

from django.urls import path

from loyalty import staff_views, views

urlpatterns = [
    path("manage/feedback/", staff_views.inbox, name="loyalty-manage-inbox"),
    path(
        "manage/feedback/<int:feedback_id>/",
        staff_views.feedback_detail,
        name="loyalty-manage-feedback",
    ),
    path("manage/regulars/", staff_views.regulars, name="loyalty-manage-regulars"),
    path("manage/offers/", staff_views.offers, name="loyalty-manage-offers"),
    path("feedback/<str:token>/", views.feedback, name="loyalty-feedback"),
    path("<slug:slug>/", views.card, name="loyalty-card"),
    path("<slug:slug>/join/code", views.join_code, name="loyalty-join-code"),
    path("<slug:slug>/join/verify", views.join_verify, name="loyalty-join-verify"),
    path("<slug:slug>/identify", views.identify, name="loyalty-identify"),
    path("<slug:slug>/sign-out", views.sign_out, name="loyalty-sign-out"),
    path("<slug:slug>/settings/", views.member_settings, name="loyalty-settings"),
    path("<slug:slug>/privacy/", views.privacy, name="loyalty-privacy"),
    path(
        "<slug:slug>/surveys/<int:survey_id>/",
        views.survey,
        name="loyalty-survey",
    ),
]
