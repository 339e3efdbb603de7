"""ASGI entry point: HTTP through Django's request handler (see
`config.http` for why and how), websockets through Channels.

Websockets pass the Origin check against ALLOWED_HOSTS and get the Django
session and user in their scope before routing.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
# Sets Django up; must run before anything imports models.
get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.http import DjangoHttp  # noqa: E402
from kitchen.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": DjangoHttp(),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
