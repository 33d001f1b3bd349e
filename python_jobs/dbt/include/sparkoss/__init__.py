"""Macros of the `sparkoss` adapter (dispatched before dbt-spark's `spark__` macros)."""

import os

PACKAGE_PATH = os.path.dirname(__file__)
