"""ASGI entry point: HTTP through Django's request handler, websockets
through Channels.

HTTP goes through Django's WSGI handler, run in a worker thread by asgiref's
WsgiToAsgi. Our views are synchronous (DRF, the ORM), and Django's async
handler would cross between the event loop and that thread around every
middleware step; measured with bench/guest_api.py, that made a trivial view
behind our middleware 2.8× slower than bare Django, against 0.9× this way.

Websockets pass the Origin check against ALLOWED_HOSTS and get the Django
session and user in their scope before routing.
"""

import os

from asgiref.wsgi import WsgiToAsgi
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
# Sets Django up; must run before anything imports models.
get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from kitchen.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": WsgiToAsgi(get_wsgi_application()),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
