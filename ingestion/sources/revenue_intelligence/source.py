"""dlt source for revenue intelligence (forecast calls) -> `raw_revenue_intelligence`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from ingestion.landing import changed, landing_file
from ingestion.records import csv_records
from ingestion.schema_contract import SCHEMA_CONTRACT
from ingestion.sources.revenue_intelligence.contract import FILE, FORECAST_SUBMISSIONS
from ingestion.tables import dlt_columns, for_dlt


def _submissions(landing_dir: Path) -> Iterator[pa.Table]:
    for file in changed([landing_file(landing_dir, FILE)]):
        table = csv_records(file, FORECAST_SUBMISSIONS)
        if table.num_rows:  # a header-only file is valid: nothing to add
            yield for_dlt(table, FORECAST_SUBMISSIONS)


def forecast_submissions_resource(landing_dir: Path) -> DltResource:
    """Merged on SubmissionId; only submissions newer than the last load's are passed on.

    A submission is a fact once made, but the tool may re-export a corrected one under the same
    id, so merge (not append) keeps one row per id.
    """
    resource = dlt.resource(
        _submissions,
        name="forecast_submissions",
        primary_key="submission_id",
        write_disposition={
            "disposition": "merge",
            "strategy": "delete-insert",
            "deduplicated": True,  # keys are unique per file (checked while reading)
        },
        columns=dlt_columns(FORECAST_SUBMISSIONS),
        incremental=dlt.sources.incremental("submitted_at"),
    )
    return resource(Path(landing_dir))


@dlt.source(name="revenue_intelligence", schema_contract=SCHEMA_CONTRACT)
def revenue_intelligence_source(landing_dir: str | Path) -> list[DltResource]:
    """The forecast submissions of `<landing_dir>/revenue_intelligence/`."""
    return [forecast_submissions_resource(Path(landing_dir))]
