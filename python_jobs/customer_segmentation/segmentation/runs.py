"""Run metadata for the dbt models: the as-of date a segmentation run is tagged with."""

from __future__ import annotations

import datetime as dt

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from customer_segmentation.segmentation.expressions import column_ref


def as_of_date_of(features_df: DataFrame, column: str = "as_of_date") -> dt.date:
    """Return the latest as-of date of the feature mart; raise if it has none.

    The date comes from the data only (never the clock), so run ids do not depend on the day
    of the build. Raises ValueError for a missing column, an empty mart or an all-null column.
    """
    if column not in features_df.columns:
        raise ValueError(
            f"the feature mart has no {column!r} column to take the as-of date from; "
            f"columns are {sorted(features_df.columns)}"
        )
    row = features_df.agg(
        F.max(column_ref(column)).alias("latest"), F.count(F.lit(1)).alias("rows")
    ).first()
    assert row is not None  # a global aggregation always returns one row
    latest = row["latest"]
    if latest is None:
        state = (
            "is empty" if row["rows"] == 0 else f"has a null {column!r} in all {row['rows']} rows"
        )
        raise ValueError(
            f"the feature mart {state}, so there is no as-of date to tag the segmentation "
            f"run with (it is taken from the data, never the clock: {column!r} comes from "
            "int_as_of_date or the `as_of_date` var)"
        )
    if isinstance(latest, dt.datetime):
        return latest.date()
    return latest
