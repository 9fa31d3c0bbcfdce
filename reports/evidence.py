"""Build the report pages with Evidence itself: the proof that the pages are Evidence pages.

`reports/` is an Evidence project (package.json and its lock file, evidence.config.yaml,
pages/, sources/). In Evidence a page's SQL reads `<source>.<source query>`; naming the
sources after the warehouse schemas (`marts`, `quarantine`, `marts_restricted`) and giving
each mart a source query `select * from <schema>.<table>` lets the very same page SQL run
under Evidence and under the product's renderer.

`build_with_evidence` copies the project into a scratch directory (Evidence writes its
build, cache and generated files into the project), points the sources at the given
published warehouse by a relative path, leaves out the pages whose marts it does not hold
(and the restricted page unless asked), runs `evidence sources` and `evidence build`
offline, and checks that every page it kept compiled to HTML and that none of their queries
failed (Evidence still writes a page whose query failed, with the error in place of the data).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from reports.page_format import parse_page
from reports.site_config import PAGES_DIR, REPORTS_DIR, load_site_config
from reports.sql_engine import tables_read

# Evidence source directory for each schema; `warehouse` holds the marts.
SOURCE_DIRS = {"marts": "warehouse", "quarantine": "quarantine", "marts_restricted": "restricted"}
PROJECT_FILES = ["package.json", "package-lock.json", "evidence.plugins.yaml"]
# Where `evidence sources` writes each source query's result, and its list of them.
EVIDENCE_DATA_DIR = Path(".evidence") / "template" / "static" / "data"
# The DuckDB type of each Evidence column type, as Evidence writes its own Parquet files.
_EVIDENCE_TYPES = {"number": "DOUBLE", "boolean": "BOOLEAN", "date": "TIMESTAMP"}
_REF = re.compile(r"'?\$\{[^}]*\}'?")
# Evidence's line for a page query that failed while it drew the page: "<query> | Error in Query!"
_QUERY_ERROR = re.compile(r"^\s*(?:\x1b\[[0-9;]*m)*([\w$]+) \| Error in Query! (.*)$", re.MULTILINE)


class EvidenceBuildError(RuntimeError):
    """Evidence failed, or a page did not compile; the message carries Evidence's output."""


@dataclass
class EvidenceResult:
    out_dir: Path
    pages: list[str] = field(default_factory=list)  # page files (pages/...) that compiled
    skipped: list[str] = field(default_factory=list)  # with the reason
    log: str = ""


def page_tables(page_path: Path, name: str) -> set[str]:
    """`schema.table` of every table a page reads."""
    page = parse_page(page_path.read_text(encoding="utf-8"), name)
    found: set[str] = set()
    for query in page.queries.values():
        found |= {t.lower() for t in tables_read(_REF.sub("(select 1)", query.sql)) if "." in t}
    return found


def write_sources(project: Path, published_db: Path, tables: set[str]) -> None:
    """Write one Evidence source per schema with a source query per table."""
    by_schema: dict[str, list[str]] = {}
    for table in sorted(tables):
        schema, name = table.split(".")
        by_schema.setdefault(schema, []).append(name)
    sources = project / "sources"
    if sources.exists():
        shutil.rmtree(sources)
    for schema, names in by_schema.items():
        directory = sources / SOURCE_DIRS[schema]
        directory.mkdir(parents=True)
        relative = os.path.relpath(published_db.resolve(), directory.resolve())
        (directory / "connection.yaml").write_text(
            f"# Evidence source `{schema}`: the `{schema}` schema of the published warehouse.\n"
            f"# The filename is relative to this directory (Evidence's rule).\n"
            f"name: {schema}\ntype: duckdb\noptions:\n  filename: {relative}\n",
            encoding="utf-8",
        )
        for name in names:
            (directory / f"{name}.sql").write_text(
                f"select * from {schema}.{name}\n", encoding="utf-8"
            )


def write_empty_source_files(data_dir: Path) -> list[str]:
    """Write a zero-row Parquet file for every source query that returned no rows; returns
    their paths (as Evidence's manifest lists them).

    Evidence 39 lists an empty result in its manifest but writes no file for it ("wrote 0
    rows"), and `evidence build` then stops on the missing file ("too small to be a Parquet
    file"). Empty tables are normal in a real warehouse (a clean company's quarantine), so the
    file Evidence would have written is written here from the column types it recorded.
    """
    listing = data_dir / "manifest.json"
    if not listing.is_file():  # no source at all: nothing listed, nothing missing
        return []
    manifest = json.loads(listing.read_text(encoding="utf-8"))
    missing = [
        (listed, data_dir.parent.parent / listed)
        for files in manifest.get("renderedFiles", {}).values()
        for listed in files
        if not (data_dir.parent.parent / listed).exists()
    ]
    if not missing:
        return []
    with duckdb.connect() as con:
        for _, parquet in missing:
            schema = parquet.with_name(parquet.name.removesuffix(".parquet") + ".schema.json")
            columns = json.loads(schema.read_text(encoding="utf-8"))
            select = ", ".join(
                f"cast(null as {_EVIDENCE_TYPES.get(c['evidenceType'], 'VARCHAR')}) as "
                f"{_quoted(c['name'])}"
                for c in columns
            )
            target = str(parquet).replace("'", "''")
            con.execute(f"copy (select {select} limit 0) to '{target}' (format parquet)")
    return [listed for listed, _ in missing]


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _published_tables(published_db: Path) -> set[str]:
    con = duckdb.connect(str(published_db), read_only=True)
    try:
        rows = con.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    finally:
        con.close()
    return {f"{s}.{t}".lower() for s, t in rows}


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise EvidenceBuildError("npm is not installed: Evidence needs Node.js and npm")
    return npm


