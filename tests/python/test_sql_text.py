"""segmentation.sql_text computes exactly what segmentation.expressions computes.

The saved model's SQLTransformer derives its inputs from SQL text; the library's other steps
(resolution, centroids, drift) from Column expressions. Both are evaluated here on the same
awkward input, row by row: column names with dots, backticks and spaces, attribute keys with
quotes and backslashes, numbers as text, nulls, NaN and infinities, log1p outside its domain,
and one_hot categories that need escaping.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from pyspark.ml.feature import SQLTransformer
from pyspark.sql import Column, DataFrame, SparkSession

from customer_segmentation.segmentation.config import LOG1P, NONE, ONE_HOT, STANDARDISE
from customer_segmentation.segmentation.expressions import (
    MISSING_CATEGORY,
    FeatureSource,
    column_ref,
    indicator,
    numeric_value,
    raw_value,
    transformed_value,
)
from customer_segmentation.segmentation.features import SLOT_PREFIX, slot_statement, vector_slots
from customer_segmentation.segmentation.resolution import ResolvedFeature, ResolvedFeatures
from customer_segmentation.segmentation.sql_text import (
    identifier,
    indicator_sql,
    numeric_value_sql,
    raw_value_sql,
    string_literal,
    transformed_value_sql,
)

ID = "customer id.`key`"
DOTTED = "amount.eur"
TICKED = "we`ird"
SPACED = "amount as text"
CATEGORY = "kind.of `thing`"
FLAG = "is opted.in"
QUOTED_KEY = "it's"
BACKSLASH_KEY = "back\\slash"
DOUBLE_QUOTED_KEY = 'say "hi"'
DOTTED_KEY = "a.b"
SCHEMA = (
    f"{identifier(ID)} string, {identifier(DOTTED)} double, {identifier(TICKED)} int, "
    f"{identifier(SPACED)} string, {identifier(CATEGORY)} string, {identifier(FLAG)} boolean, "
    "attributes map<string,string>"
)
ROWS = [
    (
        "c1",
        1.5,
        3,
        " 2 ",
        "O'Brien",
        True,
        {QUOTED_KEY: "1", BACKSLASH_KEY: "2.5", DOUBLE_QUOTED_KEY: "x", DOTTED_KEY: "7"},
    ),
    ("c2", None, None, "1e3", 'say "hi"', False, {QUOTED_KEY: None, DOTTED_KEY: "-0.5"}),
    ("c3", -0.5, -7, "abc", "back\\slash", None, {}),
    ("c4", float("nan"), 0, None, None, True, None),
    ("c5", float("inf"), 12, "NaN", MISSING_CATEGORY, True, {BACKSLASH_KEY: "Infinity"}),
    ("c6", -1.0, -1, "", "\\u0041", False, {QUOTED_KEY: "-3", DOTTED_KEY: " 4e-1 "}),
    ("c7", -2.0, 5, "-1", "it\\'s", None, {BACKSLASH_KEY: "", DOUBLE_QUOTED_KEY: "O'Brien"}),
    ("c8", 99.0, 2, "12.5", "", False, {QUOTED_KEY: "1", DOTTED_KEY: "abc"}),
]
NUMERIC_SOURCES = [
    FeatureSource(DOTTED),
    FeatureSource(TICKED),
    FeatureSource(SPACED, from_text=True),
    FeatureSource(QUOTED_KEY, is_attribute=True, from_text=True),
    FeatureSource(BACKSLASH_KEY, is_attribute=True, from_text=True),
    FeatureSource(DOTTED_KEY, is_attribute=True, from_text=True),
    FeatureSource("not a key", is_attribute=True, from_text=True),
]
CATEGORIES = {
    CATEGORY: [
        "O'Brien",
        'say "hi"',
        "back\\slash",
        "\\u0041",
        "A",
        "it\\'s",
        "it's",
        "",
        MISSING_CATEGORY,
        "never seen",
    ],
    FLAG: ["true", "false", MISSING_CATEGORY, "True"],
    TICKED: ["3", "-7", "0", MISSING_CATEGORY, "3.0"],
    SPACED: [" 2 ", "2", "abc", "", MISSING_CATEGORY],
    QUOTED_KEY: ["1", "-3", MISSING_CATEGORY, "None"],
    DOUBLE_QUOTED_KEY: ["x", "O'Brien", MISSING_CATEGORY],
}
CATEGORY_SOURCES = [
    FeatureSource(CATEGORY, from_text=True),
    FeatureSource(FLAG),
    FeatureSource(TICKED),
    FeatureSource(SPACED, from_text=True),
    FeatureSource(QUOTED_KEY, is_attribute=True, from_text=True),
    FeatureSource(DOUBLE_QUOTED_KEY, is_attribute=True, from_text=True),
]


@pytest.fixture(scope="module")
def awkward(spark: SparkSession) -> Iterator[DataFrame]:
    """The awkward input as a cached DataFrame."""
    df = spark.createDataFrame(ROWS, SCHEMA).cache()
    yield df
    df.unpersist()


def same(left: object, right: object) -> bool:
    """Equal values, with null == null and NaN == NaN."""
    if isinstance(left, float) and isinstance(right, float) and math.isnan(left):
        return math.isnan(right)
    return left == right and type(left) is type(right)


def evaluate_both(df: DataFrame, column: Column, sql: str) -> tuple[dict, dict]:
    """Evaluate the Column and the SQL text over df: (id -> expression value, id -> SQL value).

    The types of the two results must be equal too.
    """
    by_column = df.select(column_ref(ID).alias("id"), column.alias("value"))
    by_sql = df.selectExpr(f"{identifier(ID)} AS id", f"{sql} AS value")
    assert by_sql.schema["value"].dataType == by_column.schema["value"].dataType
    return (
        {row["id"]: row["value"] for row in by_column.collect()},
        {row["id"]: row["value"] for row in by_sql.collect()},
    )


def assert_row_by_row_equal(df: DataFrame, column: Column, sql: str) -> dict:
    """Assert the Column and the SQL text give the same value for every row; return them."""
    expected, actual = evaluate_both(df, column, sql)
    assert sorted(actual) == sorted(expected) == [row[0] for row in ROWS]
    mismatched = {key: (expected[key], actual[key]) for key in expected}
    mismatched = {key: pair for key, pair in mismatched.items() if not same(pair[0], pair[1])}
    assert not mismatched, f"{sql}: expressions vs SQL differ on {mismatched}"
    return expected


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "it's",
        "back\\slash",
        "\\u0041",
        "it\\'s",
        'say "hi"',
        "\\",
        "\\\\'",
        "tab\tand\nnewline",
        "%_*",
        "",
        "über ∑",
    ],
)
def test_string_literal_reads_back_as_the_exact_text(spark: SparkSession, text: str) -> None:
    assert spark.sql(f"SELECT {string_literal(text)} AS value").first()["value"] == text


def test_identifier_names_the_exact_column(awkward: DataFrame) -> None:
    for name in [ID, DOTTED, TICKED, SPACED, CATEGORY, FLAG]:
        assert awkward.selectExpr(identifier(name)).columns == [name]
        assert_row_by_row_equal(awkward, column_ref(name), identifier(name))


@pytest.mark.parametrize("source", NUMERIC_SOURCES + CATEGORY_SOURCES[:2], ids=repr)
def test_raw_value_sql_equals_raw_value(awkward: DataFrame, source: FeatureSource) -> None:
    assert_row_by_row_equal(awkward, raw_value(source), raw_value_sql(source))


@pytest.mark.parametrize("source", NUMERIC_SOURCES, ids=repr)
def test_numeric_value_sql_equals_numeric_value(awkward: DataFrame, source: FeatureSource) -> None:
    assert_row_by_row_equal(awkward, numeric_value(source), numeric_value_sql(source))


@pytest.mark.parametrize("transform", [STANDARDISE, LOG1P, NONE])
@pytest.mark.parametrize("source", NUMERIC_SOURCES, ids=repr)
def test_transformed_value_sql_equals_transformed_value(
    awkward: DataFrame, source: FeatureSource, transform: str
) -> None:
    assert_row_by_row_equal(
        awkward, transformed_value(source, transform), transformed_value_sql(source, transform)
    )


@pytest.mark.parametrize(
    ("source", "category"),
    [(source, category) for source in CATEGORY_SOURCES for category in CATEGORIES[source.name]],
    ids=repr,
)
def test_indicator_sql_equals_indicator(
    awkward: DataFrame, source: FeatureSource, category: str
) -> None:
    assert_row_by_row_equal(awkward, indicator(source, category), indicator_sql(source, category))


def test_the_compared_values_cover_text_numbers_nulls_and_log1p_domain(awkward: DataFrame) -> None:
    # The row-by-row comparisons above are only as good as the cases: pin what they see.
    text = assert_row_by_row_equal(
        awkward,
        numeric_value(FeatureSource(SPACED, from_text=True)),
        numeric_value_sql(FeatureSource(SPACED, from_text=True)),
    )
    assert [text[key] for key in ("c1", "c2", "c3", "c4", "c6", "c7", "c8")] == [
        2.0,
        1000.0,
        None,
        None,
        None,
        -1.0,
        12.5,
    ]
    assert math.isnan(text["c5"])
    logs = assert_row_by_row_equal(
        awkward,
        transformed_value(FeatureSource(DOTTED), LOG1P),
        transformed_value_sql(FeatureSource(DOTTED), LOG1P),
    )
    assert logs["c1"] == pytest.approx(math.log1p(1.5))
    assert (logs["c2"], logs["c6"], logs["c7"]) == (None, None, None)  # null, -1 and -2
    assert math.isnan(logs["c4"]) and logs["c5"] == math.inf
    quoted = assert_row_by_row_equal(
        awkward,
        numeric_value(FeatureSource(BACKSLASH_KEY, is_attribute=True, from_text=True)),
        numeric_value_sql(FeatureSource(BACKSLASH_KEY, is_attribute=True, from_text=True)),
    )
    assert (quoted["c1"], quoted["c3"], quoted["c5"], quoted["c7"]) == (2.5, None, math.inf, None)


def test_the_compared_indicators_match_categories_that_need_escaping(awkward: DataFrame) -> None:
    source = FeatureSource(CATEGORY, from_text=True)
    hits = {
        category: sorted(
            key
            for key, value in assert_row_by_row_equal(
                awkward, indicator(source, category), indicator_sql(source, category)
            ).items()
            if value == 1.0
        )
        for category in CATEGORIES[CATEGORY]
    }
    assert hits == {
        "O'Brien": ["c1"],
        'say "hi"': ["c2"],
        "back\\slash": ["c3"],
        "\\u0041": ["c6"],
        "A": [],
        "it\\'s": ["c7"],
        "it's": [],
        "": ["c8"],
        MISSING_CATEGORY: ["c4", "c5"],  # null is the "(missing)" category, as is the text
        "never seen": [],
    }


def test_slot_statement_computes_every_vector_coordinate_like_the_expressions(
    awkward: DataFrame,
) -> None:
    # The saved model's first stage: one SQL statement for the id and every coordinate.
    resolved = ResolvedFeatures(
        row_count=len(ROWS),
        features=(
            ResolvedFeature(FeatureSource(TICKED), NONE),
            ResolvedFeature(
                FeatureSource(CATEGORY, from_text=True),
                ONE_HOT,
                categories=("O'Brien", "\\u0041", MISSING_CATEGORY),
                category_counts=(1, 1, 2),
            ),
            ResolvedFeature(FeatureSource(DOTTED), LOG1P, mean=1.0, stddev=2.0),
            ResolvedFeature(FeatureSource(DOTTED_KEY, is_attribute=True, from_text=True), NONE),
            ResolvedFeature(FeatureSource(SPACED, from_text=True), STANDARDISE),
        ),
        order_by=None,
    )
    slots = vector_slots(resolved)
    assert [name for name, _ in slots] == [
        DOTTED,
        SPACED,
        TICKED,
        f"{CATEGORY}=O'Brien",
        f"{CATEGORY}=\\u0041",
        f"{CATEGORY}=(missing)",
        DOTTED_KEY,
    ]
    expressions = [
        transformed_value(FeatureSource(DOTTED), LOG1P),
        transformed_value(FeatureSource(SPACED, from_text=True), STANDARDISE),
        transformed_value(FeatureSource(TICKED), NONE),
        indicator(FeatureSource(CATEGORY, from_text=True), "O'Brien"),
        indicator(FeatureSource(CATEGORY, from_text=True), "\\u0041"),
        indicator(FeatureSource(CATEGORY, from_text=True), MISSING_CATEGORY),
        transformed_value(FeatureSource(DOTTED_KEY, is_attribute=True, from_text=True), NONE),
    ]
    transformed = SQLTransformer(statement=slot_statement(resolved, ID)).transform(awkward)
    columns = [f"{SLOT_PREFIX}{index}" for index in range(len(slots))]
    assert transformed.columns == [ID, *columns]
    actual = {row[ID]: list(row)[1:] for row in transformed.collect()}
    by_expression = awkward.select(
        column_ref(ID).alias("id"),
        *[column.alias(name) for column, name in zip(expressions, columns, strict=True)],
    )
    expected = {row["id"]: list(row)[1:] for row in by_expression.collect()}
    assert sorted(actual) == sorted(expected) == [row[0] for row in ROWS]
    for key, values in expected.items():
        assert all(same(a, b) for a, b in zip(values, actual[key], strict=True)), key
