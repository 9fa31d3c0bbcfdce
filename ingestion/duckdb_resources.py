"""How much memory DuckDB may use, where it spills what does not fit, and how many threads.

Every process that writes the work warehouse (dlt's loads, `dbt build`, the publish step)
opens DuckDB with the same two settings: `memory_limit` (the setting `SPM_DUCKDB_MEMORY_LIMIT`,
by default three quarters of the machine's memory, so the operating system, Dagster and the
other process of a run keep the rest) and `temp_directory`, a folder in the warehouse folder
(`<warehouse>/duckdb_tmp`). A join or sort larger than the limit then spills to that folder
instead of killing the run. DuckDB creates the folder when it first spills and removes it when
it closes; spilled pages can hold raw compensation rows, and the writing steps run under the
private umask (`ingestion.file_modes`), so it is owner-only.

Threads: DuckDB runs a query on every core by default. The setting `SPM_DUCKDB_THREADS` caps
each connection, for a machine that runs several DuckDB processes at once (two test workers
on two cores spend less CPU with one DuckDB thread each: tests/bench/README.md).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

import duckdb

MEMORY_LIMIT_SETTING = "SPM_DUCKDB_MEMORY_LIMIT"
THREADS_SETTING = "SPM_DUCKDB_THREADS"
TEMP_DIR_NAME = "duckdb_tmp"
# of the machine's memory (or of the container's limit, when lower)
DEFAULT_MEMORY_SHARE = 0.75
# DuckDB needs about this much per thread to run at all; less is a typo (`18MB` for `18GB`)
MINIMUM_MEMORY_BYTES = 256 * 1000**2

_UNITS = {
    "KB": 1000,
    "MB": 1000**2,
    "GB": 1000**3,
    "TB": 1000**4,
    "KIB": 1024,
    "MIB": 1024**2,
    "GIB": 1024**3,
    "TIB": 1024**4,
}
_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B)\s*$", re.IGNORECASE)


def physical_memory_bytes() -> int:
    """The memory this process can have: the machine's, or its cgroup's limit when lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for limit_file in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            raw = Path(limit_file).read_text().strip()
        except OSError:
            continue
        if raw.isdigit() and 0 < int(raw) < total:
            total = int(raw)
    return total


def default_memory_limit() -> str:
    """Three quarters of the memory this process can have, written as DuckDB reads it."""
    megabytes = int(physical_memory_bytes() * DEFAULT_MEMORY_SHARE) // 1000**2
    if megabytes >= 10_000:
        return f"{megabytes / 1000:.1f}GB"
    return f"{megabytes}MB"


def memory_limit_bytes(value: str) -> int:
    """Bytes of a DuckDB memory size such as `18GB`, `1.5GiB` or `512 MB`."""
    match = _MEMORY.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a memory size")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def parse_memory_limit(raw: str) -> str:
    """The DuckDB `memory_limit` of the setting's value; an error names the setting.

    Accepted: a number and a unit, as DuckDB reads them (`18GB`, `1.5GiB`, `512MB`; KB, MB, GB
    and TB count in 1000s, KiB, MiB, GiB and TiB in 1024s).
    """
    value = raw.strip()
    try:
        size = memory_limit_bytes(value)
    except ValueError:
        raise ValueError(
            f"{MEMORY_LIMIT_SETTING}={raw!r} is not a memory size: expected a number and a "
            "unit as DuckDB reads them, e.g. 18GB, 1.5GiB or 512MB"
        ) from None
    if size < MINIMUM_MEMORY_BYTES:
        raise ValueError(
            f"{MEMORY_LIMIT_SETTING}={raw!r} is below 256MB, too little for DuckDB to run "
            "(leave it unset for three quarters of the machine's memory)"
        )
    return value


def memory_limit_from_env() -> str:
    """`SPM_DUCKDB_MEMORY_LIMIT`, or three quarters of the machine's memory when unset."""
    raw = os.environ.get(MEMORY_LIMIT_SETTING, "").strip()
    return parse_memory_limit(raw) if raw else default_memory_limit()


def threads_from_env() -> int | None:
    """`SPM_DUCKDB_THREADS` (1 to 1024), or None when unset: DuckDB's own default."""
    raw = os.environ.get(THREADS_SETTING, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 1024:
        raise ValueError(
            f"{THREADS_SETTING}={raw!r} is not a number of threads from 1 to 1024 "
            "(leave it unset for DuckDB's default, one per core)"
        )
    return int(raw)


@functools.cache
def default_threads() -> int:
    """DuckDB's own number of threads on this machine (what it runs with when not told)."""
    con = duckdb.connect()
    try:
        return int(con.execute("select current_setting('threads')").fetchone()[0])
    finally:
        con.close()


def duckdb_temp_dir(warehouse_dir: Path) -> Path:
    """Where DuckDB spills in this warehouse folder."""
    return Path(warehouse_dir) / TEMP_DIR_NAME


def duckdb_config(
    warehouse_dir: Path, memory_limit: str | None = None, threads: int | None = None
) -> dict[str, str]:
    """The DuckDB settings of a connection that writes this warehouse: `duckdb.connect(...,
    config=...)`, dlt's `global_config` (the dbt profile reads the same values from
    `Settings.dbt_profile_env`).

    `memory_limit` and `threads` default to their settings (`memory_limit_from_env`,
    `threads_from_env`); without a thread setting DuckDB keeps its own default.
    """
    config = {
        "memory_limit": memory_limit or memory_limit_from_env(),
        "temp_directory": str(duckdb_temp_dir(warehouse_dir)),
    }
    threads = threads or threads_from_env()
    if threads is not None:
        config["threads"] = str(threads)
    return config
