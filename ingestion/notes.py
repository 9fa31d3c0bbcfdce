"""What a load noticed besides its rows: new columns, repeated records, files read.

Resources run inside dlt's extract step and have no return channel, so they report here. The
report is always logged; `ingestion.pipeline.load_system` also collects it for its caller
(the CLI prints it). Under Dagster the ingest asset collects it the same way and
`orchestration.root_cause.log_load_notes` writes the new columns, conflicting and repeated
ids as warnings in the step's log (and so the run's log); they are not asset metadata.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

log = logging.getLogger("ingestion")


@dataclass
class LoadNotes:
    """Per resource (raw table): columns not in the contract, repeated ids, files read, warnings."""

    new_columns: dict[str, list[str]] = field(default_factory=dict)
    deduplicated: dict[str, list[str]] = field(default_factory=dict)
    files_read: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    # one sentence per id two files give different content (file and line of both)
    conflicts: dict[str, list[str]] = field(default_factory=dict)


_current: ContextVar[LoadNotes | None] = ContextVar("ingestion_load_notes", default=None)


@contextmanager
def collecting() -> Iterator[LoadNotes]:
    """Collect the notes of everything extracted inside the block."""
    notes = LoadNotes()
    token = _current.set(notes)
    try:
        yield notes
    finally:
        _current.reset(token)


def new_columns(resource: str, file: str, columns: list[str]) -> None:
    if not columns:
        return
    log.warning(
        "%s: %s has columns the landing contract does not know, loaded as new raw columns: %s",
        resource,
        file,
        ", ".join(columns),
    )
    notes = _current.get()
    if notes is not None:
        known = notes.new_columns.setdefault(resource, [])
        known.extend(c for c in columns if c not in known)


def deduplicated(resource: str, file: str, ids: list[str]) -> None:
    if not ids:
        return
    shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
    log.warning(
        "%s: %s repeats %d record id(s); kept the row with the latest SystemModstamp: %s",
        resource,
        file,
        len(ids),
        shown,
    )
    notes = _current.get()
    if notes is not None:
        notes.deduplicated.setdefault(resource, []).extend(ids)


def file_read(resource: str, file: str) -> None:
    log.info("%s: reading %s", resource, file)
    notes = _current.get()
    if notes is not None:
        notes.files_read.setdefault(resource, []).append(file)


def warning(resource: str, message: str) -> None:
    """Something the load did on the user's behalf that they should know (and may fix)."""
    log.warning("%s: %s", resource, message)
    notes = _current.get()
    if notes is not None:
        notes.warnings.setdefault(resource, []).append(message)


def conflict(resource: str, record_id: str, first: str, second: str) -> None:
    """Two files give one id different content; the later file's version is kept."""
    message = (
        f"id {record_id} has different content in {first} and in {second}; the later file's"
        " version is kept"
    )
    log.warning("%s: %s", resource, message)
    notes = _current.get()
    if notes is not None:
        notes.conflicts.setdefault(resource, []).append(message)
        notes.deduplicated.setdefault(resource, []).append(record_id)