def ensure_node_modules(project: Path = REPORTS_DIR) -> Path:
    """Install the locked Evidence packages into reports/node_modules once (`npm install`)."""
    modules = project / "node_modules"
    if not (modules / "@evidence-dev" / "evidence").is_dir():
        # `npm install` with the committed lock, not `npm ci`: npm leaves other platforms'
        # optional DuckDB bindings out of the lock it writes, and `npm ci` then refuses it.
        # --prefer-offline: a package already in npm's cache is not asked of the registry
        # again (the lock pins every version and checksum): 16-22 s instead of 24-28 s here.
        _run(
            [_npm(), "install", "--no-audit", "--no-fund", "--prefer-offline"],
            project,
            timeout=1800,
        )
    return modules


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"SEND_ANONYMOUS_USAGE_STATS": "no", "DO_NOT_TRACK": "1", "CI": "true"})
    return env


def _run(command: list[str], cwd: Path, timeout: int) -> str:
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise EvidenceBuildError(f"{' '.join(command)} timed out after {timeout}s") from exc
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise EvidenceBuildError(
            f"{' '.join(command)} failed with exit code {done.returncode}:\n{output[-6000:]}"
        )
    return output


def _html_for(build: Path, page: str) -> Path | None:
    """Where Evidence wrote a page (`x.md` -> `x.html` or `x/index.html`)."""
    stem = page.removesuffix(".md")
    if stem.endswith("index"):
        stem = stem.removesuffix("index").rstrip("/")
    candidates = (
        [build / f"{stem}.html", build / stem / "index.html"] if stem else [build / "index.html"]
    )
    return next((c for c in candidates if c.is_file()), None)


def build_with_evidence(
    published_db: Path, out_dir: Path, restricted: bool = False, *, timeout: int = 1500
) -> EvidenceResult:
    """Build the pages with Evidence from `published_db` into `out_dir`; check every page."""
    published_db = published_db.resolve()
    if not published_db.is_file():
        raise FileNotFoundError(f"published warehouse {published_db} does not exist")
    config = load_site_config()
    present = _published_tables(published_db)
    modules = ensure_node_modules()
    result = EvidenceResult(out_dir)
    with tempfile.TemporaryDirectory(prefix="spm-evidence-") as scratch:
        project = Path(scratch) / "project"
        project.mkdir()
        for name in PROJECT_FILES:
            shutil.copy2(REPORTS_DIR / name, project / name)
        (project / "node_modules").symlink_to(modules, target_is_directory=True)
        kept: list[str] = []
        tables: set[str] = set()
        for name, page_config in sorted(config.pages.items()):
            if not page_config.enabled:
                result.skipped.append(f"{name}: disabled in site.toml")
                continue
            if page_config.restricted and not restricted:
                result.skipped.append(f"{name}: restricted")
                continue
            needed = page_tables(PAGES_DIR / name, name)
            missing = sorted(needed - present)
            if missing:
                result.skipped.append(f"{name}: {', '.join(missing)} not in the warehouse")
                continue
            target = project / "pages" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PAGES_DIR / name, target)
            kept.append(name)
            tables |= needed
        write_sources(project, published_db, tables)
        log = _run([_npm(), "run", "sources"], project, timeout)
        write_empty_source_files(project / EVIDENCE_DATA_DIR)
        log += _run([_npm(), "run", "build"], project, timeout)
        build = project / "build"
        not_compiled = []
        for name in kept:
            if "[" in name:
                folder = build / Path(name).parent
                compiled = [p for p in folder.rglob("*.html") if p.name != "index.html"] + [
                    p for p in folder.glob("*/index.html")
                ]
                if not compiled:
                    not_compiled.append(name)
                    continue
            elif _html_for(build, name) is None:
                not_compiled.append(name)
                continue
            result.pages.append(name)
        if not_compiled:
            raise EvidenceBuildError(
                f"Evidence built, but these pages did not compile: {not_compiled}\n{log[-4000:]}"
            )
        failed = failed_queries(log)
        if failed:
            raise EvidenceBuildError(
                "Evidence built the pages, but these queries failed in Evidence's DuckDB:\n"
                + "\n".join(f"{query}: {error}" for query, error in failed.items())
            )
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.copytree(build, out_dir)
        result.log = log
    return result


def failed_queries(log: str) -> dict[str, str]:
    """Query name -> the error Evidence printed for it, from the output of `evidence build`."""
    return {m.group(1): m.group(2).strip() for m in _QUERY_ERROR.finditer(log)}


def refresh_project_sources(published_db: Path) -> None:
    """Rewrite reports/sources/ for every table the pages read (run after adding a mart), for
    the published warehouse `published_db` (`Settings.from_env().published_db`)."""
    tables: set[str] = set()
    for name in load_site_config().pages:
        tables |= page_tables(PAGES_DIR / name, name)
    write_sources(REPORTS_DIR, published_db, tables)
