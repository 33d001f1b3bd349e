"""Run several dbt commands in one Python process, so they share one JVM and SparkSession.

With the embedded `method: session` target every dbt process pays the JVM and metastore
start (~20 s here); `python -m customer_segmentation.dbtchain build "docs generate"` pays it once.
"""
