"""`make bench` (`python -m tests.bench.run`): the benchmark of the pipeline, stage by stage.

Generates the benchmark company once into `tests/bench/.cache/` (reused while the generator
version is the same), then runs every stage of `tests.bench.stages.STAGES` on a fresh
warehouse, each part in its own process, and prints a table: rows, seconds, rows per second,
the stage's physical limit (DuckDB alone reading the same files, measured in the same run),
the ratio to it, and peak memory. Ratios, not wall times, are the result: they mean the same
on a loaded laptop and on an idle server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.bench.stages import STAGES, Stage

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "tests" / "bench" / ".cache"
RESULTS = ROOT / "tests" / "bench" / "results"
AS_OF = dt.date(2026, 11, 28)


@dataclass
class Measure:
    rows: int
    seconds: float
    peak_bytes: int


@dataclass
class Row:
    stage: Stage
    run: Measure
    limit: Measure | None


def ensure_company(scale: str, seed: int, as_of: dt.date) -> Path:
    """The benchmark company's landing folder, generated only when missing or outdated."""
    from ingestion.demo import GENERATOR_VERSION, generate

    landing = CACHE / f"{scale}-seed{seed}-{as_of.isoformat()}"
    manifest = landing / "_manifest.json"
    if manifest.exists():
        cached = json.loads(manifest.read_text())
        if cached.get("generator_version") == GENERATOR_VERSION:
            print(f"company: {scale}, cached in {landing.relative_to(ROOT)}", file=sys.stderr)
            return landing
    shutil.rmtree(landing, ignore_errors=True)
    print(f"company: generating {scale} (seed {seed}, as of {as_of})...", file=sys.stderr)
    started = time.perf_counter()
    generate(landing, scale=scale, seed=seed, as_of=as_of)
    print(f"company: generated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return landing


def measure(stage: Stage, part: str, landing: Path, work: Path, root: Path = ROOT) -> Measure:
    """Run one part of a stage in a fresh process; its last stdout line is the measurement.

    `root`: the project checkout whose code runs the stage (another revision for --compare).
    """
    env = dict(os.environ, PYTHONPATH=str(root))
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.worker", "--stage", stage.name, "--part", part,
         "--landing", str(landing), "--work", str(work)],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"benchmark stage {stage.name!r} ({part}) failed:\n{done.stderr[-3000:]}")
    return Measure(**json.loads(done.stdout.strip().splitlines()[-1]))


def _revision(root: Path, rev: str = "HEAD") -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", rev], cwd=root, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "unknown"


def checkout(rev: str) -> Path:
    """A detached worktree of `rev` beside the cache, for --compare (same virtualenv)."""
    path = CACHE / f"compare-{_revision(ROOT, rev)}"
    if not path.exists():
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(path), rev], cwd=ROOT, check=True,
            capture_output=True,
        )  # fmt: skip
        # the same virtualenv: its tools (dbt) are found through the checkout's .venv
        (path / ".venv").symlink_to(ROOT / ".venv")
        # the Dagster definitions of that revision need its own dbt manifest
        subprocess.run(
            [str(Path(sys.executable).parent / "spm"), "dbt-parse"], cwd=path, check=False,
            env=dict(os.environ, PYTHONPATH=str(path)), capture_output=True,
        )  # fmt: skip
    return path


