"""Sign-in lockout with two limits (django-axes handler).

* ``AXES_FAILURE_LIMIT`` wrong passwords for one username from one address lock that pair;
* ``AXES_ADDRESS_FAILURE_LIMIT`` wrong passwords from one address, whatever the usernames,
  lock the address (one address guessing many officers' passwords).

Neither limit locks a username everywhere, so nobody can lock an officer out from another
address. django-axes compares one number with one limit; the per-address count is scaled so
that reaching its own limit reaches ``AXES_FAILURE_LIMIT``. A successful sign-in clears that
username's failures from that address only, never the address's count for other usernames
(otherwise one valid account would reset an attacker's budget).
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def _total(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class PortalAxesHandler(AxesDatabaseHandler):
    """``AXES_LOCKOUT_PARAMETERS`` must be ``[["username", "ip_address"], "ip_address"]``."""

    def get_failures(self, request, credentials=None) -> int:
        pair, address = self.get_user_attempts(request, credentials)
        user_limit = settings.AXES_FAILURE_LIMIT
        scaled = _total(address) * user_limit // settings.AXES_ADDRESS_FAILURE_LIMIT
        return max(_total(pair), scaled)

    def reset_user_attempts(self, request, credentials=None) -> int:
        pair = self.filter_user_attempts(request, credentials)[0]
        count, _ = pair.delete()
        return count
