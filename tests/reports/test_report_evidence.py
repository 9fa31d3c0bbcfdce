"""The pages are real Evidence pages: Evidence 39 builds every one of them from the warehouse."""

from __future__ import annotations

import shutil

import pytest

from reports.evidence import SOURCE_DIRS, build_with_evidence, failed_queries, page_tables
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
    result = build_with_evidence(report_warehouse, tmp_path / "evidence", restricted=True)
    expected = sorted(n for n, c in load_site_config().pages.items() if c.enabled)
    assert sorted(result.pages) == expected, result.skipped
    assert (tmp_path / "evidence" / "index.html").is_file()
