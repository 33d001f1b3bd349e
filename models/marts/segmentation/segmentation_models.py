"""The model registry: one row per saved model version; this build trains one or scores."""

import datetime as dt

from customer_segmentation.segmentation import (
    SegmentationConfig,
    advance,
    read_records,
    records_frame,
    store_root,
)


def model(dbt, session):
    """Every model version so far, with the current one's latest build (see lifecycle.advance)."""
    dbt.config(materialized="published_table")
    # dbt passes a Python model only the config keys it reads as dbt.config.get("<key>") calls
    segmentation = dbt.config.get("segmentation")
    mode = dbt.config.get("segmentation_mode")
    config = SegmentationConfig.from_dict(
        segmentation if mode in (None, "None", "") else {**(segmentation or {}), "mode": mode}
    )
    this = str(dbt.this)
    previous = read_records(session.table(this)) if session.catalog.tableExists(this) else []
    records = advance(
        dbt.ref("customer_features"),
        previous,
        config,
        store_root(session, config.model_store),
        this,
        dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
    )
    return records_frame(session, records)
