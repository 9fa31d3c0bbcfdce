"""Why a run failed, in one place: the error that names file, row or cell, field and the fix.

Dagster wraps a failed step's error in its own exceptions and prints hundreds of lines of
traceback; the person who fixes a landing file needs the one sentence at the bottom of that
chain. Steps raise `dagster.Failure` with the cause as structured metadata (`root_cause`), the
runner reads it back from the step-failure event (or, for an unexpected error, digs the
innermost message out of the error chain), the summary's last lines print it, the run report
stores it, and the full tracebacks go to the run's log file.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._utils.error import SerializableErrorInfo

from ingestion.disk_space import DiskFullError, is_disk_full
from ingestion.errors import IngestionError, LandingFileError, SchemaChangeError
from ingestion.notes import LoadNotes

ROOT_CAUSE_KEY = "root_cause"

_FIXES = {
    "LandingFileError": "fix that file (or replace it with a good export) and run again; "
    "nothing of this system was loaded, the next run reads the same files again",
    "SchemaChangeError": "fix the file, or migrate the raw table on purpose, and run again",
    "DiskFullError": "free space on that disk and run again; the published files were left "
    "as they were",
}


def describe(exc: BaseException, step: str | None = None) -> dict[str, Any]:
    """The root cause as data: where (system, file, row or cell, field), what, and the fix."""
    cause: dict[str, Any] = {"step": step, "error": type(exc).__name__, "message": str(exc)}
    if isinstance(exc, LandingFileError):
        cause.update(
            system=exc.file.split("/", 1)[0],
            file=exc.file,
            row=exc.row,
            sheet=exc.sheet,
            cell=exc.cell,
            field=exc.field,
            problem=exc.message,
        )
    elif isinstance(exc, SchemaChangeError):
        cause.update(resource=exc.resource, field=exc.column, problem=exc.message)
    elif isinstance(exc, DiskFullError):
        cause.update(file=str(exc.path), device=exc.device, problem="no space left on device")
    cause["fix"] = _FIXES.get(type(exc).__name__)
    return {k: v for k, v in cause.items() if v is not None}


@contextmanager
def failure_with_root_cause() -> Iterator[None]:
    """Turn the errors a person can act on into a `dagster.Failure` that carries them."""
    try:
        yield
    except (IngestionError, DiskFullError) as exc:
        raise dg.Failure(
            description=str(exc), metadata={ROOT_CAUSE_KEY: dg.MetadataValue.json(describe(exc))}
        ) from exc


def log_load_notes(context: dg.AssetExecutionContext, collected: LoadNotes) -> None:
    """What the load noticed besides its rows, in the step's log (and so in the run's log)."""
    for table, columns in collected.new_columns.items():
        context.log.warning(f"{table}: new columns loaded as new raw columns: {columns}")
    for table, messages in collected.conflicts.items():
        for message in messages:
            context.log.warning(f"{table}: {message}")
    for table, ids in collected.deduplicated.items():
        context.log.warning(f"{table}: {len(ids)} repeated id(s), the latest kept: {ids[:10]}")


def _innermost(error: SerializableErrorInfo) -> SerializableErrorInfo:
    """The deepest error of the chain (`raise ... from` cause first, then context)."""
    current = error
    while True:
        following = current.cause or current.context
        if following is None:
            return current
        current = following


def _from_error_info(error: SerializableErrorInfo, step: str) -> dict[str, Any]:
    chain = []
    current: SerializableErrorInfo | None = error
    while current is not None:
        chain.append(current)
        current = current.cause or current.context
    for link in chain:
        if link.cls_name in _FIXES or link.cls_name == "IngestionError":
            return {
                "step": step,
                "error": link.cls_name,
                "message": link.message.strip(),
                "fix": _FIXES.get(link.cls_name),
            }
    inner = _innermost(error)
    cause = {"step": step, "error": inner.cls_name, "message": inner.message.strip()}
    if inner.cls_name == "DagsterAssetCheckFailedError":
        cause["fix"] = (
            "the failed blocking checks are listed above with their failing rows (samples in the"
            " run report); fix the data they name and run again"
        )
    return cause


def root_causes(events: Iterable[dg.EventLogEntry]) -> list[dict[str, Any]]:
    """One root cause per failed step of a run, in the order the steps failed."""
    causes = []
    for entry in events:
        event = entry.dagster_event
        if event is None or event.event_type != dg.DagsterEventType.STEP_FAILURE:
            continue
        data = event.step_failure_data
        step = event.step_key or "?"
        user = data.user_failure_data
        found = user.metadata.get(ROOT_CAUSE_KEY) if user is not None else None
        if found is not None:
            causes.append({**dict(found.value), "step": step})
        elif data.error is not None:
            causes.append(_from_error_info(data.error, step))
    return [{k: v for k, v in c.items() if v is not None} for c in causes]


def dbt_root_cause(target_dir: Path, work_db: Path) -> dict[str, Any] | None:
    """The first dbt node that errored (not a failed test: those are failed checks), from
    dbt's `run_results.json`; a full disk is said as such."""
    results_file = target_dir / "run_results.json"
    if not results_file.exists():
        return None
    try:
        results = json.loads(results_file.read_text()).get("results", [])
    except ValueError:
        return None
    for result in results:
        if result.get("status") != "error":
            continue
        message = " ".join(str(result.get("message") or "").split())
        node = str(result.get("unique_id") or "?")
        if is_disk_full(Exception(message)):
            return describe(DiskFullError(work_db), "dbt_models") | {"node": node}
        return {
            "step": "dbt_models",
            "error": "dbt",
            "node": node,
            "message": f"dbt {node}: {message}",
            "fix": "see dbt's output in the run's target folder; fix the model or its input and"
            " run again",
        }
    return None


def format_root_cause(cause: dict[str, Any]) -> list[str]:
    """The lines the summary ends with: where, what, and what to do."""
    lines = [f"Root cause ({cause.get('step', '?')}): {cause.get('message', '?')}"]
    where = [
        f"{name} {cause[key]}"
        for name, key in (
            ("system", "system"),
            ("file", "file"),
            ("sheet", "sheet"),
            ("cell", "cell"),
            ("row", "row"),
            ("field", "field"),
        )
        if cause.get(key) is not None
    ]
    if where:
        lines.append(f"  where: {', '.join(where)}")
    if cause.get("problem"):
        lines.append(f"  found: {cause['problem']}")
    if cause.get("fix"):
        lines.append(f"  fix: {cause['fix']}")
    return lines


def write_run_log(path: Path, events: Iterable[dg.EventLogEntry]) -> Path:
    """The run's log file: every warning and error of the run, with full tracebacks."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for entry in events:
            event = entry.dagster_event
            error = None
            if event is not None and event.event_type == dg.DagsterEventType.STEP_FAILURE:
                error = event.step_failure_data.error
            elif event is not None and event.event_type == dg.DagsterEventType.RUN_FAILURE:
                error = getattr(event.event_specific_data, "error", None)
            if error is None and entry.level < 30:  # below WARNING
                continue
            when = dt.datetime.fromtimestamp(entry.timestamp, dt.UTC).isoformat(timespec="seconds")
            out.write(f"{when} {entry.step_key or '-'} {entry.message}\n")
            if error is not None:
                out.write(error.to_string())
                out.write("\n")
    return path
