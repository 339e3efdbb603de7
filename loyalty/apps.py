from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Loyalty")

    def ready(self):
        from loyalty import (
            receivers,
            schema,  # noqa: F401 (registers on import)
        )
        from ordering import hooks

        uid = "loyalty"
        hooks.payment_succeeded.connect(receivers.payment_succeeded, dispatch_uid=uid)
        hooks.refund_issued.connect(receivers.refund_issued, dispatch_uid=uid)
        hooks.payment_discount.connect(receivers.payment_discount, dispatch_uid=uid)
        hooks.bill_extras.connect(receivers.bill_extras, dispatch_uid=uid)
