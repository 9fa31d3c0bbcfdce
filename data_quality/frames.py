"""Turning a frame into a pandas DataFrame, or into a clear reason why it cannot be read.

A missing table, a missing column or a column of the wrong type is a finding about the
warehouse, not a crash: it becomes `FrameUnavailable`, and every check on that frame fails
with its message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import pandas as pd

from data_quality.rules import Frame, Params

SAMPLE_SEED = 42


class FrameUnavailable(Exception):
    """The frame's tables or columns are not in the warehouse, or its query failed."""


@dataclass(frozen=True)
class LoadedFrame:
    frame: Frame
    data: pd.DataFrame
    total_rows: int
    sampled: bool


def missing_inputs(frame: Frame, columns: Mapping[str, set[str]]) -> str | None:
    """Why the frame cannot be read from a warehouse with these columns, or None."""
    problems = []
    for table, needed in frame.reads.items():
        present = columns.get(table)
        if present is None:
            problems.append(f"table {table} does not exist in the work warehouse")
            continue
        missing = [c for c in needed if c not in present]
        if missing:
            problems.append(f"table {table} has no column {', '.join(missing)}")
    return "; ".join(problems) or None


def load_frame(
    con: duckdb.DuckDBPyConnection,
    frame: Frame,
    params: Params,
    columns: Mapping[str, set[str]],
) -> LoadedFrame:
    problem = missing_inputs(frame, columns)
    if problem:
        raise FrameUnavailable(problem)
    sql = frame.sql(params)
    try:
        if frame.sampling:
            row = con.execute(f"select count(*) from ({sql})").fetchone()
            total = int(row[0]) if row else 0
            limit = params.config.sample_rows
            if total > limit:
                data = con.execute(
                    f"select * from ({sql}) using sample reservoir({int(limit)} rows) "
                    f"repeatable ({SAMPLE_SEED})"
                ).df()
                return LoadedFrame(frame, data.reset_index(drop=True), total, sampled=True)
        data = con.execute(sql).df()
    except duckdb.Error as exc:
        tables = ", ".join(frame.reads)
        raise FrameUnavailable(f"could not read {tables}: {exc}") from exc
    return LoadedFrame(frame, data.reset_index(drop=True), len(data), sampled=False)
