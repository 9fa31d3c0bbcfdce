"""What a run reads, as one fingerprint: so a run with nothing new can stop in seconds.

A daily schedule or a cron line calls `spm run` whether or not anything landed. When the
landing files (by content), the settings that reach the models (the as-of date among them,
since period-to-date numbers move every day) and the product's own code are exactly those
of the last fully successful run, a new run would publish the same tables and draw the same
pages: `spm run` says so and leaves the published files as they are.

Hashing every landing file again would cost as much as reading it, so each file's content
hash is cached by (size, modification time, inode): a file re-exported with the same content
gets a new modification time and is hashed again, and still matches.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingestion.landing_files import scan_landing
from orchestration.settings import PROJECT_ROOT, Settings

RECORD_NAME = "last_published_inputs.json"
HASH_CACHE_NAME = "landing_hashes.json"

# The product's code that decides what a run publishes; build outputs and caches are not.
CODE_DIRS = ("ingestion", "dbt_project", "data_quality", "orchestration", "reports")
CODE_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".md", ".j2", ".toml", ".csv", ".json", ".css"}
SKIPPED_DIRS = {"node_modules", "target", "build", "logs", "__pycache__", ".evidence", "fonts"}
CHUNK = 1 << 20


@dataclass(frozen=True)
class RunInputs:
    """The fingerprint of one run's inputs, and its parts (so a log can say what changed)."""

    landing: str
    settings: str
    code: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(f"{self.landing}:{self.settings}:{self.code}".encode()).hexdigest()

    def changed_parts(self, other: dict[str, Any]) -> list[str]:
        return [
            part
            for part in ("landing", "settings", "code")
            if other.get(part) != getattr(self, part)
        ]


def _file_hash(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=20)
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _load_json(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _write_json(path: Path, content: dict[str, Any]) -> None:
    """Write by rename, so a killed run never leaves half a record that matches nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(json.dumps(content, indent=1, sort_keys=True))
    os.replace(temp, path)


def landing_fingerprint(landing_dir: Path, cache_path: Path) -> str:
    """Every regular file of the landing folder by name and content.

    Files no loader pattern names are hashed too: a CRM's CSV export and its mapping file
    (`crm_export/`) are read by their own source, and a strict run refuses unknown files.
    Links and other refused entries count by name.
    """
    inventory = scan_landing(landing_dir)
    cache = _load_json(cache_path)
    fresh: dict[str, Any] = {}
    parts = []
    for relative in sorted([*inventory.recognised, *inventory.not_recognised]):
        path = landing_dir / relative
        stat = path.stat()
        key = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
        cached = cache.get(relative)
        if isinstance(cached, dict) and cached.get("key") == key:
            content = str(cached["hash"])
        else:
            content = _file_hash(path)
        fresh[relative] = {"key": key, "hash": content}
        parts.append(f"{relative}={content}")
    parts += [f"{name}=refused" for name in inventory.refused]
    if fresh != cache:
        _write_json(cache_path, fresh)
    return hashlib.sha256(f"{landing_dir.resolve()}\n{chr(10).join(parts)}".encode()).hexdigest()


def settings_fingerprint(settings: Settings) -> str:
    """The settings that change what is published: dbt vars, paths, targets, strictness."""
    relevant = {
        "dbt_vars": settings.dbt_vars(),
        "as_of": settings.as_of.isoformat(),
        "crm_connection": settings.crm_connection,
        "engine": settings.engine,
        "lake": settings.lake,
        "landing_strict": settings.landing_strict,
        "reports_dir": str(settings.reports_dir.resolve()),
        "site_url": settings.site_url,
        "publish_postgres_url": settings.publish_postgres_url,
    }
    return hashlib.sha256(json.dumps(relevant, sort_keys=True, default=str).encode()).hexdigest()


def _code_files(root: Path) -> Iterable[Path]:
    for folder in CODE_DIRS:
        for base, dirs, files in os.walk(root / folder):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
            for name in sorted(files):
                if Path(name).suffix in CODE_SUFFIXES:
                    yield Path(base) / name


def code_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """The product's own source: an upgrade or an edited model always runs again."""
    digest = hashlib.sha256()
    for path in _code_files(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _state_dir(settings: Settings) -> Path:
    """Beside the run reports, not among them: readers of `runs/*.json` expect reports."""
    return settings.warehouse_dir / "run_inputs"


def run_inputs(settings: Settings) -> RunInputs:
    return RunInputs(
        landing=landing_fingerprint(settings.landing_dir, _state_dir(settings) / HASH_CACHE_NAME),
        settings=settings_fingerprint(settings),
        code=code_fingerprint(),
    )


def _published_state(settings: Settings) -> dict[str, Any] | None:
    """Size and modification time of what the last run left, or None when any is missing."""
    files = [settings.published_db, settings.work_db]
    if not all(path.is_file() for path in files) or not settings.reports_dir.is_dir():
        return None
    return {str(path): [path.stat().st_size, path.stat().st_mtime_ns] for path in files}


@dataclass(frozen=True)
class NothingNew:
    """The last fully successful run that already published exactly these inputs."""

    run_id: str
    finished_at: str


def nothing_new(settings: Settings, inputs: RunInputs) -> NothingNew | None:
    """The earlier run whose inputs and published files are exactly today's, if any.

    Never for a CRM read through its API: only the API knows whether anything changed, and
    dlt's incremental cursor asks it cheaply.
    """
    if settings.crm_connection != "files":
        return None
    record = _load_json(_state_dir(settings) / RECORD_NAME)
    if record.get("digest") != inputs.digest:
        return None
    state = _published_state(settings)
    if state is None or record.get("published_files") != state:
        return None
    return NothingNew(str(record.get("run_id")), str(record.get("finished_at")))


def remember_published(
    settings: Settings, inputs: RunInputs, run_id: str, finished_at: str
) -> None:
    """After a fully successful run: the inputs it published, for the next run to compare."""
    state = _published_state(settings)
    if state is None:
        return
    _write_json(
        _state_dir(settings) / RECORD_NAME,
        {
            "digest": inputs.digest,
            "landing": inputs.landing,
            "settings": inputs.settings,
            "code": inputs.code,
            "run_id": run_id,
            "finished_at": finished_at,
            "published_files": state,
        },
    )


def forget_published(settings: Settings) -> None:
    """Before a run writes anything: a killed or failed run must never be taken as current."""
    (_state_dir(settings) / RECORD_NAME).unlink(missing_ok=True)
