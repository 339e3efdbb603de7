from django.urls import path

from kitchen.consumers import FloorConsumer, KitchenConsumer, TableConsumer

websocket_urlpatterns = [
    path("ws/table/", TableConsumer.as_asgi()),
    path("ws/kitchen/", KitchenConsumer.as_asgi()),
    path("ws/floor/", FloorConsumer.as_asgi()),
]
