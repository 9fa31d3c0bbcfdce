"""Load this system alone, without Dagster.

python -m ingestion.sources.crm --landing DIR --warehouse DIR
"""

from ingestion.cli import main

raise SystemExit(main(system="crm"))
