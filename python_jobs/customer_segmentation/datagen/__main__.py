"""Command line: `python -m customer_segmentation.datagen --rows N --seed S --out PATH`.

Options: `--labels-out PATH`, `--as-of YYYY-MM-DD`, `--mess-rate F`, `--force`, and
`--structure {planted,blob}`: `planted` (default) draws the five behavioural segments of
`.segments`, `blob` one population with no structure (`.blob`), every row labelled `blob`.
Prints the row counts as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from customer_segmentation.datagen.structures import DEFAULT_STRUCTURE, STRUCTURE_NAMES
from customer_segmentation.datagen.writer import write_customers

DEFAULT_AS_OF = date(2026, 6, 30)
EXIT_USAGE = 2


def _iso_date(text: str) -> date:
    """Parse a YYYY-MM-DD argument."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from None


def _positive_int(text: str) -> int:
    """Parse a strictly positive integer argument."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value


def _non_negative_float(text: str) -> float:
    """Parse a non-negative number argument."""
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be a number >= 0: {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `python -m customer_segmentation.datagen`."""
    parser = argparse.ArgumentParser(
        prog="python -m customer_segmentation.datagen",
        description="Write a deterministic customers CSV with planted segments (or one"
        " structureless blob) and planted mess.",
    )
    parser.add_argument(
        "--rows",
        type=_positive_int,
        metavar="N",
        required=True,
        help="number of distinct customers (duplicate rows come on top)",
    )
    parser.add_argument("--seed", type=int, required=True, metavar="S", help="random seed")
    parser.add_argument(
        "--out", type=Path, required=True, metavar="PATH", help="customers CSV to write"
    )
    parser.add_argument(
        "--labels-out",
        type=Path,
        metavar="PATH",
        help="also write customer_id,segment,mess for every row to this file",
    )
    parser.add_argument(
        "--as-of",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        default=DEFAULT_AS_OF,
        help=f"the data's today (default {DEFAULT_AS_OF.isoformat()})",
    )
    parser.add_argument(
        "--mess-rate",
        type=_non_negative_float,
        metavar="F",
        default=1.0,
        help="multiplier of every defect rate (0 = clean data, default 1)",
    )
    parser.add_argument(
        "--structure",
        choices=STRUCTURE_NAMES,
        default=DEFAULT_STRUCTURE,
        help="planted: five behavioural segments (default); blob: one log-normal population"
        " with no segments, every row labelled blob",
    )
    parser.add_argument("--force", action="store_true", help="overwrite existing output files")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args = build_parser().parse_args(argv)
    outputs = [args.out] + ([args.labels_out] if args.labels_out is not None else [])
    existing = [str(path) for path in outputs if path.exists()]
    if existing and not args.force:
        print(
            f"error: refusing to overwrite {', '.join(existing)}; pass --force to replace",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        counts = write_customers(
            args.out,
            customers=args.rows,
            seed=args.seed,
            as_of=args.as_of,
            labels_path=args.labels_out,
            mess_rate=args.mess_rate,
            structure=args.structure,
        )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(counts, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
