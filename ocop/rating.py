"""The OCOP rating: a council scores a product out of 100 and the score gives its stars
(DOMAIN.md: 3★ 50–69 points, 4★ 70–89, 5★ 90–100; under 50, no star). Pure, no ORM: the
services, the model's constraint and the pages ask here."""

from __future__ import annotations

MAX_POINTS = 100
# Stars and the points that give them, lowest first.
STAR_POINTS: dict[int, tuple[int, int]] = {3: (50, 69), 4: (70, 89), 5: (90, 100)}


def stars_for(points: int) -> int | None:
    """The stars ``points`` (0–100) give; None under 50."""
    for stars, (low, high) in STAR_POINTS.items():
        if low <= points <= high:
            return stars
    return None
