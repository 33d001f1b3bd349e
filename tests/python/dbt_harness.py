"""Run the real dbt project in-process (dbtRunner) on a copy with its own data and schema."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from dbt.cli.main import dbtRunner

PROJECT_DIR = Path(__file__).resolve().parents[2]
PROJECT_PARTS = ("dbt_project.yml", "models", "macros", "seeds", "tests", "profiles")


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
        for part in PROJECT_PARTS:
            source = PROJECT_DIR / part
            if source.is_dir():
                shutil.copytree(source, destination / part, ignore=shutil.ignore_patterns("*.pyc"))
            else:
                shutil.copy2(source, destination / part)
        if customers_csv is not None:
            shutil.copy2(customers_csv, destination / "seeds" / "customers.csv")
        return cls(destination, schema)

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
