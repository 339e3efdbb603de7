"""Django's HTTP handling inside the ASGI server.

Our views are synchronous (DRF, the ORM). Django's own async handler crosses
between the event loop and a worker thread around every middleware step;
measured with bench/guest_api.py that made a trivial view behind our
middleware 2.8× slower than bare Django, against 0.8× when the whole request
runs through Django's WSGI handler in one thread hop (asgiref's WsgiToAsgi).

Each request still gets its own thread-sensitive context, as Django's async
handler gives it: code that calls `async_to_sync` (publishing to the channel
layer) must not leave executor state behind for the next request. The context
runs on one long-lived thread, so database connections stay warm between
requests.
"""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext
from asgiref.wsgi import WsgiToAsgi
from django.core.wsgi import get_wsgi_application


class DjangoHttp:
    def __init__(self):
        self.app = WsgiToAsgi(get_wsgi_application())
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="http")

    async def __call__(self, scope, receive, send):
        async with ThreadSensitiveContext(executor=self.executor):
            await self.app(scope, receive, send)
