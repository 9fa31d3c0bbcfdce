"""Command line of the sources: load landing files into a warehouse without Dagster.

    python -m ingestion.sources.crm --landing data/landing --warehouse warehouse
    python -m ingestion.cli --landing data/landing --warehouse warehouse   # all systems

Prints rows loaded per raw table and what the load noticed; exits 1 with the file, row and
field when a landing file is bad.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from ingestion.errors import IngestionError
from ingestion.pipeline import SYSTEMS, LoadResult, load_system
from ingestion.warehouse_files import WORK_DB_NAME


def _print_result(result: LoadResult) -> None:
    if result.skipped:
        print(f"{result.system}: {result.skipped}")
    for table, rows in result.items():
        print(f"raw_{result.system}.{table}: {rows} rows loaded")
    for table, columns in result.new_columns.items():
        print(f"raw_{result.system}.{table}: new columns not in the contract: {', '.join(columns)}")
    for table, ids in result.deduplicated.items():
        print(f"raw_{result.system}.{table}: {len(ids)} repeated ids, kept the latest row each")
    for table, messages in result.warnings.items():
        for message in messages:
            print(f"raw_{result.system}.{table}: {message}")
    for table in result.created_empty:
        print(f"{table}: created empty (nothing landed for it)")


def main(argv: Sequence[str] | None = None, system: str | None = None) -> int:
    """Load one system (`system`) or all of them; returns the process exit code."""
    name = f"ingestion.sources.{system}" if system else "ingestion.cli"
    parser = argparse.ArgumentParser(prog=f"python -m {name}", description=__doc__.split("\n")[0])
    parser.add_argument("--landing", type=Path, required=True, help="landing folder (root)")
    parser.add_argument(
        "--warehouse", type=Path, required=True, help=f"folder of the work warehouse {WORK_DB_NAME}"
    )
    if system is None:
        parser.add_argument(
            "--system", action="append", choices=SYSTEMS, help="load only these (repeatable)"
        )
    parser.add_argument("-v", "--verbose", action="store_true", help="log each file read")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    chosen = [system] if system else (args.system or list(SYSTEMS))
    for one in chosen:
        try:
            result = load_system(one, args.landing, args.warehouse)
        except IngestionError as exc:
            print(f"{one}: load stopped, nothing of it was written: {exc}", file=sys.stderr)
            return 1
        _print_result(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
