"""dlt source for finance (FX rates) -> dataset `raw_finance`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dlt
import pyarrow as pa
from dlt.extract.resource import DltResource

from ingestion.landing import changed, landing_file
from ingestion.records import csv_records
from ingestion.schema_contract import SCHEMA_CONTRACT
from ingestion.sources.finance.contract import FILE, FX_RATES
from ingestion.tables import dlt_columns, for_dlt


def _rates(landing_dir: Path) -> Iterator[pa.Table]:
    for file in changed([landing_file(landing_dir, FILE)]):
        table = csv_records(file, FX_RATES)
        if table.num_rows:  # a header-only file is valid: nothing to add
            yield for_dlt(table, FX_RATES)


def fx_rates_resource(landing_dir: Path) -> DltResource:
    """Merged on (date, currency): finance may restate a past day's rate, and the restated
    rate replaces the old one. The file is read again only when it changes."""
    resource = dlt.resource(
        _rates,
        name="fx_rates",
        primary_key=["date", "currency"],
        write_disposition={
            "disposition": "merge",
            "strategy": "delete-insert",
            "deduplicated": True,  # keys are unique per file (checked while reading)
        },
        columns=dlt_columns(FX_RATES),
    )
    return resource(Path(landing_dir))


@dlt.source(name="finance", schema_contract=SCHEMA_CONTRACT)
def finance_source(landing_dir: str | Path) -> list[DltResource]:
    """The FX rates of `<landing_dir>/finance/`."""
    return [fx_rates_resource(Path(landing_dir))]
