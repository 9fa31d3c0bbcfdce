"""Activity ids that two day files give different content: reported, the later file wins.

Activities are appended, so an event delivered twice lands twice in raw and staging keeps
one version per id (`stg_sales_analytics__activities`: the latest day file, then the latest
load). A repeat with the same content is a re-delivery and needs no word; a repeat whose
content differs means one version is dropped, so the load says which, with the file and line
of both. Only repeated ids are looked at again (their lines re-read from the files), so the
common case costs one set lookup per row.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from ingestion import notes
from ingestion.landing import LandingFile


def _line_of(path: Path, activity_id: str) -> tuple[int, dict[str, object]] | None:
    """The line number and record of `activity_id` in a JSON-lines file."""
    needle = activity_id.encode()
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if needle not in raw:
                continue
            try:
                record = json.loads(raw)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("id") == activity_id:
                return number, record
    return None


class ConflictFinder:
    """Remembers which file each id of this load came from; reports differing repeats."""

    def __init__(self, resource: str) -> None:
        self.resource = resource
        self.first_file: dict[str, LandingFile] = {}

    def add(self, file: LandingFile, table: pa.Table) -> None:
        ids = table["id"].to_pylist()
        seen = self.first_file
        repeated = [i for i in ids if i in seen]
        for activity_id in ids:
            seen.setdefault(activity_id, file)
        for activity_id in dict.fromkeys(repeated):
            earlier = seen[activity_id]
            if earlier.relative == file.relative:
                continue
            first, second = _line_of(earlier.path, activity_id), _line_of(file.path, activity_id)
            if first is None or second is None or first[1] == second[1]:
                continue
            notes.conflict(
                self.resource,
                activity_id,
                f"{earlier.relative} line {first[0]}",
                f"{file.relative} line {second[0]}",
            )
