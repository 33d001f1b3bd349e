"""Spark SQL text for a feature's values: what the saved model's SQLTransformer computes.

The same definitions as segmentation.expressions, written as SQL so the transforms are part
of the saved MLlib PipelineModel (a SQLTransformer statement) and a loaded model computes its
inputs from the feature mart by itself. A test keeps the two definitions equal.
"""

from __future__ import annotations

from customer_segmentation.segmentation.config import LOG1P
from customer_segmentation.segmentation.expressions import (
    ATTRIBUTES_COLUMN,
    MISSING_CATEGORY,
    FeatureSource,
)


def identifier(name: str) -> str:
    """Quote a column name for Spark SQL (backticks, inner backticks doubled)."""
    return "`" + name.replace("`", "``") + "`"


def string_literal(text: str) -> str:
    """Quote text as a Spark SQL string literal (backslashes and quotes escaped)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def raw_value_sql(source: FeatureSource) -> str:
    """The feature's value as stored: the column, or the attribute's text (or null)."""
    if source.is_attribute:
        return f"try_element_at({identifier(ATTRIBUTES_COLUMN)}, {string_literal(source.name)})"
    return identifier(source.name)


def numeric_value_sql(source: FeatureSource) -> str:
    """The feature as a double; text that is not a number becomes null."""
    cast = "try_cast" if source.from_text else "cast"
    return f"{cast}({raw_value_sql(source)} as double)"


def transformed_value_sql(source: FeatureSource, transform: str) -> str:
    """The numeric feature after its transform, before scaling (log1p or as is)."""
    value = numeric_value_sql(source)
    return f"log1p({value})" if transform == LOG1P else value


def indicator_sql(source: FeatureSource, category: str) -> str:
    """1.0 where the feature's category (null as "(missing)") is `category`, else 0.0."""
    label = f"coalesce(cast({raw_value_sql(source)} as string), {string_literal(MISSING_CATEGORY)})"
    return f"if({label} = {string_literal(category)}, 1.0D, 0.0D)"
