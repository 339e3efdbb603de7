"""How loyalty's API authenticates, for the OpenAPI schema.

`LoyaltyConfig.ready` imports this module, which registers the extension.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from config.schema import GuestAuthenticationScheme


class LoyaltyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "loyalty.auth.LoyaltyAuthentication"
    name = "memberToken"

    def get_security_requirement(self, auto_schema):
        # A phone at a table, a member, or both. The guest's scheme is the
        # one ordering's guest APIs already define (one component per
        # authentication class, so it is referred to, not defined again).
        guest = GuestAuthenticationScheme.name
        return [{guest: []}, {self.name: []}, {guest: [], self.name: []}]

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Member-Token",
            "description": (
                "The member token returned on joining "
                "(POST /api/v1/loyalty/restaurants/{slug}/members). Browsers "
                "send the restaurant's member cookie instead, with the "
                "X-CSRFToken header."
            ),
        }
