"""The row stream: clean customers, their planted segment, mess and duplicates, in bounded memory.

Clean values come from one random stream and every mess decision from another, so a customer's
clean attributes do not depend on `mess_rate`, and the first N customers are the same whatever
the total; only the delay queue (at most MAX_DELAY customers deep) is held in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

from customer_segmentation.datagen.customers import build_customer
from customer_segmentation.datagen.duplicates import MAX_DELAY, DelayQueue, stale_snapshot
from customer_segmentation.datagen.mess import KIND_ORDER, SEGMENT_SPOILERS, MessPlan, apply_mess
from customer_segmentation.datagen.sampling import between, derive_rng

Row = tuple[list[str], str | None, tuple[str, ...]]


def generate_rows(
    customers: int,
    seed: int,
    as_of: date,
    mess_rate: float = 1.0,
    *,
    rates: Mapping[str, float] | None = None,
) -> Iterator[Row]:
    """Yield (CSV fields, planted segment or None, mess kinds) for every row of the file."""
    if customers < 0:
        raise ValueError("customers must be non-negative")
    return _rows(customers, seed, as_of, MessPlan(mess_rate, rates))


def _rows(customers: int, seed: int, as_of: date, plan: MessPlan) -> Iterator[Row]:
    """The row stream behind generate_rows (arguments already validated)."""
    clean_rng = derive_rng(seed, "customers")
    mess_rng = derive_rng(seed, "mess")
    delayed: DelayQueue[Row] = DelayQueue()
    stale_owed = 0
    for number in range(1, customers + 1):
        yield from delayed.release(number)
        customer = build_customer(clean_rng, number, as_of)
        duplicate = plan.roll_duplicate(mess_rng)
        if duplicate == "duplicate_stale" and customer.total_orders < 2:
            stale_owed, duplicate = stale_owed + 1, None
        elif duplicate is None and stale_owed and customer.total_orders >= 2:
            stale_owed, duplicate = stale_owed - 1, "duplicate_stale"
        kinds = plan.roll_row(mess_rng)
        if duplicate is not None and "customer_id_missing" in kinds:
            kinds.remove("customer_id_missing")
        fields = customer.fields()
        apply_mess(mess_rng, fields, customer, kinds, as_of)
        spoiled = not SEGMENT_SPOILERS.isdisjoint(kinds)
        row: Row = (fields, None if spoiled else customer.segment, tuple(kinds))
        due = number + between(mess_rng, 1, MAX_DELAY) if duplicate else 0
        if duplicate == "duplicate_exact":
            yield row
            copy_kinds = sorted([*kinds, "duplicate_exact"], key=KIND_ORDER.__getitem__)
            delayed.push(due, (list(fields), row[1], tuple(copy_kinds)))
        elif duplicate == "duplicate_stale":
            older = stale_snapshot(mess_rng, customer).fields()
            stale_row: Row = (older, None, ("duplicate_stale",))
            first, later = (row, stale_row) if mess_rng.random() < 0.5 else (stale_row, row)
            yield first
            delayed.push(due, later)
        else:
            yield row
    yield from delayed.drain()
