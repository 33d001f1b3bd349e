"""Command line: `python -m customer_segmentation.datagen --rows N --seed S --out PATH`.

Options: `--labels-out PATH`, `--as-of YYYY-MM-DD`, `--mess-rate F`, `--force`, and
`--structure {planted,blob}`: `planted` (default) draws the five behavioural segments of
`.segments`, `blob` one population with no structure (`.blob`), every row labelled `blob`.
`--order-lines-out PATH` also (or instead: at least one of `--out` and `--order-lines-out` is
required) writes the Online-Retail-style invoice lines of the same N clean customers
(`.order_lines`), in `--order-lines-encoding` (default latin-1, like the original data set;
`--mess-rate` scales the customers file's defects only). `--force` overwrites either file.
Prints the row counts as JSON, the order-lines file's under the key `order_lines`.
"""

from __future__ import annotations

import argparse
import codecs
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from customer_segmentation.datagen.order_lines import write_order_lines
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


def _encoding(text: str) -> str:
    """Parse a text-encoding argument (any codec Python knows: latin-1, utf-8, cp1252 ...)."""
    try:
        codecs.lookup(text)
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding: {text!r}") from None
    return text


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `python -m customer_segmentation.datagen`."""
    parser = argparse.ArgumentParser(
        prog="python -m customer_segmentation.datagen",
        description="Write a deterministic customers CSV with planted segments (or one"
        " structureless blob) and planted mess, and/or the same customers' Online-Retail-style"
        " order lines (invoice lines with guests, cancellations and defects).",
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
        "--out",
        type=Path,
        metavar="PATH",
        help="customers CSV to write (required unless --order-lines-out is given)",
    )
    parser.add_argument(
        "--labels-out",
        type=Path,
        metavar="PATH",
        help="also write customer_id,segment,mess for every row to this file",
    )
    parser.add_argument(
        "--order-lines-out",
        type=Path,
        metavar="PATH",
        help="write the customers' invoice lines (InvoiceNo,StockCode,Description,Quantity,"
        "InvoiceDate,UnitPrice,CustomerID,Country) to this file",
    )
    parser.add_argument(
        "--order-lines-encoding",
        type=_encoding,
        metavar="ENCODING",
        default="latin-1",
        help="text encoding of the order-lines file (default latin-1; utf-8 for a dbt seed)",
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
        help="multiplier of every defect rate of the customers file (0 = clean data, default 1)",
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


def _check_outputs(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[Path]:
    """The output files asked for; exit with a usage error when none is or two coincide."""
    if args.out is None and args.order_lines_out is None:
        parser.error("give --out, --order-lines-out or both")
    if args.out is None and args.labels_out is not None:
        parser.error("--labels-out needs --out")
    outputs = [path for path in (args.out, args.labels_out, args.order_lines_out) if path]
    if len({path.resolve() for path in outputs}) != len(outputs):
        parser.error("the output files must be different files")
    return outputs


def _write(args: argparse.Namespace) -> dict[str, Any]:
    """Write the files asked for; return their counts (order lines under `order_lines`)."""
    counts: dict[str, Any] = {}
    if args.out is not None:
        counts = write_customers(
            args.out,
            customers=args.rows,
            seed=args.seed,
            as_of=args.as_of,
            labels_path=args.labels_out,
            mess_rate=args.mess_rate,
            structure=args.structure,
        )
    if args.order_lines_out is not None:
        counts["order_lines"] = write_order_lines(
            args.order_lines_out,
            customers=args.rows,
            seed=args.seed,
            as_of=args.as_of,
            encoding=args.order_lines_encoding,
            structure=args.structure,
        )
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    outputs = _check_outputs(parser, args)
    existing = [str(path) for path in outputs if path.exists()]
    if existing and not args.force:
        print(
            f"error: refusing to overwrite {', '.join(existing)}; pass --force to replace",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        counts = _write(args)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(counts, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
