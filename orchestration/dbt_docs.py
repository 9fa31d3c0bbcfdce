"""dbt's documentation site of the published run, served with the report pages (`docs/`).

BI users read each mart's description, columns, tests and lineage there. The publish step
builds it from the run's own manifest and the catalog of the work warehouse it just published,
while it still holds the warehouse, and keeps the one-file site in the warehouse folder; `spm
report` copies it into each report site.

The site is what `dbt docs generate --static` writes: dbt's `index.html` with the manifest and
the catalog inlined where dbt inlines them. The catalog is read here from DuckDB
(`orchestration/dbt_catalog.py`) instead of by a second dbt process, which parsed the project
again and cost 3 to 5 s of every run.
"""

from __future__ import annotations

import json
import os
from importlib.util import find_spec
from pathlib import Path

import duckdb

from orchestration.dbt_catalog import work_catalog
from orchestration.settings import Settings


class DbtDocsError(RuntimeError):
    """The documentation could not be built; the message says what was missing."""


def published_docs(settings: Settings) -> Path:
    """The one-file docs site of the last published run."""
    return settings.warehouse_dir / "dbt_docs" / "index.html"


def dbt_docs_template() -> Path:
    """dbt's own docs page (`dbt/task/docs/index.html` of the installed dbt-core)."""
    spec = find_spec("dbt")
    if spec is None or not spec.submodule_search_locations:
        raise DbtDocsError("dbt-core is not installed: no docs page to fill")
    return Path(next(iter(spec.submodule_search_locations))) / "task" / "docs" / "index.html"


def build_dbt_docs(settings: Settings, run_id: str) -> Path:
    """Write the run's catalog and its one-file docs site; keep the site as `published_docs`.

    The catalog (`catalog.json`, beside the run's manifest) is read from the work warehouse,
    which holds what was just published.
    """
    target = settings.dbt_target_dir(run_id)
    manifest_path = target / "manifest.json"
    try:
        manifest_text = manifest_path.read_text(encoding="utf-8")
        template = dbt_docs_template().read_text(encoding="utf-8")
        catalog = work_catalog(
            settings.work_db, json.loads(manifest_text), settings.reader_duckdb_config("docs")
        )
    except (OSError, ValueError, KeyError, duckdb.Error) as exc:
        raise DbtDocsError(f"dbt's docs could not be built from {manifest_path}: {exc}") from exc
    catalog_text = json.dumps(catalog)
    (target / "catalog.json").write_text(catalog_text, encoding="utf-8")
    page = template.replace('"MANIFEST.JSON INLINE DATA"', manifest_text).replace(
        '"CATALOG.JSON INLINE DATA"', catalog_text
    )
    destination = published_docs(settings)
    _replace(page, destination)
    return destination


def _replace(text: str, destination: Path) -> None:
    """Write under a temporary name, then rename: a reader never opens half a file."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, destination)
