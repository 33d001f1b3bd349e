"""Segment registry: every segment id ever issued, its name, and the versions it appeared in."""

from customer_segmentation.segmentation import read_records
from customer_segmentation.segmentation.identities import identities_frame, segment_identities


def model(dbt, session):
    """One row per segment id: its lasting name, versions and centroid match distances."""
    dbt.config(materialized="published_table")
    this = str(dbt.this)
    previous = session.table(this).collect() if session.catalog.tableExists(this) else []
    rows = segment_identities(
        read_records(dbt.ref("segmentation_models")),
        [row.asDict(recursive=True) for row in previous],
        dbt.ref("int_segment_name_candidates"),
        dbt.ref("segment_centroids"),
    )
    return identities_frame(session, rows)
