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


def frame_query(
    con: duckdb.DuckDBPyConnection,
    frame: Frame,
    params: Params,
    columns: Mapping[str, set[str]],
) -> tuple[str, int | None]:
    """The query that reads the frame, and the frame's whole row count when the query reads a
    repeatable sample of it (None: the query reads every row).

    Raises FrameUnavailable when the warehouse lacks the frame's inputs or its count fails.
    """
    problem = missing_inputs(frame, columns)
    if problem:
        raise FrameUnavailable(problem)
    sql = frame.sql(params)
    if not frame.sampling:
        return sql, None
    try:
        row = con.execute(f"select count(*) from ({sql})").fetchone()
    except duckdb.Error as exc:
        raise _unreadable(frame, exc) from exc
    total = int(row[0]) if row else 0
    limit = params.config.sample_rows
    if total <= limit:
        return sql, None
    sample = f"using sample reservoir({int(limit)} rows) repeatable ({SAMPLE_SEED})"
    return f"select * from ({sql}) {sample}", total


def load_frame(
    con: duckdb.DuckDBPyConnection,
    frame: Frame,
    params: Params,
    columns: Mapping[str, set[str]],
) -> LoadedFrame:
    sql, sampled_from = frame_query(con, frame, params, columns)
    try:
        data = con.execute(sql).df()
    except duckdb.Error as exc:
        raise _unreadable(frame, exc) from exc
    total = len(data) if sampled_from is None else sampled_from
    return LoadedFrame(frame, data.reset_index(drop=True), total, sampled=sampled_from is not None)


def _unreadable(frame: Frame, exc: duckdb.Error) -> FrameUnavailable:
    return FrameUnavailable(f"could not read {', '.join(frame.reads)}: {exc}")
