"""The back office's pages, under /manage/. Page modules add their routes here."""

from django.urls import path

from ordering.manage import home

urlpatterns = [
    path("", home.home, name="manage-home"),
]
