"""The bare framework for benchmark ratios: Django under Daphne, one view
returning a small JSON body, no middleware, no database.

Run by bench scripts as `daphne bench.bare_asgi:application`.
"""

import django
from django.conf import settings
from django.core.asgi import get_asgi_application
from django.http import JsonResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only",
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    USE_TZ=True,
)
django.setup()


def bare(request):
    return JsonResponse({"ok": True, "items": list(range(10))})


urlpatterns = [path("bare", bare)]
application = get_asgi_application()
