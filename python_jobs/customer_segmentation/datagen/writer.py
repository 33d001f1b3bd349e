"""Streaming CSV writer: the customers file, an optional labels file beside it, and row counts.

Files are written to a `.part` sibling and renamed into place when complete, so an interrupted
run never leaves a truncated CSV where a seed is expected. Counts: `customers` (distinct),
`rows_written`, `duplicates` (extra rows), `clean_rows` (no mess at all), `segment_rows` (rows
labelled with each segment of the structure: the five planted ones, or `blob`) and `mess_rows`
(rows carrying each mess kind; an exact duplicate carries its original's kinds as well as
`duplicate_exact`).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Mapping
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from customer_segmentation.datagen.customers import HEADER
from customer_segmentation.datagen.generator import Row, generate_rows
from customer_segmentation.datagen.mess import MESS_KINDS
from customer_segmentation.datagen.structures import DEFAULT_STRUCTURE, structure_named

LABELS_HEADER: tuple[str, ...] = ("customer_id", "segment", "mess")
MESS_SEPARATOR = "|"


class _RowWriter(Protocol):
    """What the writer needs of a csv writer."""

    def writerow(self, row: Iterable[str], /) -> Any:
        """Write one row."""


def _part_path(path: Path) -> Path:
    """The temporary sibling a file is written to before it is renamed into place."""
    return path.with_name(f"{path.name}.part")


def _write_rows(
    rows: Iterable[Row], data: _RowWriter, labels: _RowWriter | None, segments: Iterable[str]
) -> dict[str, Any]:
    """Write rows (and their labels) through csv writers; count rows, segments and mess kinds."""
    mess_counts = {kind.name: 0 for kind in MESS_KINDS}
    segment_counts = {segment: 0 for segment in segments}
    rows_written = clean_rows = 0
    data.writerow(HEADER)
    if labels is not None:
        labels.writerow(LABELS_HEADER)
    for fields, segment, kinds in rows:
        data.writerow(fields)
        if labels is not None:
            labels.writerow((fields[0], segment or "", MESS_SEPARATOR.join(kinds)))
        rows_written += 1
        clean_rows += not kinds
        if segment is not None:
            segment_counts[segment] += 1
        for kind in kinds:
            mess_counts[kind] += 1
    return {
        "rows_written": rows_written,
        "duplicates": mess_counts["duplicate_exact"] + mess_counts["duplicate_stale"],
        "clean_rows": clean_rows,
        "segment_rows": segment_counts,
        "mess_rows": mess_counts,
    }


def write_customers(
    path: str | os.PathLike[str],
    customers: int,
    seed: int,
    as_of: date,
    labels_path: str | os.PathLike[str] | None = None,
    mess_rate: float = 1.0,
    *,
    rates: Mapping[str, float] | None = None,
    structure: str = DEFAULT_STRUCTURE,
) -> dict[str, Any]:
    """Write the customers CSV (and `customer_id,segment,mess` labels per row); return counts."""
    targets = [Path(path)] + ([Path(labels_path)] if labels_path is not None else [])
    if len({target.resolve() for target in targets}) != len(targets):
        raise ValueError("the labels file must not be the customers file")
    segments = structure_named(structure).segments
    rows = generate_rows(customers, seed, as_of, mess_rate, rates=rates, structure=structure)
    try:
        with ExitStack() as stack:
            writers: list[_RowWriter] = []
            for target in targets:
                target.parent.mkdir(parents=True, exist_ok=True)
                part = stack.enter_context(
                    _part_path(target).open("w", encoding="utf-8", newline="")
                )
                writers.append(csv.writer(part, lineterminator="\n"))
            labels = writers[1] if len(writers) > 1 else None
            counts = _write_rows(rows, writers[0], labels, segments)
    except BaseException:
        for target in targets:
            _part_path(target).unlink(missing_ok=True)
        raise
    for target in targets:
        os.replace(_part_path(target), target)
    return {"customers": customers, **counts}
