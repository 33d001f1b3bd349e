"""The repair codes and quarantine reasons are documented exactly as the SQL sets them.

The docs overview's tables (`customer_repair_codes`, `customer_quarantine_reasons` doc blocks,
shown on the `repairs` and `quarantine_reason` columns) and the accepted_values test must
list every code the models can produce, and nothing else.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
INTERMEDIATE = PROJECT_DIR / "models" / "intermediate"


def doc_block_codes(name: str) -> list[str]:
    """The first-column codes of the table in the named doc block of models/overview.md."""
    text = (PROJECT_DIR / "models" / "overview.md").read_text(encoding="utf-8")
    block = re.search(r"\{% docs " + name + r" %\}(.*?)\{% enddocs %\}", text, re.S)
    assert block, name
    return re.findall(r"^\| `([a-z_<>]+)` \|", block.group(1), re.M)


def repair_codes_in_sql() -> list[str]:
    """Codes the standardise and repair models put in `repairs`, in array order."""
    codes: list[str] = []
    for model in ("int_customers_standardised.sql", "int_customers_repaired.sql"):
        sql = (INTERMEDIATE / model).read_text(encoding="utf-8")
        codes += re.findall(r"'([a-z_]+)',\s*null\s*\)", sql)
        codes += [f"{prefix}<column>" for prefix in re.findall(r"concat\('([a-z_]+)'", sql)]
    return codes


def quarantine_reasons_in_sql() -> list[str]:
    """Reasons of the `quarantine_reason` case expression, in precedence order."""
    sql = (INTERMEDIATE / "int_customers_repaired.sql").read_text(encoding="utf-8")
    case = sql[sql.index("-- why the row cannot be segmented") : sql.index("as quarantine_reason")]
    return re.findall(r"then '([a-z_]+)'", case)


def accepted_quarantine_reasons() -> list[str]:
    """The accepted_values of int_customers_repaired.quarantine_reason in its YAML."""
    models = yaml.safe_load((INTERMEDIATE / "_intermediate__models.yml").read_text())["models"]
    repaired = next(model for model in models if model["name"] == "int_customers_repaired")
    column = next(col for col in repaired["columns"] if col["name"] == "quarantine_reason")
    test = next(test for test in column["data_tests"] if "accepted_values" in test)
    return test["accepted_values"]["arguments"]["values"]


def test_every_repair_code_is_documented_in_order():
    """The doc table lists the SQL's repair codes, in the order they appear in `repairs`."""
    codes = repair_codes_in_sql()
    assert len(codes) == 15
    assert doc_block_codes("customer_repair_codes") == codes


def test_every_quarantine_reason_is_documented_in_precedence_order():
    """Doc table, SQL case and accepted_values agree on the reasons and their order."""
    reasons = quarantine_reasons_in_sql()
    assert len(reasons) == 11
    assert doc_block_codes("customer_quarantine_reasons") == reasons
    assert accepted_quarantine_reasons() == reasons
