"""The benchmark's plan of each commune's progress: criteria met year by year on the standard
set (spread over the 2025 buckets), and on the advanced and model sets for some of the communes
recognised early. ``assessments`` writes the assessments that follow these plans."""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.catalog import SetInfo
from bench.tree import Unit

YEARS = range(2021, 2026)
LAST_YEAR = YEARS[-1]

# Share of communes per 2025 bucket (19 · 15–18 · 10–14 · 5–9 · under 5) on the standard set.
BUCKET_SHARES = ((19, 19, 0.55), (15, 18, 0.22), (10, 14, 0.13), (5, 9, 0.07), (1, 4, 0.03))
REACH_WEIGHTS = ((2021, 3), (2022, 3), (2023, 3), (2024, 2), (2025, 2))
ADVANCED_SHARE, MODEL_SHARE = 0.25, 0.10


@dataclass(frozen=True)
class Trajectory:
    """Criteria met: ``final`` in the last year, ``step`` fewer for each year before ``reach``."""

    final: int
    step: int
    reach: int
    floor: int = 1
    first_year: int = YEARS[0]

    def count(self, year: int, total: int) -> int:
        c19 = max(min(self.final, self.floor), self.final - self.step * max(0, self.reach - year))
        return min(total, round(c19 * total / 19))


def standard_trajectories(communes: list[Unit], rng: random.Random) -> dict[str, Trajectory]:
    """Every commune's path on the standard set, spread over the five buckets in 2025."""
    order = list(communes)
    rng.shuffle(order)
    result: dict[str, Trajectory] = {}
    start = 0
    for index, (low, high, share) in enumerate(BUCKET_SHARES):
        size = round(share * len(order)) if index < len(BUCKET_SHARES) - 1 else len(order) - start
        for commune in order[start : start + size]:
            final = rng.randint(low, high)
            if final == 19:
                years, weights = zip(*REACH_WEIGHTS, strict=True)
                reach = rng.choices(years, weights=weights)[0]
                result[commune.code] = Trajectory(19, rng.randint(2, 4), reach, floor=6)
            else:
                result[commune.code] = Trajectory(final, rng.choice((0, 1, 1, 2, 2)), LAST_YEAR)
        start += size
    return result


def higher_tiers(
    communes: list[Unit], standard: dict[str, Trajectory], rng: random.Random
) -> tuple[dict[str, Trajectory], dict[str, Trajectory]]:
    """A quarter of communes work on the advanced set from the year after their standard
    recognition; a tenth (among them) on the model set, from the year after advanced starts."""
    recognised_early = [c for c in communes if standard[c.code].final == 19 and standard[c.code].reach < LAST_YEAR]
    rng.shuffle(recognised_early)
    advanced: dict[str, Trajectory] = {}
    for commune in recognised_early[: round(ADVANCED_SHARE * len(communes))]:
        start = standard[commune.code].reach + 1
        reaches = start <= LAST_YEAR - 2 and rng.random() < 0.5
        final = 19 if reaches else rng.randint(8, 17)
        reach = rng.randint(start + 1, LAST_YEAR) if reaches else LAST_YEAR
        advanced[commune.code] = Trajectory(final, rng.randint(2, 4), reach, floor=4, first_year=start)
    candidates = sorted(advanced, key=lambda code: (advanced[code].first_year, advanced[code].final != 19))
    model: dict[str, Trajectory] = {}
    for code in candidates[: round(MODEL_SHARE * len(communes))]:
        start = min(advanced[code].first_year + 1, LAST_YEAR)
        reaches = advanced[code].final == 19 and rng.random() < 0.6
        model[code] = Trajectory(19 if reaches else rng.randint(5, 15), 5, LAST_YEAR, floor=5, first_year=start)
    return advanced, model


def criteria_order(info: SetInfo, rng: random.Random) -> list[int]:
    """Criteria indexes from easiest to hardest for one commune: met ones only accumulate."""
    difficulty = [rng.random() + (0.8 if c.lagging else 0.0) for c in info.criteria]
    return sorted(range(info.total), key=lambda i: difficulty[i])
