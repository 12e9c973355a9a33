"""How many criteria a unit meets each year: a trajectory towards where it stands in 2025,
with the province's communes spread over the reporting buckets as real provinces report."""

from __future__ import annotations

from dataclasses import dataclass

from communes.models import AdministrativeUnit
from demo.base import ANCHOR_YEAR, draw


@dataclass(frozen=True)
class Trajectory:
    """Criteria met on a 19-criteria scale: ``final`` in the anchor year, ``step`` fewer a year
    before ``reach`` (the year the unit first meets them all, for ``final == 19``)."""

    final: int
    step: int
    reach: int
    floor: int = 1

    def count(self, year: int, scale: int = 19) -> int:
        c19 = max(min(self.final, self.floor), self.final - self.step * max(0, self.reach - year))
        return min(scale, round(c19 * scale / 19))


# 2025 distribution of communes over the reporting buckets 19 · 15–18 · 10–14 · 5–9 · under 5.
BUCKET_SHARES = ((19, 19, 0.30), (15, 18, 0.25), (10, 14, 0.22), (5, 9, 0.15), (1, 4, 0.08))


def commune_trajectories(communes: list[AdministrativeUnit], seed: int) -> dict[str, Trajectory]:
    rng = draw(seed, "trajectories")
    n = len(communes)
    counts = [max(1, round(share * n)) for *_bounds, share in BUCKET_SHARES]
    counts[1] += n - sum(counts)  # rounding slack goes to 15–18
    while counts[1] < 1:  # tiny provinces: take from the largest bucket
        biggest = counts.index(max(counts))
        counts[biggest] -= 1
        counts[1] += 1
    order = list(communes)
    rng.shuffle(order)
    result, start = {}, 0
    for (low, high, _share), k in zip(BUCKET_SHARES, counts, strict=True):
        for commune in order[start : start + k]:
            final = rng.randint(low, high)
            if final == 19:
                reach = rng.choices((2021, 2022, 2023, 2024, 2025), weights=(1, 2, 3, 3, 3))[0]
                result[commune.code] = Trajectory(final, rng.randint(2, 4), reach, floor=6)
            else:
                result[commune.code] = Trajectory(final, rng.choice((0, 1, 1, 2, 2)), ANCHOR_YEAR)
        start += k
    return result


def advanced_trajectory(commune: AdministrativeUnit, recognised: int, seed: int) -> Trajectory:
    rng = draw(seed, "advanced", commune.code)
    reaches = recognised <= 2023 and rng.random() < 0.45
    final = 19 if reaches else rng.randint(9, 17)
    return Trajectory(final, rng.randint(1, 3), ANCHOR_YEAR, floor=5)


def village_trajectory(village: AdministrativeUnit, seed: int) -> Trajectory:
    rng = draw(seed, "village", village.code)
    if rng.random() < 0.35:
        reach = rng.choice((2021, 2022, 2023, 2024, 2025))
        return Trajectory(19, rng.randint(2, 4), reach, floor=8)
    return Trajectory(rng.randint(6, 17), rng.choice((1, 2)), ANCHOR_YEAR, floor=4)
