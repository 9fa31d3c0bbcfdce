"""Load this system alone, without Dagster.

python -m ingestion.sources.sales_analytics --landing DIR --warehouse DIR
"""

from ingestion.cli import main

raise SystemExit(main(system="sales_analytics"))
