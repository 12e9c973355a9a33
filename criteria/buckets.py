"""Progress buckets as pure functions: the classes of units by criteria met that the dashboard,
the bulletin and the map count (19 · 15–18 · 10–14 · 5–9 · under 5 for a 19-criteria set),
scaled to a set of any size. Callers read these names through ``criteria.evaluation``.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext

DEFAULT_CUTS = (19, 15, 10, 5)  # 19 · 15–18 · 10–14 · 5–9 · under 5, for a 19-criteria set


@dataclass(frozen=True)
class Bucket:
    low: int
    high: int
    label: str

    def __contains__(self, met: int) -> bool:
        return self.low <= met <= self.high


def bucket_bounds(total: int, cuts: Sequence[int] = DEFAULT_CUTS, reference: int = 19) -> list[Bucket]:
    """Buckets for a set of `total` criteria, highest first, contiguous from `total` down to 0.

    The top bucket is exactly `total`; the other cuts scale as round_half_up(cut * total /
    reference), dropping any that would collide. With the default cuts:
      9:  9 · 7–8 · 5–6 · 2–4 · under 2
      10: 10 · 8–9 · 5–7 · 3–4 · under 3
      19: 19 · 15–18 · 10–14 · 5–9 · under 5
      20: 20 · 16–19 · 11–15 · 5–10 · under 5
    """
    if total < 1 or reference < 1:
        raise ValueError("a criteria set has at least one criterion")
    if not cuts or cuts[0] != reference or list(cuts) != sorted(set(cuts), reverse=True):
        raise ValueError(f"cuts must descend from the reference size {reference}: {cuts!r}")
    if cuts[-1] < 1:
        raise ValueError("cuts must be at least 1")

    buckets = [Bucket(total, total, str(total))]
    upper = total  # exclusive upper bound of the next bucket
    for cut in cuts[1:]:
        low = int((Decimal(cut) * total / reference).quantize(Decimal(1), ROUND_HALF_UP))
        if not 1 <= low < upper:
            continue  # collides with the bucket above once scaled down
        high = upper - 1
        label = str(low) if low == high else gettext("%(low)d–%(high)d") % {"low": low, "high": high}
        buckets.append(Bucket(low, high, label))
        upper = low
    buckets.append(Bucket(0, upper - 1, gettext("under %(number)d") % {"number": upper}))
    return buckets


def bucket_for(met: int, total: int, cuts: Sequence[int] = DEFAULT_CUTS, reference: int = 19) -> Bucket:
    """The bucket a unit with `met` criteria of `total` falls in."""
    if not 0 <= met <= total:
        raise ValueError(f"criteria met must be between 0 and {total}, got {met}")
    return next(b for b in bucket_bounds(total, cuts, reference) if met in b)
