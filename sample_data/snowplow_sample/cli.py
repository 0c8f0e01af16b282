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

from snowplow_sample.generate import DEFAULT_START, Options, generate, generate_many
from snowplow_sample.incidents import Incidents


def _device_day(text: str) -> tuple[date, str]:
    day, _, device = text.partition(":")
    return date.fromisoformat(day), device


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
    parser.add_argument(
        "--interest",
        action="store_true",
        help="users differ in a latent interest that drives return, depth and dwell",
    )
    incident = parser.add_argument_group("incidents (sample_data/README.md), one day each")
    incident.add_argument(
        "--ping-drop",
        type=date.fromisoformat,
        metavar="DAY",
        help="80%% of that day's page pings are lost",
    )
    incident.add_argument(
        "--missing-device",
        type=_device_day,
        metavar="DAY:DEV",
        help="no event of that device class (Computer, Mobile...)",
    )
    incident.add_argument(
        "--crawler-flood",
        type=date.fromisoformat,
        metavar="DAY",
        help="a crawler session beside every human session",
    )
    incident.add_argument(
        "--bounce-jump",
        type=date.fromisoformat,
        metavar="DAY",
        help="60%% of human sessions end after one page view",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    began = time.perf_counter()
    try:
        incidents = Incidents(
            args.ping_drop, args.missing_device, args.crawler_flood, args.bounce_jump
        )
        extra = Options(incidents, args.interest) if incidents.any or args.interest else None
        options = {
            "seed": args.seed,
            "start": args.start,
            "days": args.days,
            "gzip": args.gzip,
            "awkward": args.awkward,
            "options": extra,
        }
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
