"""The schema contract every source declares (dlt `schema_contract`), in one place.

New tables and new columns may evolve: a source system adding a field must not stop the
daily load, and the load reports the new column. A known column that changes its data type
is an error naming resource and column (dlt raises, `ingestion.pipeline` rewords it).
"""

from __future__ import annotations

from dlt.common.schema.typing import TSchemaContractDict

SCHEMA_CONTRACT: TSchemaContractDict = {
    "tables": "evolve",
    "columns": "evolve",
    "data_type": "freeze",
}
