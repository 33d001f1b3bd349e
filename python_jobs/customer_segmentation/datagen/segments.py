"""The five planted behavioural segments: the truth a clustering of RFM features should recover.

Each profile draws recency, order count, average order value, items per order and tenure from
narrow ranges (a span of at most ~4x), so in `log1p` space the segments form compact blobs that
are well apart in (recency_days, frequency, monetary, avg_order_value); demographics (income,
age, channel, opt-in) lean on the segment only loosely. `structure="blob"` (`--structure blob`)
replaces them with one population that has no segments at all (see `.blob`).

| segment              | share | recency days | orders | avg order value | score  |
|----------------------|-------|--------------|--------|-----------------|--------|
| champions            | 12 %  | 0-21         | 24-60  | 70-160          | 75-100 |
| loyal_regulars       | 28 %  | 7-75         | 9-22   | 18-42           | 50-85  |
| big_spenders_at_risk | 12 %  | 210-540      | 2-6    | 350-1200        | 35-75  |
| new_customers        | 20 %  | 0-45         | 1-3    | 45-120          | 30-70  |
| dormant              | 28 %  | 420-1400     | 1-2    | 8-28            | 1-35   |
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from customer_segmentation.datagen.sampling import Weighted, between

CHANNELS: tuple[str, ...] = ("email", "sms", "app", "web", "store")


@dataclass(frozen=True, slots=True)
class SegmentProfile:
    """How one segment's purchase history and demographics are drawn (ranges are inclusive)."""

    name: str
    share_percent: int
    recency_days: tuple[int, int]
    orders: tuple[int, int]
    order_value_cents: tuple[int, int]
    items_per_order_tenths: tuple[int, int]
    min_days_between_orders: int
    tenure_days: tuple[int, int]
    spending_score: tuple[int, int]
    income: tuple[int, int, int]
    age: tuple[int, int, int]
    channel_weights: tuple[int, int, int, int, int]
    opt_in_percent: int


@dataclass(frozen=True, slots=True)
class Behaviour:
    """A customer's drawn purchase history, in days before as_of and integer cents."""

    recency_days: int
    tenure_days: int
    orders: int
    items: int
    spend_cents: int
    spending_score: int


PROFILES: tuple[SegmentProfile, ...] = (
    SegmentProfile(
        name="champions",
        share_percent=12,
        recency_days=(0, 21),
        orders=(24, 60),
        order_value_cents=(7_000, 16_000),
        items_per_order_tenths=(15, 30),
        min_days_between_orders=7,
        tenure_days=(540, 3_300),
        spending_score=(75, 100),
        income=(40_000, 95_000, 220_000),
        age=(22, 38, 70),
        channel_weights=(20, 5, 40, 25, 10),
        opt_in_percent=85,
    ),
    SegmentProfile(
        name="loyal_regulars",
        share_percent=28,
        recency_days=(7, 75),
        orders=(9, 22),
        order_value_cents=(1_800, 4_200),
        items_per_order_tenths=(12, 30),
        min_days_between_orders=14,
        tenure_days=(365, 3_300),
        spending_score=(50, 85),
        income=(25_000, 55_000, 140_000),
        age=(20, 45, 85),
        channel_weights=(25, 5, 15, 25, 30),
        opt_in_percent=70,
    ),
    SegmentProfile(
        name="big_spenders_at_risk",
        share_percent=12,
        recency_days=(210, 540),
        orders=(2, 6),
        order_value_cents=(35_000, 120_000),
        items_per_order_tenths=(10, 20),
        min_days_between_orders=14,
        tenure_days=(730, 3_650),
        spending_score=(35, 75),
        income=(45_000, 110_000, 300_000),
        age=(25, 50, 85),
        channel_weights=(30, 5, 10, 35, 20),
        opt_in_percent=55,
    ),
    SegmentProfile(
        name="new_customers",
        share_percent=20,
        recency_days=(0, 45),
        orders=(1, 3),
        order_value_cents=(4_500, 12_000),
        items_per_order_tenths=(10, 30),
        min_days_between_orders=3,
        tenure_days=(0, 100),
        spending_score=(30, 70),
        income=(18_000, 48_000, 150_000),
        age=(18, 29, 75),
        channel_weights=(15, 10, 35, 35, 5),
        opt_in_percent=60,
    ),
    SegmentProfile(
        name="dormant",
        share_percent=28,
        recency_days=(420, 1_400),
        orders=(1, 2),
        order_value_cents=(800, 2_800),
        items_per_order_tenths=(10, 20),
        min_days_between_orders=30,
        tenure_days=(420, 2_300),
        spending_score=(1, 35),
        income=(15_000, 42_000, 120_000),
        age=(18, 48, 85),
        channel_weights=(40, 10, 5, 20, 25),
        opt_in_percent=30,
    ),
)

SEGMENTS: tuple[str, ...] = tuple(profile.name for profile in PROFILES)

SEGMENT_TABLE: Weighted[SegmentProfile] = Weighted(
    PROFILES, [profile.share_percent for profile in PROFILES]
)


def draw_behaviour(rng: Random, profile: SegmentProfile) -> Behaviour:
    """Draw a consistent purchase history: items >= orders, orders fit between signup and now."""
    recency = between(rng, *profile.recency_days)
    orders = between(rng, *profile.orders)
    order_value = between(rng, *profile.order_value_cents)
    return complete_behaviour(rng, profile, recency, orders, order_value)


def complete_behaviour(
    rng: Random, profile: SegmentProfile, recency: int, orders: int, order_value: int
) -> Behaviour:
    """Draw spend, items, tenure and score around a drawn recency, order count and order value.

    Spend is orders x order value within +-5 % (at least 1 cent), items >= orders, and tenure
    leaves `min_days_between_orders` between consecutive orders before the last one.
    """
    spend = orders * order_value
    spend = max(1, spend + between(rng, -spend // 20, spend // 20))
    items = max(orders, (orders * between(rng, *profile.items_per_order_tenths) + 5) // 10)
    shortest_tenure = recency + (orders - 1) * profile.min_days_between_orders
    tenure_low = max(profile.tenure_days[0], shortest_tenure)
    tenure = between(rng, tenure_low, max(tenure_low, profile.tenure_days[1]))
    return Behaviour(
        recency_days=recency,
        tenure_days=tenure,
        orders=orders,
        items=items,
        spend_cents=spend,
        spending_score=between(rng, *profile.spending_score),
    )
