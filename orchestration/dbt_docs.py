"""dbt's documentation site of the published run, served with the report pages (`docs/`).

BI users read each mart's description, columns, tests and lineage there. The publish step
builds it (`dbt docs generate --static`) from the run's own manifest and the catalog of the
work warehouse it just published, while it still holds the warehouse, and keeps the one-file
site in the warehouse folder; `spm report` copies it into each report site.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from orchestration.dbt_manifest import dbt_executable, dbt_file_log_arguments
from orchestration.settings import DBT_PROJECT_DIR, Settings


class DbtDocsError(RuntimeError):
    """dbt could not build the documentation; the message carries dbt's output."""


def published_docs(settings: Settings) -> Path:
    """The one-file docs site of the last published run."""
    return settings.warehouse_dir / "dbt_docs" / "index.html"


def build_dbt_docs(settings: Settings, run_id: str) -> Path:
    """Run `dbt docs generate --static` in the run's target folder; keep its `index.html`.

    `--no-compile`: the run's manifest already has every node; the catalog (column types)
    is read from the work warehouse, which holds what was just published.
    """
    target = settings.dbt_target_dir(run_id)
    target.mkdir(parents=True, exist_ok=True)
    env = settings.dbt_env()
    env["DBT_LOG_PATH"] = str(settings.warehouse_dir / "dbt_logs")
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    command = [
        dbt_executable(),
        "docs",
        "generate",
        "--static",
        "--no-compile",
        "--quiet",
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target),
        "--vars",
        json.dumps(settings.dbt_vars()),
        *dbt_file_log_arguments(),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    built = target / "static_index.html"
    if done.returncode != 0 or not built.exists():
        output = ((done.stdout or "") + (done.stderr or "")).strip()[-3000:]
        raise DbtDocsError(f"dbt docs generate failed (exit {done.returncode}): {output}")
    destination = published_docs(settings)
    _replace(built, destination)
    return destination


def _replace(source: Path, destination: Path) -> None:
    """Copy under a temporary name, then rename: a reader never opens half a file."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, destination)
