"""Run metadata for the dbt models: the as-of date a segmentation run is tagged with."""

from __future__ import annotations

import datetime as dt

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from customer_segmentation.segmentation.expressions import column_ref


def as_of_date_of(features_df: DataFrame, column: str = "as_of_date") -> dt.date:
    """Return the latest as-of date of the feature mart, or today when it has none (all null)."""
    latest = features_df.agg(F.max(column_ref(column))).first()[0]  # type: ignore[index]
    if latest is None:
        return dt.date.today()
    if isinstance(latest, dt.datetime):
        return latest.date()
    return latest
