"""The back office's front page: where everything is."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ordering.manage.access import ManagerAccess, manager_page


@never_cache
@require_GET
@manager_page
def home(request, *, access: ManagerAccess):
    return render(request, "manage/home.html", {"access": access})
