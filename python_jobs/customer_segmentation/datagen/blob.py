"""A population with no planted structure: one Gaussian blob of purchase histories (`blob`).

Every customer's recency, order count and average order value come from one population, a single
blob with independent coordinates in log space, rounded to integers and clipped:

| coordinate                 | log space               | centre     | spread | clipped to       |
|----------------------------|-------------------------|------------|--------|------------------|
| recency_days               | log1p(days)             | log1p(120) | 0.9    | 0-1500 days      |
| total_orders               | log(orders)             | log(5)     | 0.8    | 1-80 orders      |
| avg order value            | log(cents)              | log(5000)  | 0.7    | 5.00-2000.00     |

Spend, items, tenure and spending score then follow the same consistency rules as the planted
segments (`segments.complete_behaviour`). Everything else comes from one fixed profile,
BLOB_PROFILE, which depends on no segment: income, age and items per order span the planted
segments' ranges, the channel weights and opt-in rate are the planted segments' share-weighted
blend (the same marginal mix as a planted file), and the spending score is uniform 1-100.
With one population there is nothing for a defect to confuse, so every row of a blob file,
messy or not, is labelled `blob`.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from customer_segmentation.datagen.sampling import log_normal_int, series_log
from customer_segmentation.datagen.segments import Behaviour, SegmentProfile, complete_behaviour

BLOB_SEGMENT = "blob"


@dataclass(frozen=True, slots=True)
class BlobAxis:
    """One coordinate of the blob: log(value + shift) ~ N(centre, spread), rounded and clipped."""

    centre: float
    spread: float
    low: int
    high: int
    shift: int = 0

    def draw(self, rng: Random) -> int:
        """Draw one integer value of this coordinate, in [low, high]."""
        low, high = self.low + self.shift, self.high + self.shift
        return log_normal_int(rng, self.centre, self.spread, low, high) - self.shift


RECENCY_AXIS = BlobAxis(centre=series_log(121.0), spread=0.9, low=0, high=1_500, shift=1)
ORDERS_AXIS = BlobAxis(centre=series_log(5.0), spread=0.8, low=1, high=80)
ORDER_VALUE_AXIS = BlobAxis(centre=series_log(5_000.0), spread=0.7, low=500, high=200_000)

BLOB_PROFILE = SegmentProfile(
    name=BLOB_SEGMENT,
    share_percent=100,
    recency_days=(RECENCY_AXIS.low, RECENCY_AXIS.high),
    orders=(ORDERS_AXIS.low, ORDERS_AXIS.high),
    order_value_cents=(ORDER_VALUE_AXIS.low, ORDER_VALUE_AXIS.high),
    items_per_order_tenths=(10, 30),
    min_days_between_orders=14,
    tenure_days=(0, 3_650),
    spending_score=(1, 100),
    income=(15_000, 50_000, 300_000),
    age=(18, 42, 85),
    channel_weights=(2_720, 740, 1_860, 2_680, 2_000),
    opt_in_percent=57,
)


def blob_profile(rng: Random) -> SegmentProfile:
    """The profile of every blob customer (draws nothing)."""
    return BLOB_PROFILE


def draw_blob_behaviour(rng: Random, profile: SegmentProfile) -> Behaviour:
    """Draw a purchase history from the blob, made consistent as the planted segments' are."""
    recency = RECENCY_AXIS.draw(rng)
    orders = ORDERS_AXIS.draw(rng)
    order_value = ORDER_VALUE_AXIS.draw(rng)
    return complete_behaviour(rng, profile, recency, orders, order_value)
