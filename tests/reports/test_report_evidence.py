"""The pages are real Evidence pages: Evidence 39 builds every one of them from the warehouse."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from reports.evidence import (
    SOURCE_DIRS,
    build_with_evidence,
    failed_queries,
    page_tables,
    write_empty_source_files,
)
from reports.site_config import PAGES_DIR, REPORTS_DIR, load_site_config


def test_committed_sources_cover_every_table_the_pages_read():
    tables = set()
    for name in load_site_config().pages:
        tables |= page_tables(PAGES_DIR / name, name)
    committed = set()
    for schema, directory in SOURCE_DIRS.items():
        folder = REPORTS_DIR / "sources" / directory
        connection = (folder / "connection.yaml").read_text(encoding="utf-8")
        assert f"name: {schema}" in connection
        assert "filename: ../../../warehouse/spm.duckdb" in connection  # relative, default dir
        committed |= {f"{schema}.{p.stem}" for p in folder.glob("*.sql")}
    assert committed == tables, (
        "run reports.evidence.refresh_project_sources(Settings.from_env().published_db)"
    )


# As `evidence build` printed it for the data-quality page when its checks were read with
# DuckDB's from_json, which Evidence's DuckDB does not load: the pages were written anyway.
EVIDENCE_LOG = """\
\x1b[32m✔\x1b[39m Prerendered 24 pages
last_run_checks | Error in Query! Catalog Error: Scalar Function with name "from_json" is \
not in the catalog, but it exists in the json extension.

Please try installing and loading the json extension by running:
warnings | Error in Query! Catalog Error: Scalar Function with name "from_json" is not in the
Build complete --> /build
"""


def test_a_query_that_failed_in_evidence_is_found_in_its_log():
    failed = failed_queries(EVIDENCE_LOG)
    assert list(failed) == ["last_run_checks", "warnings"]
    assert failed["warnings"].startswith('Catalog Error: Scalar Function with name "from_json"')
    assert failed_queries("Build complete --> /build\n") == {}


@pytest.mark.slow
@pytest.mark.standalone
@pytest.mark.xdist_group("evidence")
@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed: no Evidence build")
def test_evidence_builds_every_page(report_warehouse, tmp_path):
    """Every page, from a warehouse in which a table the pages read is empty (as a clean
    company's quarantine is): Evidence writes no file for an empty source, the build must not
    stop on it."""
    warehouse = tmp_path / "spm.duckdb"
    shutil.copyfile(report_warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("delete from quarantine.crm_export")
    finally:
        con.close()
    result = build_with_evidence(warehouse, tmp_path / "evidence", restricted=True)
    expected = sorted(n for n, c in load_site_config().pages.items() if c.enabled)
    assert sorted(result.pages) == expected, result.skipped
    assert (tmp_path / "evidence" / "index.html").is_file()
    assert (tmp_path / "evidence" / "data-quality" / "index.html").is_file()


def test_an_empty_source_gets_a_zero_row_file_with_its_columns(tmp_path):
    """What `evidence sources` leaves for a query without rows: the manifest lists the file,
    only its schema was written."""
    data = tmp_path / ".evidence" / "template" / "static" / "data"
    folder = data / "quarantine" / "crm_export"
    folder.mkdir(parents=True)
    listed = "static/data/quarantine/crm_export/crm_export.parquet"
    kept = data / "marts" / "kept" / "kept.parquet"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"not touched")
    manifest = {"quarantine": [listed], "marts": ["static/data/marts/kept/kept.parquet"]}
    (data / "manifest.json").write_text(json.dumps({"renderedFiles": manifest}))
    columns = [
        {"name": "deal_id", "evidenceType": "string"},
        {"name": "file_row", "evidenceType": "number"},
        {"name": "loaded_at", "evidenceType": "date"},
        {"name": "is_fixed", "evidenceType": "boolean"},
        {"name": 'odd "name"', "evidenceType": "string"},
    ]
    (folder / "crm_export.schema.json").write_text(json.dumps(columns))

    assert write_empty_source_files(data) == [listed]

    parquet = folder / "crm_export.parquet"
    described = duckdb.sql(f"describe select * from '{parquet}'").fetchall()
    assert [(row[0], row[1]) for row in described] == [
        ("deal_id", "VARCHAR"),
        ("file_row", "DOUBLE"),
        ("loaded_at", "TIMESTAMP"),
        ("is_fixed", "BOOLEAN"),
        ('odd "name"', "VARCHAR"),
    ]
    assert duckdb.sql(f"select count(*) from '{parquet}'").fetchone() == (0,)
    assert kept.read_bytes() == b"not touched"
    assert write_empty_source_files(tmp_path / "no sources") == []
