"""Duplicate customer rows: older snapshots of a customer, and a small queue that delays rows.

Delaying a row by a few customers (instead of writing the copy next to the original) keeps
duplicates apart in the file while memory stays bounded by the largest delay.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from random import Random
from typing import Generic, TypeVar

from customer_segmentation.datagen.customers import Customer
from customer_segmentation.datagen.sampling import between

T = TypeVar("T")

MAX_DELAY = 25
MAX_SNAPSHOT_AGE_DAYS = 365


def stale_snapshot(rng: Random, customer: Customer) -> Customer:
    """Return the customer as an earlier export saw them: fewer orders, less spend, older order."""
    if customer.total_orders < 2:
        raise ValueError("an older snapshot needs a customer with at least two orders")
    orders = between(rng, max(1, customer.total_orders // 2), customer.total_orders - 1)
    active_days = (customer.last_order_date - customer.signup_date).days
    earlier_by = between(rng, 1, max(1, min(active_days, MAX_SNAPSHOT_AGE_DAYS)))
    return replace(
        customer,
        total_orders=orders,
        total_items=max(orders, customer.total_items * orders // customer.total_orders),
        total_spend_cents=max(1, customer.total_spend_cents * orders // customer.total_orders),
        last_order_date=customer.last_order_date - timedelta(days=earlier_by),
    )


class DelayQueue(Generic[T]):
    """Items held back until a given customer number, released in (due, insertion) order."""

    __slots__ = ("_heap", "_sequence")

    def __init__(self) -> None:
        self._heap: list[tuple[int, int, T]] = []
        self._sequence = 0

    def __len__(self) -> int:
        """Number of items still held back."""
        return len(self._heap)

    def push(self, due: int, item: T) -> None:
        """Hold `item` until customer number `due` is reached."""
        heapq.heappush(self._heap, (due, self._sequence, item))
        self._sequence += 1

    def release(self, number: int) -> Iterator[T]:
        """Yield every item due at or before customer number `number`."""
        while self._heap and self._heap[0][0] <= number:
            yield heapq.heappop(self._heap)[2]

    def drain(self) -> Iterator[T]:
        """Yield every remaining item."""
        while self._heap:
            yield heapq.heappop(self._heap)[2]
