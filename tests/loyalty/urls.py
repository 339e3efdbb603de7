"""The project's URLs plus loyalty's, for tests that run before config.urls
includes them (at the prefixes asked for: /loyalty/ and /api/v1/loyalty/)."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("loyalty/", include("loyalty.urls")),
    path("api/v1/loyalty/", include("loyalty.api_urls")),
    *project_urlpatterns,
]
