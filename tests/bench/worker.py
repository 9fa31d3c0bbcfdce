"""Run one part of one benchmark stage in this process and print its measurements as JSON.

`tests.bench.run` starts a fresh process per measurement, so peak memory (the process's maximum
resident set) belongs to that stage alone. Imports and dlt's first-run setup are warmed up
before the clock starts: they are a constant cost per process, not a property of the stage.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from tests.bench.process_memory import TreePeak
from tests.bench.stages import Context, stage_named


def _warm_up(context: Context, part: str, warm_limit: bool = False) -> None:
    import duckdb

    duckdb.connect().execute("select 1").fetchall()
    if part != "run" and not warm_limit:
        import openpyxl  # noqa: F401

        return
    from ingestion.pipeline import load_system

    landing = context.scratch_dir / "warm_up" / "landing"
    (landing / "finance").mkdir(parents=True, exist_ok=True)
    (landing / "finance" / "fx_rates.csv").write_text("date,currency,rate\n2026-01-01,EUR,1.1\n")
    load_system("finance", landing, context.scratch_dir / "warm_up" / "warehouse")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", required=True)
    parser.add_argument("--part", choices=["run", "limit"], required=True)
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    args = parser.parse_args(argv)
    context = Context(args.landing, args.work)
    stage = stage_named(args.stage)
    function = stage.run if args.part == "run" else stage.limit
    if function is None:
        raise SystemExit(f"stage {stage.name!r} has no {args.part}")
    _warm_up(context, args.part, stage.warm_limit)
    # the stage's process with what it started running beside it (dbt, a local Spark's JVM),
    # sampled: getrusage's figures carry the parent's peak across fork and exec, and miss a
    # process nobody waits for
    with TreePeak(interval=0.2) as tree:
        started = time.perf_counter()
        rows = function(context)
        seconds = time.perf_counter() - started
    peak_bytes = tree.bytes
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_bytes": peak_bytes}))


if __name__ == "__main__":
    main()
