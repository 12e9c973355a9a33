"""The figures versions: what a dashboard's cache key is made of.

Every unit's province prefix (``/26/``) has a row — the migration seeded those of the units
already there, and the units' trigger inserts the row of a new province — and ``GLOBAL`` is
the catalogue's row (criteria and sets). Rows are only ever bumped by database triggers inside
the writing transaction, so a version read after a commit already counts that write, and a
rolled-back write leaves no trace. A row's token is drawn when the row is inserted, so a
cache entry from another or a recreated database never matches, whatever its version.
"""

from __future__ import annotations

from reports.models import FiguresVersion

GLOBAL = "*"


def figures_versions() -> dict[str, tuple[str, int]]:
    """Every row as ``{prefix: (token, version)}``, in one query."""
    return {
        prefix: (token, version)
        for prefix, token, version in FiguresVersion.objects.values_list("prefix", "token", "version")
    }
