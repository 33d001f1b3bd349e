"""Seeded sampling helpers built only on exactly reproducible operations.

Every draw is built from `Random.random()` (Mersenne Twister, the same 53-bit doubles everywhere),
IEEE-754 basic arithmetic and `math.sqrt` (correctly rounded), so a seed gives the same draws on
every machine; nothing uses `exp`/`log`/`cos` from the platform's libm, set or dict ordering, or
the clock (`series_exp` and `series_log` compute them from basic arithmetic instead). Integers
are drawn as `int(random() * n)` (bias below 1e-9 for the ranges used here).
"""

from __future__ import annotations

import hashlib
import math
from bisect import bisect_right
from collections.abc import Sequence
from datetime import date
from itertools import accumulate
from random import Random
from typing import Generic, TypeVar

T = TypeVar("T")

LN2 = 0.6931471805599453
SQRT_HALF = 0.7071067811865476
_EXP_TERMS = 18
_LOG_TERMS = 14


def derive_rng(seed: int, stream: str) -> Random:
    """Return the generator of one named random stream of `seed` (streams are independent)."""
    digest = hashlib.sha256(f"datagen:{seed}:{stream}".encode()).digest()
    return Random(int.from_bytes(digest, "big"))


def below(rng: Random, n: int) -> int:
    """Draw an integer in [0, n) from one `random()` (cheaper than `randrange`)."""
    return int(rng.random() * n)


def between(rng: Random, low: int, high: int) -> int:
    """Draw an integer in the closed range [low, high]."""
    return low + int(rng.random() * (high - low + 1))


def pick_one(rng: Random, items: Sequence[T]) -> T:
    """Draw one item uniformly."""
    return items[int(rng.random() * len(items))]


class Weighted(Generic[T]):
    """A fixed set of items drawn with integer weights (exact integer cumulative sums)."""

    __slots__ = ("_cumulative", "_items", "_total")

    def __init__(self, items: Sequence[T], weights: Sequence[int]) -> None:
        if len(items) != len(weights) or not items or min(weights) < 0:
            raise ValueError("need one non-negative integer weight per item")
        self._items = tuple(items)
        self._cumulative = tuple(accumulate(weights))
        self._total = self._cumulative[-1]

    def pick(self, rng: Random) -> T:
        """Draw one item."""
        return self._items[bisect_right(self._cumulative, below(rng, self._total))]


def triangular_int(rng: Random, low: int, mode: int, high: int) -> int:
    """Draw an integer in [low, high] from a triangular distribution peaking at `mode`."""
    span = high + 1 - low
    split = (mode - low) / span
    u = rng.random()
    if u < split:
        value = low + math.sqrt(u * span * (mode - low))
    else:
        value = high + 1 - math.sqrt((1.0 - u) * span * (high + 1 - mode))
    return min(high, max(low, int(value)))


def years_before(day: date, years: int) -> date:
    """Return the same calendar day `years` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def random_day(rng: Random, first: date, last: date) -> date:
    """Draw a day uniformly from the closed range [first, last]."""
    return date.fromordinal(between(rng, first.toordinal(), last.toordinal()))


def series_exp(x: float) -> float:
    """`e ** x` from basic arithmetic: x = k ln 2 + r, |r| <= ln 2 / 2, Taylor series of e ** r."""
    k = math.floor(x / LN2 + 0.5)
    r = x - k * LN2
    total = 1.0
    for n in range(_EXP_TERMS, 0, -1):
        total = 1.0 + total * r / n
    return math.ldexp(total, k)


def series_log(x: float) -> float:
    """Natural log of x > 0 from basic arithmetic: x = m 2 ** e, log m = 2 atanh((m-1)/(m+1))."""
    if not x > 0:
        raise ValueError(f"log of a non-positive number: {x}")
    mantissa, exponent = math.frexp(x)
    if mantissa < SQRT_HALF:
        mantissa, exponent = mantissa * 2.0, exponent - 1
    t = (mantissa - 1.0) / (mantissa + 1.0)
    t2 = t * t
    total = 0.0
    for k in range(_LOG_TERMS, -1, -1):
        total = 1.0 / (2 * k + 1) + t2 * total
    return 2.0 * t * total + exponent * LN2


def standard_normal(rng: Random) -> float:
    """Draw from N(0, 1) by Marsaglia's polar method (a pair of `random()` per attempt)."""
    while True:
        u = 2.0 * rng.random() - 1.0
        v = 2.0 * rng.random() - 1.0
        s = u * u + v * v
        if 0.0 < s < 1.0:
            return u * math.sqrt(-2.0 * series_log(s) / s)


def log_normal_int(rng: Random, centre: float, spread: float, low: int, high: int) -> int:
    """Draw round(e ** N(centre, spread)), clipped to the closed range [low, high]."""
    value = series_exp(centre + spread * standard_normal(rng))
    return min(high, max(low, int(value + 0.5)))
