from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrderingConfig(AppConfig):
    name = "ordering"
    verbose_name = _("Ordering")

    def ready(self):
        # Registers the OpenAPI descriptions of authentication, and the
        # hooks that retire cached menus.
        import config.schema  # noqa: F401
        import ordering.signals  # noqa: F401
