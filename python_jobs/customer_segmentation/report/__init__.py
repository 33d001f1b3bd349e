"""The segment report: a self-contained HTML page of charts (and a PNG each) from the marts.

    written = write_report(spark, "segmentation", Path("target/report"))

marts reads what the page shows (every aggregation in Spark, a bounded seeded sample for the
PCA projection), charts draws each chart with matplotlib (SVG + PNG), palette gives every
segment one colour, page assembles the HTML; `python -m customer_segmentation.report` runs it
on the configured dbt target (README "The segment report").
"""

from customer_segmentation.report.marts import MartsNotBuiltError, ReportData, read_report_data
from customer_segmentation.report.writer import WrittenReport, write_report

__all__ = ["MartsNotBuiltError", "ReportData", "WrittenReport", "read_report_data", "write_report"]
