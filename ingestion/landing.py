"""Which landing files a load reads: each file once, again only when it changes.

A file is identified by its path relative to the landing root and its signature
(modification time in nanoseconds and size). The signatures of the files read are kept in the
dlt resource state, which dlt commits together with the loaded data: a load that fails keeps
the previous signatures, so the same files are read again next time.

dlt's `incremental` on a modification-date cursor would keep only the newest time seen, and
would skip forever a file that arrives later with an older time (copied with its timestamps
preserved, or written by a machine with a slow clock). Remembering every file's signature
has no such blind spot and costs one small dict entry per file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import dlt

from ingestion.errors import LandingFileError

log = logging.getLogger(__name__)

_STATE_KEY = "landing_files"


@dataclass(frozen=True)
class LandingFile:
    """A file in the landing folder, as a load sees it."""

    path: Path
    relative: str
    signature: tuple[int, int]


def refuse_outside(landing_dir: Path, path: Path, relative: str) -> None:
    """Refuse a symbolic link, or a path that resolves outside the landing root, naming it.

    A link would load (and, on a parse error, quote) whatever it points to: `/etc/passwd`, or
    a CSV from another folder published with no message. Neither the target nor its content
    is echoed.
    """
    if path.is_symlink():
        raise LandingFileError(
            relative,
            None,
            None,
            "is a symbolic link, which a load never follows: copy the file itself into the"
            " landing folder",
        )
    if not path.resolve().is_relative_to(Path(landing_dir).resolve()):
        raise LandingFileError(
            relative,
            None,
            None,
            "resolves to a place outside the landing folder (a linked folder?), which a load"
            " never reads: copy the file itself into the landing folder",
        )


def landing_file(landing_dir: Path, relative: str) -> LandingFile:
    """A required file; its absence is an error naming it."""
    path = Path(landing_dir) / relative
    if path.is_symlink() or path.exists():
        refuse_outside(landing_dir, path, relative)
    if not path.is_file():
        raise LandingFileError(relative, None, None, f"file not found in {Path(landing_dir)}")
    stat = path.stat()
    return LandingFile(path, relative, (stat.st_mtime_ns, stat.st_size))


def optional_landing_file(landing_dir: Path, relative: str) -> list[LandingFile]:
    """An optional file: the file in a one-element list, or an empty list when it is absent.

    Absent optional files are not errors (a company without splits or payouts simply has
    none); the loader leaves their raw table empty (`ingestion.raw_tables`).
    """
    if not (Path(landing_dir) / relative).is_file():
        log.info("%s not in %s: optional, skipped", relative, Path(landing_dir))
        return []
    return [landing_file(landing_dir, relative)]


def landing_files(landing_dir: Path, folder: str, pattern: str) -> list[LandingFile]:
    """Files under `folder` matching `pattern`, sorted by path; the folder itself must exist."""
    root = Path(landing_dir) / folder
    if not root.is_dir():
        raise LandingFileError(folder, None, None, f"folder not found in {Path(landing_dir)}")
    refuse_outside(landing_dir, root, folder)
    found = []
    for path in sorted(root.glob(pattern)):
        relative = path.relative_to(landing_dir).as_posix()
        refuse_outside(landing_dir, path, relative)
        if path.is_file():
            stat = path.stat()
            found.append(LandingFile(path, relative, (stat.st_mtime_ns, stat.st_size)))
    return found


def _seen() -> dict[str, list[int]]:
    state = dlt.current.resource_state()
    return state.setdefault(_STATE_KEY, {})  # type: ignore[no-any-return]


def changed(files: Iterable[LandingFile]) -> Iterator[LandingFile]:
    """The files that are new or changed since the last successful load of this resource.

    Each yielded file is recorded as read; the record becomes permanent only when dlt
    commits the load.
    """
    seen = _seen()
    for file in files:
        if seen.get(file.relative) == list(file.signature):
            log.debug("%s unchanged since the last load, skipped", file.relative)
            continue
        yield file
        seen[file.relative] = list(file.signature)
