from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "ntm_portal"
    verbose_name = "NTM portal"

    def ready(self) -> None:
        from ntm_portal import tokens  # noqa: F401 - revokes API tokens when a password changes
