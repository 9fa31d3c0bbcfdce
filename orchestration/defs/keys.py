"""Names the asset modules share: the writer pool and the publish key.

Every step that writes the work warehouse (loads, the dbt build, the quality checks reading
it while nothing writes, the publish) runs in one Dagster pool of size one, so DuckDB never
sees two writers; the report site and the runner find the publish step by its key. They live
here, not in one of the asset modules, so no sibling imports another for a constant.
"""

from __future__ import annotations

import dagster as dg

WRITER_POOL = "duckdb_writer"
PUBLISH_KEY = dg.AssetKey("publish")
