"""Column expressions for one feature: its raw value, number, transform, category, indicator."""

from __future__ import annotations

import math
from dataclasses import dataclass

from pyspark.sql import Column
from pyspark.sql import functions as F

from customer_segmentation.segmentation.config import LOG1P

ATTRIBUTES_COLUMN = "attributes"
MISSING_CATEGORY = "(missing)"


@dataclass(frozen=True)
class FeatureSource:
    """Where a feature's values come from: a column, or a key of the `attributes` map.

    from_text tells that numbers are parsed from text (a string column or any attribute):
    values that are not numbers then read as null, and are counted as such.
    """

    name: str
    is_attribute: bool = False
    from_text: bool = False


def column_ref(name: str) -> Column:
    """Return a column by its exact name, even when the name holds dots or backticks."""
    return F.col("`" + name.replace("`", "``") + "`")


def raw_value(source: FeatureSource) -> Column:
    """Return the feature's value as stored: the column, or the attribute's text (or null)."""
    if source.is_attribute:
        return F.try_element_at(column_ref(ATTRIBUTES_COLUMN), F.lit(source.name))
    return column_ref(source.name)


def numeric_value(source: FeatureSource) -> Column:
    """Return the feature as a double; text that is not a number becomes null."""
    if source.from_text:
        return raw_value(source).try_cast("double")
    return raw_value(source).cast("double")


def transformed_value(source: FeatureSource, transform: str) -> Column:
    """Return the numeric feature after its transform, before any scaling (log1p or as is)."""
    value = numeric_value(source)
    return F.log1p(value) if transform == LOG1P else value


def category_label(source: FeatureSource) -> Column:
    """Return the feature's category as text; null is its own category "(missing)"."""
    return F.coalesce(raw_value(source).cast("string"), F.lit(MISSING_CATEGORY))


def indicator(source: FeatureSource, category: str) -> Column:
    """Return 1.0 where the feature's category is `category`, else 0.0."""
    return F.when(category_label(source) == F.lit(category), F.lit(1.0)).otherwise(F.lit(0.0))


def is_finite(column: Column) -> Column:
    """Return a boolean column: true when the value is neither null, NaN nor infinite."""
    return column.isNotNull() & ~F.isnan(column) & (F.abs(column) != F.lit(math.inf))
