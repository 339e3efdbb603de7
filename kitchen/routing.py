from django.urls import path

from kitchen.consumers import TableConsumer

websocket_urlpatterns = [
    path("ws/table/", TableConsumer.as_asgi()),
]
