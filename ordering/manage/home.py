"""The back office's front page: the manager's overview (the dashboard)."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ordering.manage.access import ManagerAccess, manager_page
from ordering.manage.dashboard import dashboard_context


@never_cache
@require_GET
@manager_page
def home(request, *, access: ManagerAccess):
    return render(request, "manage/home.html", dashboard_context(request, access))
