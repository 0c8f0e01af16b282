"""`snowplow-sample`: write realistic enriched events for the loader and the models.

Prints one summary line; with --files the events are split by collector time into
events-0001.tsv ... under the --out folder, ready to be loaded one by one.
"""

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from snowplow_sample.generate import DEFAULT_START, generate, generate_many


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="snowplow-sample",
        description="Generate deterministic Snowplow enriched web events (TSV).",
    )
    parser.add_argument("--events", type=int, required=True, help="number of lines to write")
    parser.add_argument("--seed", type=int, default=1, help="same seed, same bytes (default 1)")
    parser.add_argument(
        "--out", type=Path, required=True, help="output file, or folder with --files"
    )
    parser.add_argument("--files", type=int, help="split into this many files by collector time")
    parser.add_argument("--gzip", action="store_true", help="gzip-compress the output")
    parser.add_argument("--days", type=int, default=30, help="length of the period (default 30)")
    parser.add_argument(
        "--start",
        type=date.fromisoformat,
        default=DEFAULT_START,
        help=f"first day, YYYY-MM-DD (default {DEFAULT_START})",
    )
    parser.add_argument(
        "--no-awkward",
        dest="awkward",
        action="store_false",
        help="leave out duplicates, late events, stray pings and the other awkward cases",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    began = time.perf_counter()
    options = {"seed": args.seed, "start": args.start, "days": args.days,
               "gzip": args.gzip, "awkward": args.awkward}  # fmt: skip
    try:
        if args.files is None:
            stats = generate(args.out, args.events, **options)
        else:
            stats = generate_many(args.out, args.events, files=args.files, **options)
    except ValueError as error:
        print(f"snowplow-sample: {error}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - began
    rate = stats.events / seconds if seconds else 0.0
    print(f"{stats.line()} in {seconds:.1f} s ({rate:,.0f} events/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
