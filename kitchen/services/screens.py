"""Pairing kitchen screens, revoking them, and knowing which are live."""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitchen.events import KITCHEN, publish_on_stream
from kitchen.exceptions import PairingError
from kitchen.groups import kitchen_group
from kitchen.models import Screen, ScreenConnection, ScreenPairing, Station
from kitchen.services.access import MANAGER_ROLES
from ordering.exceptions import NotFoundError
from ordering.ratelimit import hit
from ordering.selectors import token_hash
from ordering.services.staff import staff_require

PAIRING_LIFETIME = datetime.timedelta(minutes=10)
# Six digits are easy to read across a kitchen; with ten minutes to live and
# a per-address attempt limit, guessing one is hopeless.
_CODE_DIGITS = 6
_ATTEMPTS_PER_MINUTE = 10


@transaction.atomic
def screen_pairing_create(
    *, restaurant_id: int, name: str, station_id: int | None, user
) -> ScreenPairing:
    """Start pairing a screen (manager); return the code it must type in."""
    staff_require(user=user, restaurant_id=restaurant_id, roles=MANAGER_ROLES)
    if (
        station_id is not None
        and not Station.objects.filter(
            pk=station_id, restaurant_id=restaurant_id
        ).exists()
    ):
        raise NotFoundError(_("There is no such station here."))
    now = timezone.now()
    while True:
        code = "".join(secrets.choice("0123456789") for _ in range(_CODE_DIGITS))
        clash = ScreenPairing.objects.filter(
            code=code, expires_at__gt=now, screen__isnull=True
        )
        if not clash.exists():
            break
    pairing = ScreenPairing(
        restaurant_id=restaurant_id,
        code=code,
        name=name.strip()[:60] or _("Kitchen screen"),
        station_id=station_id,
        created_by=user,
        expires_at=now + PAIRING_LIFETIME,
    )
    pairing.full_clean()
    pairing.save()
    return pairing


def screen_pair(*, code: str, client_key: str) -> tuple[Screen, str]:
    """Turn a valid pairing code into a paired screen and its secret token.

    `client_key` identifies the asking device (its address) for the attempt
    limit, so codes cannot be guessed by brute force.
    """
    allowed, retry_after = hit(
        f"screen-pair:{client_key}", limit=_ATTEMPTS_PER_MINUTE, window_seconds=60
    )
    if not allowed:
        raise PairingError(
            _("Too many tries. Wait %(seconds)d seconds and type the code again.")
            % {"seconds": retry_after},
            code="rate_limited",
            extra={"retry_after": retry_after},
        )
    with transaction.atomic():
        pairing = (
            ScreenPairing.objects.select_for_update()
            .filter(
                code=code.strip(), expires_at__gt=timezone.now(), screen__isnull=True
            )
            .first()
        )
        if pairing is None:
            raise PairingError()
        token = secrets.token_urlsafe(32)
        screen = Screen.objects.create(
            restaurant_id=pairing.restaurant_id,
            name=pairing.name,
            station_id=pairing.station_id,
            token_hash=token_hash(token),
            paired_by=pairing.created_by,
        )
        pairing.screen = screen
        pairing.save(update_fields=["screen"])
    return screen, token


@transaction.atomic
def screen_revoke(*, screen_id: int, user) -> Screen:
    """Unpair a screen (manager): it stops working at once."""
    screen = Screen.objects.select_for_update().filter(pk=screen_id).first()
    if screen is None:
        raise NotFoundError()
    staff_require(user=user, restaurant_id=screen.restaurant_id, roles=MANAGER_ROLES)
    if screen.revoked_at is None:
        screen.revoked_at = timezone.now()
        screen.save(update_fields=["revoked_at"])
        ScreenConnection.objects.filter(screen=screen).delete()
        publish_on_stream(
            restaurant_id=screen.restaurant_id,
            stream=KITCHEN,
            group=kitchen_group(screen.restaurant_id),
            event="screen.revoked",
            version=1,
            data={"screen": screen.pk},
        )
    return screen


def screen_connected(
    *,
    restaurant_id: int,
    station_id: int | None,
    channel_name: str,
    screen_id: int | None = None,
    user_id: int | None = None,
) -> None:
    """Record an open kitchen screen connection (called by the consumer)."""
    now = timezone.now()
    ScreenConnection.objects.update_or_create(
        channel_name=channel_name,
        defaults={
            "restaurant_id": restaurant_id,
            "station_id": station_id,
            "screen_id": screen_id,
            "user_id": user_id,
            "connected_at": now,
            "last_seen_at": now,
        },
    )


def screen_heartbeat(*, channel_name: str) -> bool:
    """Record that a connected screen is still there; False if it is unknown."""
    return bool(
        ScreenConnection.objects.filter(channel_name=channel_name).update(
            last_seen_at=timezone.now()
        )
    )


def screen_disconnected(*, channel_name: str) -> None:
    ScreenConnection.objects.filter(channel_name=channel_name).delete()
