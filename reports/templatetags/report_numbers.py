"""Numbers the Vietnamese way in every language (``1.234``, ``6,5``): the filters of
``ntm_portal.numbers``, the one module that formats numbers."""

from django import template

from ntm_portal.numbers import number, share_of, signed, vn_percent

register = template.Library()

register.filter("number", number)
register.filter("percent", vn_percent)  # {{ share|percent }} → "25,0%"
register.filter("signed", signed)
register.filter("share_of", share_of)
