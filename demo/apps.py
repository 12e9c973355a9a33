from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The fictional demo province and its generator; no models of its own."""

    name = "demo"
    verbose_name = _("Demo province")
