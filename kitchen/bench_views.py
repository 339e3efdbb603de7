"""A probe for bench/kitchen_latency.py: publish a bare event to a kitchen
group, so the benchmark can measure the floor (HTTP request, channel layer,
websocket) against which full ticket delivery is compared.

Only routed when TABLESIDE_BENCH_ENDPOINTS is on; never in production.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kitchen.events import MESSAGE_TYPE, envelope
from kitchen.groups import kitchen_group


@csrf_exempt
@require_POST
def probe(request, restaurant_id: int):
    payload = envelope(
        event="bench.probe", version=0, data={"probe": request.GET.get("id", "")}
    )
    async_to_sync(get_channel_layer().group_send)(
        kitchen_group(restaurant_id), {"type": MESSAGE_TYPE, "payload": payload}
    )
    return JsonResponse({"ok": True})
