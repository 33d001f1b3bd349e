"""Segment names: each segment gets its nearest naming rule, no two segments the same one."""

from segmentation.naming import assign_unique_names


def model(dbt, session):
    """One row per segment: the naming rule matched to it and the distance to its prototype."""
    return assign_unique_names(dbt.ref("segment_name_candidates"))
