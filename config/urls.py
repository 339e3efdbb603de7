from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csp import csp_override
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from ordering.views import favicon

urlpatterns = [
    path("", include("ordering.urls")),
    path("api/v1/", include("ordering.api_urls")),
    path("api/v1/kitchen/", include("kitchen.api_urls")),
    path("kitchen/", include("kitchen.urls")),
    path("manage/", include("ordering.manage.urls")),
    path("loyalty/", include("loyalty.urls")),
    path("api/v1/loyalty/", include("loyalty.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # Swagger UI sets inline styles; only this page allows them.
        csp_override(
            {**settings.SECURE_CSP, "style-src": ["'self'", "'unsafe-inline'"]}
        )(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("favicon.ico", favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    # Menu photos; a deployment behind a proxy serves MEDIA_ROOT itself.
    path(
        f"{settings.MEDIA_URL.lstrip('/')}<path:path>",
        serve,
        {"document_root": settings.MEDIA_ROOT},
    ),
]

if settings.TABLESIDE["BENCH_ENDPOINTS"]:
    from kitchen.bench_views import probe

    urlpatterns.append(path("bench/probe/<int:restaurant_id>", probe))
