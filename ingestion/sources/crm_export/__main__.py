"""Load a mapped CRM export alone, without Dagster (the CRM system picks crm_export/).

python -m ingestion.sources.crm_export --landing DIR --warehouse DIR
"""

from ingestion.cli import main

raise SystemExit(main(system="crm"))
