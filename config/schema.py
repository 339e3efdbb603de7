"""OpenAPI generation: names for the house style's nested serializers, and how
guests authenticate."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema


class AutoSchema(BaseAutoSchema):
    def get_serializer_name(self, serializer, direction):
        """Name `CartLineCreateApi.InputSerializer` `CartLineCreate` (the
        generator adds `Request`) and `...OutputSerializer` `...Response`.

        Every API nests its own `InputSerializer`/`OutputSerializer`, so the
        plain class names would collide.
        """
        qualname = serializer.__class__.__qualname__
        if "." not in qualname:
            return super().get_serializer_name(serializer, direction)
        view, inner = qualname.split(".")[-2:]
        suffix = {"InputSerializer": "", "OutputSerializer": "Response"}.get(
            inner, inner
        )
        return view.removesuffix("Api") + suffix


class GuestAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "ordering.guest_auth.GuestAuthentication"
    name = "guestToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Guest <token>`, the token returned by /api/v1/table-sessions/join. "
                "Browsers that scanned the table's QR code use their session cookie "
                "(with the X-CSRFToken header) instead."
            ),
        }


class ScreenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "kitchen.access.ScreenAuthentication"
    name = "kitchenScreen"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "tableside_screen",
            "description": (
                "The cookie a kitchen screen receives when it is paired "
                "(POST /api/v1/kitchen/pair); send the X-CSRFToken header with it."
            ),
        }
