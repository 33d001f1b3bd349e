"""Run the real dbt project in-process (dbtRunner) on a copy with its own data and schema."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dbt.cli.main import dbtRunner

from customer_segmentation.dbtchain.workspace import PROJECT_DIR, copy_project

__all__ = ["PROJECT_DIR", "DbtFailed", "DbtProject"]


class DbtFailed(AssertionError):
    """A dbt invocation did not succeed; the message lists the failing nodes."""


@dataclass
class DbtProject:
    """A copy of the project in a temporary folder, building into its own schema."""

    root: Path
    schema: str

    @classmethod
    def copy(cls, destination: Path, schema: str, customers_csv: Path | None = None) -> DbtProject:
        """Copy the project (without target/ or logs/); optionally replace the customers seed."""
        return cls(copy_project(destination, customers_csv), schema)

    def run(self, *args: str) -> list:
        """Invoke dbt with this project's folders and schema; raise DbtFailed on failure."""
        os.environ["DBT_SCHEMA"] = self.schema
        result = dbtRunner().invoke(
            [
                *args,
                "--project-dir",
                str(self.root),
                "--profiles-dir",
                str(self.root / "profiles"),
                "--target-path",
                str(self.root / "target"),
                "--log-path",
                str(self.root / "logs"),
            ]
        )
        if not result.success:
            failures = [
                f"{item.node.unique_id}: {item.status}: {item.message}"
                for item in (getattr(result.result, "results", None) or [])
                if str(item.status) not in ("success", "pass")
            ]
            raise DbtFailed(f"dbt {' '.join(args)} failed: {result.exception or failures}")
        return list(getattr(result.result, "results", None) or [])

    def table(self, spark, name: str, layer: str = ""):
        """A table the build produced, as a Spark DataFrame."""
        schema = f"{self.schema}_{layer}" if layer else self.schema
        return spark.table(f"{schema}.{name}")
