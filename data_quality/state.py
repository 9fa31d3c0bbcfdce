"""Row counts of the previous successful load: the baseline of the drift checks.

One small JSON file per table in `<state_dir>/row_counts/`, written only by
`record_successful_counts`, which the orchestration calls after a successful publish; a failed
or unpublished run therefore never moves the baseline. Files are replaced atomically.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from data_quality.rules import PreviousCount
from data_quality.warehouse import connect, existing_tables

COUNTS_DIR = "row_counts"


def drift_tables() -> list[str]:
    """`schema.table` of every table a drift check watches, in suite order."""
    from data_quality.suites import all_gx_checks

    tables: list[str] = []
    for check in all_gx_checks():
        if check.frame.name.endswith("__row_count"):
            tables.extend(t for t in check.frame.reads if t not in tables)
    return tables


def _path(state_dir: Path, table: str) -> Path:
    return Path(state_dir) / COUNTS_DIR / f"{table}.json"


def load_previous_counts(state_dir: Path) -> dict[str, PreviousCount]:
    """The recorded counts; a file that cannot be read is an error naming the file."""
    folder = Path(state_dir) / COUNTS_DIR
    counts: dict[str, PreviousCount] = {}
    if not folder.is_dir():
        return counts
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            counts[str(data["table"])] = PreviousCount(
                row_count=int(data["row_count"]), recorded_at=str(data["recorded_at"])
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(
                f"{path}: not a row-count record ({exc}); expected JSON with table, row_count, "
                "recorded_at. Delete it to reset the drift baseline of that table."
            ) from exc
    return counts


def record_successful_counts(
    work_db: Path,
    state_dir: Path,
    tables: Iterable[str] | None = None,
    *,
    run_id: str | None = None,
    as_of: dt.date | None = None,
) -> dict[str, int]:
    """Store the current row count of each watched table as the new drift baseline.

    Call it only after a successful publish. Tables absent from the work warehouse are
    skipped (their drift checks already failed). Returns `{schema.table: row_count}` written.
    """
    wanted = list(tables) if tables is not None else drift_tables()
    recorded_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    written: dict[str, int] = {}
    with connect(Path(work_db)) as con:
        present = existing_tables(con)
        for table in wanted:
            if table not in present:
                continue
            schema, name = table.split(".")
            row = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()
            written[table] = int(row[0]) if row else 0
    for table, count in written.items():
        _write_json(
            _path(state_dir, table),
            {
                "table": table,
                "row_count": count,
                "recorded_at": recorded_at,
                "run_id": run_id,
                "as_of": as_of.isoformat() if as_of else None,
            },
        )
    return written


def _write_json(path: Path, data: Mapping[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
