import gc

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Python's cyclic collector runs a pass after every 700 new container objects (tuples, lists,
# dicts), and every hundredth pass walks every object of the process. A dashboard builds
# hundreds of thousands of rows: the country's page spent about a third of its CPU (~95 of
# 264 ms) in those passes, over the ~200,000 objects Django, the libraries and the models
# leave behind at start-up, which are never garbage. They are frozen out of the passes once
# the apps are loaded, and a pass runs after 10,000 new containers instead of 700 (memory:
# a few megabytes more at most between passes; every cycle is still collected).
GC_FIRST_GENERATION_THRESHOLD = 10_000


class PortalConfig(AppConfig):
    name = "ntm_portal"
    verbose_name = _("NTM portal")

    def ready(self) -> None:
        from ntm_portal import tokens  # noqa: F401 - revokes API tokens when a password changes

        gc.collect()
        gc.freeze()
        _threshold, *older = gc.get_threshold()
        gc.set_threshold(GC_FIRST_GENERATION_THRESHOLD, *older)