def format_comparison(rev: str, rows: list[tuple[Stage, Measure, Measure | None]]) -> str:
    """This checkout against another revision, stage by stage, on the same company."""
    header = ["stage", "this s", f"{rev} s", "speed-up", "this MB", f"{rev} MB"]
    lines = [header]
    for stage, ours, theirs in rows:
        lines.append(
            [
                stage.name,
                f"{ours.seconds:.2f}",
                f"{theirs.seconds:.2f}" if theirs else "(no such stage)",
                f"{theirs.seconds / ours.seconds:.2f}x" if theirs and ours.seconds > 0 else "-",
                _mb(ours.peak_bytes),
                _mb(theirs.peak_bytes) if theirs else "-",
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for number, line in enumerate(lines):
        cells = [c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(line)]
        out.append("  ".join(cells))
        if number == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def write_results(scale: str, text: str) -> Path:
    """Keep the printed table under tests/bench/results/, one file per run, for the record."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H%M")
    path = RESULTS / f"{stamp}-{scale}-{_revision(ROOT)}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n")
    return path


def _mb(value: int) -> str:
    return f"{value / 2**20:,.0f}"


def format_table(rows: list[Row]) -> str:
    header = ["stage", "rows", "seconds", "rows/s", "limit s", "ratio", "target", "peak MB",
              "limit MB"]  # fmt: skip
    lines = [header]
    for row in rows:
        run, limit = row.run, row.limit
        ratio = run.seconds / limit.seconds if limit and limit.seconds > 0 else None
        target = row.stage.target_ratio
        verdict = ""
        if ratio is not None and target is not None:
            verdict = f"<= {target:g}x " + ("met" if ratio <= target else "MISSED")
        lines.append(
            [
                row.stage.name,
                f"{run.rows:,}",
                f"{run.seconds:.2f}",
                f"{run.rows / run.seconds:,.0f}" if run.seconds > 0 else "-",
                f"{limit.seconds:.2f}" if limit else "-",
                f"{ratio:.2f}x" if ratio is not None else "-",
                verdict,
                _mb(run.peak_bytes),
                _mb(limit.peak_bytes) if limit else "-",
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for number, line in enumerate(lines):
        cells = [
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
            for i, cell in enumerate(line)
        ]
        out.append("  ".join(cells))
        if number == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--scale", default="large", choices=["small", "medium", "large", "xl"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF)
    parser.add_argument(
        "--only", action="append", help="run only stages whose name starts with this (repeatable)"
    )
    parser.add_argument(
        "--engine",
        default="duckdb",
        choices=["duckdb", "spark"],
        help="spark: the loads, then the Spark engine's dbt step part by part, its build beside"
        " DuckDB's",
    )
    parser.add_argument(
        "--no-limits",
        action="store_true",
        help="measure the stages only, not their limits (an xl run without them takes about"
        " half the time)",
    )
    parser.add_argument(
        "--compare",
        metavar="REV",
        help="also run every stage with the code of git revision REV on the same company, "
        "and print both side by side",
    )
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    landing = ensure_company(args.scale, args.seed, args.as_of)
    work = CACHE / f"work-{args.scale}"
    shutil.rmtree(work, ignore_errors=True)  # every run starts from an empty warehouse
    work.mkdir(parents=True)
    stages = [
        s
        for s in STAGES
        if s.engine in (None, args.engine)
        and (not args.only or any(s.name.startswith(o) for o in args.only))
    ]
    load = os.getloadavg()[0]
    print(
        f"benchmark: {args.scale} company, seed {args.seed}, as of {args.as_of};"
        f" {os.cpu_count()} cores, load average {load:.1f} at start",
        file=sys.stderr,
    )
    if args.compare:
        return _compare(args, stages, landing, work, load)
    rows: list[Row] = []
    for stage in stages:
        limit = None
        with_limit = stage.limit is not None and not args.no_limits
        if with_limit and not stage.limit_after_run:
            limit = measure(stage, "limit", landing, work)
        run = measure(stage, "run", landing, work)
        if with_limit and stage.limit_after_run:
            limit = measure(stage, "limit", landing, work)
        rows.append(Row(stage, run, limit))
        print(f"  {stage.name}: {run.seconds:.2f} s", file=sys.stderr)
    lines = [
        f"spm-warehouse benchmark{' (Spark engine)' if args.engine == 'spark' else ''}:"
        f" {args.scale} company (seed {args.seed}, as of {args.as_of}),"
        f" {os.cpu_count()} cores, load average {load:.1f} at start, revision {_revision(ROOT)}",
        "",
        format_table(rows),
        "",
        "limit = each stage's physical limit measured in this run (ingestion: DuckDB alone"
        " reading the same files, CREATE TABLE AS read_csv / read_json, workbooks one openpyxl"
        " pass; dbt: its compiled SQL in one connection; quality checks: their frames' queries"
        " into Arrow; publish: a file copy; sites: the same"
        " pages without charts); ratio = seconds / limit. Peak MB = the stage's process with"
        " every process it started (dbt, Spark's JVM), sampled every 0.2 s."
        + (" Limits not measured in this run (--no-limits)." if args.no_limits else ""),
        *(f"  {stage.name}: {stage.description}" for stage in stages),
    ]
    text = "\n".join(lines)
    print()
    print(text)
    kept = write_results(args.scale if args.engine == "duckdb" else f"{args.scale}-spark", text)
    print(f"\nresults kept in {kept.relative_to(ROOT)}")
    return 0


def _compare(args: argparse.Namespace, stages: list[Stage], landing: Path, work: Path,
             load: float) -> int:  # fmt: skip
    other = checkout(args.compare)
    theirs_work = CACHE / f"work-{args.scale}-compare"
    shutil.rmtree(theirs_work, ignore_errors=True)
    theirs_work.mkdir(parents=True)
    rows: list[tuple[Stage, Measure, Measure | None]] = []
    for stage in stages:
        ours = measure(stage, "run", landing, work)
        try:
            theirs: Measure | None = measure(stage, "run", landing, theirs_work, other)
        except SystemExit as failed:
            print(f"  {stage.name} at {args.compare}: {str(failed)[:200]}", file=sys.stderr)
            theirs = None
        rows.append((stage, ours, theirs))
        print(f"  {stage.name}: {ours.seconds:.2f} s", file=sys.stderr)
    text = "\n".join(
        [
            f"spm-warehouse benchmark, {_revision(ROOT)} against {args.compare}: {args.scale}"
            f" company (seed {args.seed}, as of {args.as_of}), {os.cpu_count()} cores, load"
            f" average {load:.1f} at start",
            "",
            format_comparison(args.compare, rows),
        ]
    )
    print()
    print(text)
    print(f"\nresults kept in {write_results(args.scale, text).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
