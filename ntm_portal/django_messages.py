"""Django's own messages whose Vietnamese translation Django does not ship.

Listed here so that ``makemessages`` puts them in the project catalogue, which Django consults
before its own (``LOCALE_PATHS``). Nothing imports this module.
"""

from django.utils.translation import gettext_noop

MESSAGES = [
    gettext_noop("Please enter a correct %(username)s and password. Note that both fields may be case-sensitive."),
    gettext_noop("This account is inactive."),
]
